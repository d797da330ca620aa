package io.callrec.record;

import io.callrec.media.rtp.SeqNum;

/**
 * Maps one RTP source's timestamps to the local wall clock (microseconds), the sync model of spec §5:
 * <ul>
 *   <li>per source, the least-delayed packet seen so far gives {@code minDelta = arrival - ts/rate}: the arrival time a
 *       packet would have had without queueing delay;</li>
 *   <li>with an RTCP Sender Report, the sender's own NTP clock places the source relative to the sender's other
 *       sources (lip sync within a party): {@code local(ts) = ntp(ts) + partyOffset}, where {@code partyOffset} (local
 *       minus sender NTP) is shared by all sources of the party and taken from the least-delayed packets;</li>
 *   <li>without a Sender Report, {@code local(ts) = ts/rate + minDelta} (arrival-time fallback).</li>
 * </ul>
 * Once a source is mapped the mapping is frozen, so timestamps already written never move. Worker thread only.
 *
 * <p>Sender Reports come from the network and may lie (a buggy or hostile endpoint, or one spoofing the party's
 * address). Two bounds keep a lying report from moving media on the timeline:
 * <ul>
 *   <li>after the first accepted report of a source, a report whose NTP time goes backwards, or differs by more than
 *       {@link #MAX_SR_JUMP_MICROS} from what the accepted one predicts for its RTP time, is ignored (a sender's
 *       NTP and RTP clocks drift apart by parts per million, not by hundreds of milliseconds);</li>
 *   <li>a source is mapped by its report only if that places it within {@link #MAX_SR_DISAGREEMENT_MICROS} of where
 *       its arrival times place it, given the party's offset ({@link #senderReportAgrees}); otherwise by arrival.</li>
 * </ul>
 */
final class SenderClock {
    /** How far a Sender Report may move the NTP time its source's accepted reports predict. */
    static final long MAX_SR_JUMP_MICROS = 200_000;
    /** How far a Sender Report may place a source from where its arrival times place it. */
    static final long MAX_SR_DISAGREEMENT_MICROS = 500_000;

    private final int ssrc;
    private final int clockRate;
    private boolean started;
    private long lastExtended;
    private long firstExtended;
    private long firstArrivalMicros;
    /** min(arrival - ts*1e6/rate) in micros, over every packet seen. */
    private long minDeltaMicros = Long.MAX_VALUE;

    private boolean hasSr;
    private long srNtpMicros;
    private long srRtpExtended;
    private long firstSrNtpMicros;
    private long firstSrRtp;
    private int srCount;
    private int srIgnored;

    /** Packet counts of the source over the whole recording (sources restart after pauses, clocks do not). */
    long packets;
    long lost;
    long duplicates;
    long late;

    private boolean mapped;
    private String mappedBy;
    /** local(ts) = anchorLocalMicros + (ts - anchorTs) * 1e6 / rate. */
    private long anchorLocalMicros;
    private long anchorTs;

    SenderClock(int ssrc, int clockRate) {
        this.ssrc = ssrc;
        this.clockRate = clockRate;
    }

    int ssrc() {
        return ssrc;
    }

    int clockRate() {
        return clockRate;
    }

    /** Every RTP packet of the source, in arrival order; returns the extended timestamp. */
    long onPacket(long timestamp32, long arrivalMicros) {
        packets++;
        long extended;
        if (!started) {
            started = true;
            extended = timestamp32 & 0xffffffffL;
            firstExtended = extended;
            firstArrivalMicros = arrivalMicros;
        } else {
            extended = SeqNum.extendTimestamp(lastExtended, timestamp32);
        }
        if (extended > lastExtended || lastExtended == 0) {
            lastExtended = extended;
        }
        long delta = arrivalMicros - toMicros(extended);
        if (delta < minDeltaMicros) {
            minDeltaMicros = delta;
        }
        return extended;
    }

    /** Extends a timestamp next to the newest one seen (for packets coming out of the reorder buffer). */
    long extend(long timestamp32) {
        return started ? SeqNum.extendTimestamp(lastExtended, timestamp32) : timestamp32 & 0xffffffffL;
    }

    /**
     * A Sender Report of this source.
     *
     * @return false if it was ignored: its NTP time went backwards or jumped against the accepted reports
     */
    boolean onSenderReport(long ntpMicros, long rtpTimestamp32) {
        long extended = started ? SeqNum.extendTimestamp(lastExtended, rtpTimestamp32) : rtpTimestamp32 & 0xffffffffL;
        if (hasSr) {
            long predicted = srNtpMicros + Math.floorDiv((extended - srRtpExtended) * 1_000_000L, clockRate);
            if (ntpMicros < srNtpMicros || Math.abs(ntpMicros - predicted) > MAX_SR_JUMP_MICROS) {
                srIgnored++;
                return false;
            }
        }
        if (!hasSr) {
            firstSrNtpMicros = ntpMicros;
            firstSrRtp = rtpTimestamp32 & 0xffffffffL;
        }
        hasSr = true;
        srCount++;
        srNtpMicros = ntpMicros;
        srRtpExtended = extended;
        return true;
    }

    boolean started() {
        return started;
    }

    boolean hasSenderReport() {
        return hasSr;
    }

    /** Local time minus sender NTP time, as this source's least-delayed packet says; needs a Sender Report. */
    long partyOffsetCandidate() {
        // local(ts) = ts/rate + minDelta; ntp(ts) = srNtp + (ts - srRtp)/rate  =>  local - ntp = minDelta + srRtp/rate - srNtp
        return minDeltaMicros + toMicros(srRtpExtended) - srNtpMicros;
    }

    boolean mapped() {
        return mapped;
    }

    /**
     * Whether mapping by the Sender Report with {@code partyOffsetMicros} places this source within
     * {@link #MAX_SR_DISAGREEMENT_MICROS} of its arrival-time placement. The difference is the source's delay beyond
     * the party's least-delayed source (an encoder's latency, a slower path): some tens to a few hundred ms. A report
     * claiming seconds is a lie; counted as ignored when it is refused.
     */
    boolean senderReportAgrees(long partyOffsetMicros) {
        if (Math.abs(partyOffsetMicros - partyOffsetCandidate()) <= MAX_SR_DISAGREEMENT_MICROS) {
            return true;
        }
        srIgnored++;
        return false;
    }

    /** Freezes the mapping from the Sender Report and the party's offset. */
    void mapBySenderReport(long partyOffsetMicros) {
        mapped = true;
        mappedBy = "rtcp-sr";
        anchorTs = srRtpExtended;
        anchorLocalMicros = srNtpMicros + partyOffsetMicros;
    }

    /** Freezes the arrival-time mapping. */
    void mapByArrival() {
        mapped = true;
        mappedBy = "arrival";
        anchorTs = firstExtended;
        anchorLocalMicros = toMicros(firstExtended) + minDeltaMicros;
    }

    String mappedBy() {
        return mappedBy;
    }

    /** The local wall-clock time of an extended timestamp; only once mapped. */
    long localMicros(long extendedTimestamp) {
        return anchorLocalMicros + Math.floorDiv((extendedTimestamp - anchorTs) * 1_000_000L, clockRate);
    }

    long firstExtended() {
        return firstExtended;
    }

    long firstArrivalMicros() {
        return firstArrivalMicros;
    }

    int senderReports() {
        return srCount;
    }

    /** Sender Reports ignored for sync: see the class comment. */
    int senderReportsIgnored() {
        return srIgnored;
    }

    long firstSrNtpMicros() {
        return firstSrNtpMicros;
    }

    long firstSrRtp() {
        return firstSrRtp;
    }

    private long toMicros(long extendedTimestamp) {
        return Math.floorDiv(extendedTimestamp * 1_000_000L, clockRate);
    }
}
