package io.callrec.record;

import java.util.Map;
import java.util.Objects;

/**
 * One payload type of a stream as negotiated in SDP.
 *
 * @param payloadType 0..127
 * @param encoding    the rtpmap encoding name ("H264", "PCMA", "telephone-event"...)
 * @param clockRate   the RTP clock rate
 * @param channels    audio channels (1 when the rtpmap gives none)
 * @param fmtp        the a=fmtp parameters, names lower-cased
 */
public record PayloadFormat(int payloadType, String encoding, int clockRate, int channels, Map<String, String> fmtp) {
    public PayloadFormat {
        Objects.requireNonNull(encoding, "encoding");
        fmtp = fmtp == null ? Map.of() : Map.copyOf(fmtp);
    }

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isTelephoneEvent() {
        return "telephone-event".equalsIgnoreCase(encoding);
    }
}
