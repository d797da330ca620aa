package io.callrec.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** The line-level rewrite behind {@link SessionDescription#anchored(Anchor)}. */
final class AnchorRewrite {
    // ICE would let the two UAs find a direct path around the relay, and so around the recorder.
    private static final Set<String> ICE_ATTRIBUTES = Set.of("candidate", "ice-ufrag", "ice-pwd", "ice-options",
            "ice-lite", "end-of-candidates", "remote-candidates", "ice-mismatch", "ice-pacing");

    private AnchorRewrite() {
    }

    static boolean isIce(String attributeName) {
        return ICE_ATTRIBUTES.contains(attributeName.toLowerCase(Locale.ROOT));
    }

    static List<String> apply(SessionDescription sd, Anchor anchor) {
        Objects.requireNonNull(anchor, "anchor");
        String address = anchor.address();
        if (address == null || IpLiteral.parse(address).isEmpty()) {
            throw new IllegalArgumentException("anchor address is not an IPv4/IPv6 literal: " + address);
        }
        Connection ours = Connection.of(address);
        String ourConnectionLine = "c=" + ours.value();
        List<String> in = sd.lines();
        int[] starts = sd.mediaStarts();
        List<String> out = new ArrayList<>(in.size() + starts.length + 2);

        int sessionEnd = starts.length == 0 ? in.size() : starts[0];
        for (int i = 0; i < sessionEnd; i++) {
            String line = in.get(i);
            switch (line.charAt(0)) {
                case 'o' -> out.add("o=" + sd.origin().withConnection(ours).value());
                case 'c' -> out.add(ourConnectionLine);
                case 'a' -> {
                    String name = SdpText.attributeName(line.substring(2));
                    // a=rtcp is media-level only (RFC 3605); at session level it would only leak a peer port.
                    if (!isIce(name) && !"rtcp".equals(name)) {
                        out.add(line);
                    }
                }
                default -> out.add(line);
            }
        }

        boolean sessionConnection = sd.connection().isPresent();
        for (int k = 0; k < starts.length; k++) {
            MediaDescription m = sd.media().get(k);
            int s = starts[k];
            int e = k + 1 < starts.length ? starts[k + 1] : in.size();
            Optional<PortPair> ports = m.rejected()
                    ? Optional.empty()
                    : Objects.requireNonNull(anchor.ports(m), "Anchor.ports returned null");
            out.add(m.rejected() ? in.get(s) : withPort(in.get(s), ports.map(PortPair::rtp).orElse(0)));

            int j = s + 1;
            if (!sessionConnection && m.connection().isEmpty()) {
                // c= goes after m= and i= (RFC 8866 §5 field order)
                while (j < e && in.get(j).charAt(0) == 'i') {
                    out.add(in.get(j++));
                }
                out.add(ourConnectionLine);
            }
            boolean hadRtcp = false;
            for (; j < e; j++) {
                String line = in.get(j);
                switch (line.charAt(0)) {
                    case 'c' -> out.add(ourConnectionLine);
                    case 'a' -> {
                        String raw = line.substring(2);
                        String name = SdpText.attributeName(raw);
                        if (isIce(name)) {
                            continue;
                        }
                        if ("rtcp".equals(name)) {
                            hadRtcp = true;
                            // In a rejected stream a=rtcp means nothing and would leak the peer's port/address.
                            ports.ifPresent(p -> out.add(rtcpLine(p.rtcp(), raw, ours)));
                            continue;
                        }
                        out.add(line);
                    }
                    default -> out.add(line);
                }
            }
            if (ports.isPresent() && !hadRtcp && ports.get().rtcp() != ports.get().rtp() + 1) {
                out.add("a=rtcp:" + ports.get().rtcp());
            }
        }
        return out;
    }

    /** The m= line with its port field (including any "/count": we offer one pair) replaced. */
    private static String withPort(String mLine, int port) {
        String value = mLine.substring(2);
        int[] b = SdpText.fieldBounds(value, 1);
        return "m=" + value.substring(0, b[0]) + port + value.substring(b[1]);
    }

    private static String rtcpLine(int port, String raw, Connection ours) {
        boolean hadAddress = SdpText.fields(SdpText.attributeValue(raw)).size() == 4;
        return "a=rtcp:" + port + (hadAddress ? " " + ours.value() : "");
    }
}
