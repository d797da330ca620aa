package io.callrec.sdp;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * One media section of an SDP (an {@code m=} line and the lines under it), as parsed.
 *
 * @param index      0-based position among the m-lines (what RFC 3264 matches offer and answer by)
 * @param port       the m= port; 0 means the stream is rejected or disabled
 * @param portCount  the optional {@code /<number of ports>} of the m= line, else 1
 * @param formats    the m= format list as written (payload type numbers for RTP profiles)
 * @param connection the media-level {@code c=}, if any (the first one)
 * @param direction  the media's direction attribute, else the session's, else SENDRECV
 * @param rtcpMux    {@code a=rtcp-mux} present; in an offer this is a proposal that the answer confirms
 * @param rtcpPort   port of {@code a=rtcp} (RFC 3605), if present
 * @param rtpMaps    payload type to rtpmap, in order of appearance (the first wins for a duplicate)
 * @param fmtps      payload type to the fmtp parameter string after the payload type
 * @param attributes every {@code a=} line of the section, raw {@code name[:value]}, in order
 */
public record MediaDescription(int index, String type, int port, int portCount, String proto,
                               List<String> formats, Optional<Connection> connection, Direction direction,
                               boolean rtcpMux, OptionalInt rtcpPort, Map<Integer, RtpMap> rtpMaps,
                               Map<Integer, String> fmtps, List<String> attributes) {
    public MediaDescription {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(proto, "proto");
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(rtcpPort, "rtcpPort");
        formats = List.copyOf(formats);
        rtpMaps = Collections.unmodifiableMap(new LinkedHashMap<>(rtpMaps));
        fmtps = Collections.unmodifiableMap(new LinkedHashMap<>(fmtps));
        attributes = List.copyOf(attributes);
    }

    /** Port 0: the stream is rejected (in an answer) or disabled (RFC 3264 §6, §8.2). */
    public boolean rejected() {
        return port == 0;
    }

    /** The connection that applies to this media: its own {@code c=}, else the session's. */
    public Optional<Connection> effectiveConnection(Optional<Connection> sessionConn) {
        return connection.isPresent() ? connection : sessionConn;
    }

    /**
     * Where the writer of this SDP wants to receive RTP: the effective {@code c=} address and the m= port.
     * Empty for port 0, a hold address (0.0.0.0 / ::), a host name (no DNS here) or anything unparsable.
     */
    public Optional<InetSocketAddress> rtpAddress(Optional<Connection> sessionConn) {
        if (port == 0) {
            return Optional.empty();
        }
        return usableAddress(effectiveConnection(sessionConn)).map(a -> new InetSocketAddress(a, port));
    }

    /**
     * Where the writer of this SDP wants to receive RTCP: the RTP address when {@code rtcpMux}; else the
     * {@code a=rtcp} port (with its address if it names one, else the effective {@code c=}); else RTP port + 1.
     */
    public Optional<InetSocketAddress> rtcpAddress(Optional<Connection> sessionConn) {
        if (rtcpMux) {
            return rtpAddress(sessionConn);
        }
        if (port == 0) {
            return Optional.empty();
        }
        Optional<Connection> conn = effectiveConnection(sessionConn);
        int rtcp = port + 1;
        if (rtcpPort.isPresent()) {
            rtcp = rtcpPort.getAsInt();
            Optional<Connection> rtcpConn = rtcpConnection();
            if (rtcpConn.isPresent()) {
                conn = rtcpConn;
            }
        }
        if (rtcp < 1 || rtcp > 65535) {
            return Optional.empty();
        }
        int p = rtcp;
        return usableAddress(conn).map(a -> new InetSocketAddress(a, p));
    }

    /** The address part of {@code a=rtcp:<port> <nettype> <addrtype> <address>}, when it has one. */
    public Optional<Connection> rtcpConnection() {
        for (String a : attributes) {
            if ("rtcp".equals(SdpText.attributeName(a))) {
                List<String> f = SdpText.fields(SdpText.attributeValue(a));
                return f.size() == 4 ? Optional.of(new Connection(f.get(1), f.get(2), f.get(3))) : Optional.empty();
            }
        }
        return Optional.empty();
    }

    /**
     * The codec of a payload type: its rtpmap, or for an RTP profile the RFC 3551 static assignment of
     * payload types 0..34 that have no rtpmap.
     */
    public Optional<RtpMap> codec(int payloadType) {
        RtpMap m = rtpMaps.get(payloadType);
        if (m != null) {
            return Optional.of(m);
        }
        return proto.contains("RTP/") ? RtpMap.staticPayloadType(payloadType) : Optional.empty();
    }

    /** The distinct SSRCs announced by {@code a=ssrc} (RFC 5576), in order of appearance. */
    public List<Long> ssrcs() {
        Set<Long> out = new LinkedHashSet<>();
        for (String a : attributes) {
            if ("ssrc".equals(SdpText.attributeName(a))) {
                String v = SdpText.attributeValue(a);
                int sp = v.indexOf(' ');
                String id = sp < 0 ? v : v.substring(0, sp);
                if (!id.isEmpty() && id.length() <= 10) {
                    try {
                        long ssrc = Long.parseLong(id);
                        if (ssrc >= 0 && ssrc <= 0xFFFF_FFFFL) {
                            out.add(ssrc);
                        }
                    } catch (NumberFormatException e) {
                        // not an SSRC: ignored like any attribute we cannot use
                    }
                }
            }
        }
        return List.copyOf(out);
    }

    /** The values of every attribute with this name, in order ("" for a flag attribute). */
    public List<String> attributeValues(String name) {
        List<String> out = new ArrayList<>();
        for (String a : attributes) {
            if (name.equals(SdpText.attributeName(a))) {
                out.add(SdpText.attributeValue(a));
            }
        }
        return out;
    }

    /** True when an attribute with this name is present. */
    public boolean hasAttribute(String name) {
        for (String a : attributes) {
            if (name.equals(SdpText.attributeName(a))) {
                return true;
            }
        }
        return false;
    }

    /** The {@code a=mid} value (RFC 5888), if any. */
    public Optional<String> mid() {
        List<String> mids = attributeValues("mid");
        return mids.isEmpty() ? Optional.empty() : Optional.of(mids.get(0));
    }

    private static Optional<InetAddress> usableAddress(Optional<Connection> conn) {
        return conn.flatMap(Connection::inetAddress).filter(a -> !a.isAnyLocalAddress());
    }
}
