package io.callrec.sdp;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed SDP body (RFC 8866) that keeps its original lines, so that {@link #format()} and
 * {@link #anchored(Anchor)} reproduce every line they do not have to change byte for byte and in order.
 *
 * <p>Written by hand rather than with JAIN-SIP's {@code javax.sdp}, which re-serialises (reordering and
 * normalising lines it does not know) and would make {@code rtp-recorder} depend on the SIP stack.
 *
 * <p>Immutable and thread-safe. {@link #parse} accepts CRLF or LF line endings and bounds what it accepts
 * from the network: at most 64 KiB, lines of at most 4 KiB and 64 m-lines.
 */
public final class SessionDescription {
    private final List<String> lines;
    private final int[] mediaStarts;
    private final Origin origin;
    private final Optional<Connection> connection;
    private final Direction direction;
    private final List<String> sessionAttributes;
    private final List<MediaDescription> media;

    SessionDescription(List<String> lines, int[] mediaStarts, Origin origin, Connection connection,
                       Direction direction, List<String> sessionAttributes, List<MediaDescription> media) {
        this.lines = List.copyOf(lines);
        this.mediaStarts = mediaStarts.clone();
        this.origin = origin;
        this.connection = Optional.ofNullable(connection);
        this.direction = direction;
        this.sessionAttributes = List.copyOf(sessionAttributes);
        this.media = List.copyOf(media);
    }

    /**
     * Parses an SDP body.
     *
     * @throws SdpParseException for anything malformed or out of bounds (the message names the line and
     *                           why); never any other exception for a non-null text
     */
    public static SessionDescription parse(String text) throws SdpParseException {
        return SdpParser.parse(text);
    }

    public Origin origin() {
        return origin;
    }

    /** The session-level {@code c=} (the first, if several). */
    public Optional<Connection> connection() {
        return connection;
    }

    public List<MediaDescription> media() {
        return media;
    }

    /** The session-level direction attribute, SENDRECV when there is none. */
    public Direction direction() {
        return direction;
    }

    /** Raw {@code name[:value]} of the session-level {@code a=} lines, in order. */
    public List<String> sessionAttributes() {
        return sessionAttributes;
    }

    /** The lines as they will be written, without line endings (empty lines of the input dropped). */
    public List<String> lines() {
        return lines;
    }

    int[] mediaStarts() {
        return mediaStarts.clone();
    }

    /** The SDP text: the lines with CRLF endings, ending with CRLF. */
    public String format() {
        StringBuilder b = new StringBuilder(lines.size() * 40);
        for (String line : lines) {
            b.append(line).append("\r\n");
        }
        return b.toString();
    }

    /**
     * The SDP rewritten so that media flows through our relay: {@code c=} (session and media level) and the
     * {@code o=} address become {@code anchor.address()}; each m= port becomes the anchor's RTP port (0 when
     * the anchor rejects the m-line; already rejected m-lines stay as they are); {@code a=rtcp} gets the
     * anchor's RTCP port (and address, if it named one), and is added when the RTCP port is not RTP + 1 or
     * dropped from rejected m-lines; ICE attributes are removed. A media section without any applicable
     * {@code c=} gets ours. Every other line is kept byte for byte and in order.
     *
     * @throws IllegalArgumentException if the anchor's address is not an IP literal
     */
    public SessionDescription anchored(Anchor anchor) {
        List<String> out = AnchorRewrite.apply(this, anchor);
        try {
            return SdpParser.build(out, null, false);
        } catch (SdpParseException e) {
            throw new IllegalStateException("anchored SDP does not parse: " + e.getMessage(), e);
        }
    }

    /**
     * The SDP with m-line {@code mediaIndex}'s transport protocol set to {@code proto} and its {@code a=name} lines
     * replaced by one {@code a=name:value} line per value ({@code a=name} for an empty value), where the first of
     * them was (else at the end of the media section); an empty list removes them. Every other line is kept byte for byte and in order. What SDES needs:
     * each leg gets its own {@code a=crypto} lines.
     *
     * @throws IllegalArgumentException if there is no such m-line, or a value or name would not be one attribute
     */
    public SessionDescription withMediaAttributes(int mediaIndex, String proto, String name, List<String> values) {
        List<String> out = MediaAttributeRewrite.apply(this, mediaIndex, proto, name, values);
        try {
            return SdpParser.build(out, null, false);
        } catch (SdpParseException e) {
            throw new IllegalStateException("rewritten SDP does not parse: " + e.getMessage(), e);
        }
    }

    /**
     * The SDP without its session-level {@code a=name} lines (media-level ones stay). What DTLS-SRTP needs: a
     * party's session-level {@code a=fingerprint} and {@code a=setup} must not reach the other party, which gets
     * ours per m-line.
     */
    public SessionDescription withoutSessionAttribute(String name) {
        Objects.requireNonNull(name, "name");
        int end = mediaStarts.length == 0 ? lines.size() : mediaStarts[0];
        List<String> out = new java.util.ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (i < end && line.startsWith("a=") && name.equals(SdpText.attributeName(line.substring(2)))) {
                continue;
            }
            out.add(line);
        }
        if (out.size() == lines.size()) {
            return this;
        }
        try {
            return SdpParser.build(out, null, false);
        } catch (SdpParseException e) {
            throw new IllegalStateException("rewritten SDP does not parse: " + e.getMessage(), e);
        }
    }

    /**
     * True when both have the same {@code o=} line: the same session at the same version, i.e. a refresh
     * that changes nothing (RFC 3264 §8). The whole origin is compared, since RFC 8866 §5.2 identifies a
     * session by username, session id and address; a changed address with the same version is not trusted
     * to be a no-op.
     */
    public boolean sameVersionAs(SessionDescription other) {
        Objects.requireNonNull(other, "other");
        return origin.equals(other.origin);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SessionDescription sd && lines.equals(sd.lines);
    }

    @Override
    public int hashCode() {
        return lines.hashCode();
    }

    @Override
    public String toString() {
        return format();
    }
}
