package io.callrec.testing.media;

import java.util.List;

/**
 * What an {@link RtpPlayer} actually sent. Times named {@code ...Nanos} without "Wall" are {@link System#nanoTime()}
 * offsets from {@link #startNanos()}; a receiver in the same JVM compares its own {@code nanoTime()} against
 * {@code startNanos + scheduledNanos}.
 *
 * @param startNanos     {@code System.nanoTime()} of the player's time 0
 * @param startWallNanos Unix time of the player's time 0, in nanoseconds (the NTP clock of the SRs)
 * @param streams        per stream, in the order they were added
 */
public record PlayReport(long startNanos, long startWallNanos, List<StreamReport> streams) {
    public PlayReport {
        streams = List.copyOf(streams);
    }

    public StreamReport stream(String name) {
        return streams.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no stream " + name + " in " + streams.stream()
                        .map(StreamReport::name).toList()));
    }

    /**
     * @param mediaZeroWallNanos Unix time (ns) that the stream's media time 0 stands for: the start plus the stream's
     *                           offset. The SRs map RTP time to NTP on exactly this clock.
     * @param packetsPlanned     packets in the plan
     * @param datagramsSent      RTP datagrams sent, duplicates included
     * @param lostOnPurpose      packets not sent by the loss setting
     * @param droppedInOutage    packets not sent because of the outage
     * @param duplicated         packets sent twice
     * @param reordered          packets sent after a packet that came later in the plan (by jitter or reordering)
     * @param ssrcs              the SSRCs used, in order
     * @param sent               every RTP datagram sent, in sending order
     * @param reports            every RTCP sender report sent, in sending order
     */
    public record StreamReport(String name, int clockRate, long mediaZeroWallNanos, int packetsPlanned,
                               int datagramsSent, int lostOnPurpose, int droppedInOutage, int duplicated,
                               int reordered, List<SsrcSpan> ssrcs, List<SentPacket> sent, List<SentReport> reports) {
        public StreamReport {
            ssrcs = List.copyOf(ssrcs);
            sent = List.copyOf(sent);
            reports = List.copyOf(reports);
        }

        /** Media time of the first packet sent, in seconds (0 unless it was lost or in an outage). */
        public double firstMediaSeconds() {
            return sent.stream().mapToLong(SentPacket::mediaNanos).min().orElse(0) / 1e9;
        }

        /** Media time of the last packet sent, in seconds. */
        public double lastMediaSeconds() {
            return sent.stream().mapToLong(SentPacket::mediaNanos).max().orElse(0) / 1e9;
        }

        /** Unix time in microseconds of media time 0. */
        public long mediaZeroWallMicros() {
            return Math.floorDiv(mediaZeroWallNanos, 1000);
        }
    }

    /**
     * One SSRC of a stream (a new one after a planned SSRC change).
     *
     * @param fromMediaNanos media time of its first packet
     * @param firstSeq       sequence number of its first packet
     * @param firstTimestamp RTP timestamp of its first packet
     * @param timestampAtMediaZero the RTP timestamp media time 0 would have on this SSRC's clock (unsigned 32-bit):
     *                             RTP time t is media time (t − this) / clock rate, with 32-bit wrap
     */
    public record SsrcSpan(int ssrc, long fromMediaNanos, int firstSeq, long firstTimestamp,
                           long timestampAtMediaZero) {
    }

    /**
     * One RTP datagram sent.
     *
     * @param index          the packet's place in the plan
     * @param mediaNanos     its media time
     * @param scheduledNanos when it was due, from the player's start: offset + media time + impairment delays
     * @param sentNanos      when it was handed to the socket, from the player's start
     * @param duplicate      the second copy of a duplicated packet
     */
    public record SentPacket(int index, int ssrc, int seq, long timestamp, int payloadType, long mediaNanos,
                             long scheduledNanos, long sentNanos, boolean duplicate) {
    }

    /**
     * One RTCP SR (with SDES CNAME) sent.
     *
     * @param ntp64        NTP time in the report
     * @param rtpTimestamp RTP time in the report (same instant, on the SSRC's clock)
     * @param mediaNanos   media time of that instant
     */
    public record SentReport(int ssrc, long ntp64, long rtpTimestamp, long mediaNanos, long packetCount,
                             long octetCount, long scheduledNanos, long sentNanos) {
    }
}
