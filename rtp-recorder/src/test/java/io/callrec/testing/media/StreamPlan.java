package io.callrec.testing.media;

import java.util.List;
import java.util.Objects;

/**
 * One stream for an {@link RtpPlayer}: RTP packets in sending order (e.g. captured from ffmpeg by
 * {@link FfmpegRtp}), their clock rate, and how to play them.
 *
 * <p>Media time is the packet's RTP timestamp minus the first packet's, over the clock rate; the player sends a
 * packet at start + {@code startOffsetMillis} + its media time. The packets' SSRC, sequence numbers and timestamps
 * are rewritten from random bases; everything else (marker, payload, extensions) goes out unchanged.
 *
 * @param name                   for reports
 * @param packets                whole RTP packets; not modified (the player sends copies)
 * @param clockRate              RTP clock rate of the packets' timestamps
 * @param startOffsetMillis      when the stream's media time 0 is, after the player's start. The SRs say so too: the
 *                               stream's content is moved in time, and a correct receiver keeps the shift. (For a
 *                               stream sent late but meant to play in sync, use {@link Impairments#delayMillis()}.)
 * @param rtcpMux                RTCP goes on the RTP port (RFC 5761) instead of its own socket
 * @param impairments            what the network does to it
 * @param ssrcChangeAtMillis     media time from which a new SSRC with new sequence and timestamp bases is used, as a
 *                               restarted sender would; negative = never
 * @param payloadTypeChangeAtMillis media time from which the payload type is {@code newPayloadType}; negative = never
 * @param newPayloadType         the payload type after the change
 */
public record StreamPlan(String name, List<byte[]> packets, int clockRate, double startOffsetMillis, boolean rtcpMux,
                         Impairments impairments, double ssrcChangeAtMillis, double payloadTypeChangeAtMillis,
                         int newPayloadType) {
    public StreamPlan {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(impairments, "impairments");
        packets = List.copyOf(packets);
        if (packets.isEmpty()) {
            throw new IllegalArgumentException("stream " + name + " has no packets");
        }
        if (clockRate <= 0 || startOffsetMillis < 0) {
            throw new IllegalArgumentException("stream " + name + ": clock rate " + clockRate
                    + " must be positive and start offset " + startOffsetMillis + " ms not negative");
        }
        if (newPayloadType < 0 || newPayloadType > 127) {
            throw new IllegalArgumentException("payload type " + newPayloadType + " must be 0..127");
        }
    }

    public static StreamPlan of(String name, List<byte[]> packets, int clockRate) {
        return new StreamPlan(name, packets, clockRate, 0, false, Impairments.NONE, -1, -1, 0);
    }

    public StreamPlan withStartOffsetMillis(double millis) {
        return new StreamPlan(name, packets, clockRate, millis, rtcpMux, impairments, ssrcChangeAtMillis,
                payloadTypeChangeAtMillis, newPayloadType);
    }

    public StreamPlan withRtcpMux(boolean mux) {
        return new StreamPlan(name, packets, clockRate, startOffsetMillis, mux, impairments, ssrcChangeAtMillis,
                payloadTypeChangeAtMillis, newPayloadType);
    }

    public StreamPlan with(Impairments network) {
        return new StreamPlan(name, packets, clockRate, startOffsetMillis, rtcpMux, network, ssrcChangeAtMillis,
                payloadTypeChangeAtMillis, newPayloadType);
    }

    public StreamPlan withSsrcChangeAtMillis(double millis) {
        return new StreamPlan(name, packets, clockRate, startOffsetMillis, rtcpMux, impairments, millis,
                payloadTypeChangeAtMillis, newPayloadType);
    }

    public StreamPlan withPayloadTypeChange(double atMillis, int payloadType) {
        return new StreamPlan(name, packets, clockRate, startOffsetMillis, rtcpMux, impairments, ssrcChangeAtMillis,
                atMillis, payloadType);
    }
}
