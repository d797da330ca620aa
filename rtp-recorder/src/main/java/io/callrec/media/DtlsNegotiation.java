package io.callrec.media;

import io.callrec.media.dtls.DtlsFingerprint;
import io.callrec.media.dtls.DtlsIdentity;
import io.callrec.media.dtls.DtlsRole;
import io.callrec.media.relay.DtlsLeg;
import io.callrec.media.relay.Side;
import io.callrec.media.srtp.SrtpProfile;
import io.callrec.sdp.MediaDescription;
import io.callrec.sdp.SdpNotAcceptableException;
import io.callrec.sdp.SdpParseException;
import io.callrec.sdp.SessionDescription;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * DTLS-SRTP (RFC 5763, RFC 5764) for one call, leg by leg, next to {@link SdesNegotiation}: callrec ends DTLS on
 * each leg, so each party sees only our {@code a=fingerprint}, and the keys of each leg come from that leg's own
 * handshake, which the relay runs ({@link DtlsLeg}).
 *
 * <p>An m-line is DTLS-SRTP when its transport is {@code UDP/TLS/RTP/SAVP(F)}, or {@code RTP/SAVP(F)} with an
 * {@code a=fingerprint} (media or session level) and no {@code a=crypto}; {@code a=crypto} on a {@code UDP/TLS}
 * line is ignored, DTLS wins. Such an offer is answered towards its offerer with our fingerprint and a role: an
 * {@code actpass} (or {@code active}) offerer gets {@code a=setup:passive}, so the party sends the ClientHello and
 * its first datagram comes from its real address, which the relay latches; a {@code passive} offerer gets
 * {@code active} and we send the ClientHello. Towards the other party the offer keeps its transport and carries our
 * fingerprint with {@code a=setup:actpass}; its answer's {@code active} makes us the server, {@code passive} the
 * client. Each party's fingerprint is remembered per leg and checked by the handshake.
 *
 * <p>rtcp-mux is required (one handshake per leg and m-line, on the RTP port): an offer without it is refused (488),
 * and our answer to a DTLS offer always accepts it, whatever the other party answered (the relay muxes per leg).
 * A re-offer with the same fingerprint and setup yields the same {@link DtlsLeg}, so the relay keeps the association
 * and its SRTP contexts; a new fingerprint makes a new handshake. An answer without {@code a=fingerprint} to our DTLS
 * offer leaves that leg plain, like an SDES answer without {@code a=crypto}.
 *
 * <p>Not thread-safe: {@link MediaAnchor} calls it under its lock.
 */
final class DtlsNegotiation {
    private static final String FINGERPRINT = "fingerprint";
    private static final String SETUP = "setup";

    private final DtlsIdentity identity;
    private final List<SrtpProfile> preference;
    /** Per side and m-line: the DTLS leg set on the relay (known or pending); absent = none. */
    private final Map<Side, Map<Integer, DtlsLeg>> legs = new EnumMap<>(Side.class);
    private Side offerer;
    /** Per m-line of the latest offer with DTLS-SRTP: its transport and our role towards its offerer. */
    private Map<Integer, Offered> pending = Map.of();

    DtlsNegotiation(DtlsIdentity identity, List<SrtpProfile> preference) {
        this.identity = Objects.requireNonNull(identity, "identity");
        this.preference = List.copyOf(preference);
        for (Side side : Side.values()) {
            legs.put(side, new HashMap<>());
        }
    }

    private record Offered(String proto, DtlsRole towardsOfferer) {
    }

    /**
     * An SDP to forward and, per m-line and side, the DTLS to set on the relay: a leg, or empty to end DTLS there.
     * M-lines and sides without an entry are left as they are.
     */
    record Forward(SessionDescription sdp, Map<Integer, Map<Side, Optional<DtlsLeg>>> legs) {
    }

    /** True if {@code m} of {@code sdp} asks for DTLS-SRTP (see the class comment). */
    static boolean isDtls(SessionDescription sdp, MediaDescription m) {
        String proto = m.proto().toUpperCase(Locale.ROOT);
        if (proto.startsWith("UDP/TLS/")) {
            return true;
        }
        return proto.contains("SAVP") && m.attributeValues("crypto").isEmpty() && attribute(sdp, m, FINGERPRINT) != null;
    }

    /** True if an answer from {@code from} would set DTLS legs (so an unchanged answer must still be processed). */
    boolean answerSettles(Side from) {
        return offerer == from.other() && !pending.isEmpty();
    }

    /**
     * An offer from {@code from}, {@code out} being what is forwarded so far (SDES already applied): our fingerprint
     * and {@code a=setup:actpass} on each DTLS m-line towards the other party.
     *
     * @throws SdpNotAcceptableException for DTLS-SRTP we cannot do (no or a bad fingerprint, no rtcp-mux, holdconn)
     */
    Forward offer(Side from, SessionDescription sdp, SessionDescription out) throws SdpNotAcceptableException {
        Side to = from.other();
        Map<Integer, Offered> offered = new HashMap<>();
        Map<Integer, Map<Side, Optional<DtlsLeg>>> set = new HashMap<>();
        for (MediaDescription m : sdp.media()) {
            int i = m.index();
            if (m.rejected() || !isDtls(sdp, m)) {
                endLegs(i, set);
                continue;
            }
            DtlsFingerprint theirs = fingerprint(sdp, m);
            DtlsRole ours = keptRole(from, i, theirs, sdp, m);
            if (!m.rtcpMux()) {
                throw new SdpNotAcceptableException(i, "DTLS-SRTP without a=rtcp-mux: callrec runs one handshake per"
                        + " m-line, on the RTP port");
            }
            offered.put(i, new Offered(m.proto(), ours));
            Map<Side, Optional<DtlsLeg>> both = new EnumMap<>(Side.class);
            // The offerer learns our fingerprint with the answer, which may come after a long ringing: its leg waits
            // for the answer (pending) so that no handshake times out meanwhile, unless it is the one in force.
            DtlsLeg offererLeg = new DtlsLeg(identity, ours, theirs, preference);
            DtlsLeg was = legs.get(from).put(i, offererLeg);
            both.put(from, Optional.of(offererLeg.equals(was) ? offererLeg : DtlsLeg.pending(identity, preference)));
            DtlsLeg there = legs.get(to).get(i);
            both.put(to, Optional.of(there != null ? there : remember(to, i, DtlsLeg.pending(identity, preference))));
            set.put(i, both);
            out = ours(out, i, m.proto(), "actpass");
        }
        offerer = from;
        pending = Map.copyOf(offered);
        return new Forward(withoutSessionLevel(out, offered), Map.copyOf(set));
    }

    /** The same offer again (same {@code o=} version): what we answer is worked out again; nothing changes. */
    void repeatedOffer(Side from, SessionDescription sdp) throws SdpNotAcceptableException {
        Map<Integer, Offered> offered = new HashMap<>();
        for (MediaDescription m : sdp.media()) {
            if (!m.rejected() && isDtls(sdp, m)) {
                offered.put(m.index(), new Offered(m.proto(), keptRole(from, m.index(), fingerprint(sdp, m), sdp, m)));
            }
        }
        offerer = from;
        pending = Map.copyOf(offered);
    }

    /**
     * An answer from {@code from} to the latest offer, {@code out} being what is forwarded so far: our fingerprint
     * and our role towards the offerer on each DTLS m-line, with the offer's transport.
     *
     * @throws SdpParseException if the answer's fingerprint or setup cannot be used
     */
    Forward answer(Side from, SessionDescription sdp, SessionDescription out) throws SdpParseException {
        Side to = from.other();
        Map<Integer, Map<Side, Optional<DtlsLeg>>> set = new HashMap<>();
        if (offerer != to) {
            return new Forward(out, Map.of());
        }
        for (MediaDescription m : sdp.media()) {
            int i = m.index();
            Offered o = pending.get(i);
            if (o == null) {
                continue;
            }
            if (m.rejected()) {
                endLegs(i, set);
                continue;
            }
            Map<Side, Optional<DtlsLeg>> both = new EnumMap<>(Side.class);
            Optional<DtlsLeg> answerer = answeredLeg(sdp, m);
            answerer.ifPresentOrElse(leg -> remember(from, i, leg), () -> legs.get(from).remove(i));
            both.put(from, answerer);
            // The offerer's leg, known since the offer: its handshake may start now that our answer goes out.
            both.put(to, Optional.ofNullable(legs.get(to).get(i)));
            set.put(i, both);
            out = ours(out, i, o.proto(), o.towardsOfferer() == DtlsRole.SERVER ? "passive" : "active")
                    .withMediaAttributes(i, o.proto(), "rtcp-mux", List.of(""));
        }
        Map<Integer, Offered> answered = pending;
        pending = Map.of();
        offerer = null;
        return new Forward(withoutSessionLevel(out, answered), Map.copyOf(set));
    }

    /**
     * The answer of {@code from} to our own session refresh (which repeated the last SDP we sent it): a party that
     * keeps its fingerprint and role keeps its association; one with a new fingerprint gets a new handshake.
     *
     * @return per m-line, the DTLS leg of that party
     * @throws SdpParseException if its fingerprint or setup cannot be used
     */
    Map<Integer, Optional<DtlsLeg>> refreshAnswer(Side from, SessionDescription sdp) throws SdpParseException {
        Map<Integer, Optional<DtlsLeg>> out = new HashMap<>();
        for (MediaDescription m : sdp.media()) {
            int i = m.index();
            if (!legs.get(from).containsKey(i) || m.rejected() || attribute(sdp, m, FINGERPRINT) == null) {
                continue; // nothing of ours to answer, or not an answer we can use: the leg stays as it is
            }
            Optional<DtlsLeg> leg = answeredLeg(sdp, m);
            leg.ifPresent(l -> remember(from, i, l));
            out.put(i, leg);
        }
        return Map.copyOf(out);
    }

    /** The answerer's leg from its answer; empty (plain) when it has no {@code a=fingerprint}. */
    private Optional<DtlsLeg> answeredLeg(SessionDescription sdp, MediaDescription m) throws SdpParseException {
        String value = attribute(sdp, m, FINGERPRINT);
        if (value == null) {
            return Optional.empty();
        }
        DtlsFingerprint theirs;
        try {
            theirs = DtlsFingerprint.parse(value);
        } catch (IllegalArgumentException e) {
            throw new SdpParseException(0, "m-line " + m.index() + ": " + e.getMessage());
        }
        String setup = setup(sdp, m);
        DtlsRole ours = switch (setup) {
            case "active" -> DtlsRole.SERVER;
            case "passive" -> DtlsRole.CLIENT;
            default -> throw new SdpParseException(0, "m-line " + m.index() + ": a=setup:" + setup
                    + " in an answer (RFC 5763 §5: active or passive)");
        };
        return Optional.of(new DtlsLeg(identity, ours, theirs, preference));
    }

    private DtlsFingerprint fingerprint(SessionDescription sdp, MediaDescription m) throws SdpNotAcceptableException {
        String value = attribute(sdp, m, FINGERPRINT);
        if (value == null) {
            throw new SdpNotAcceptableException(m.index(), m.proto() + " without a=fingerprint");
        }
        try {
            return DtlsFingerprint.parse(value);
        } catch (IllegalArgumentException e) {
            throw new SdpNotAcceptableException(m.index(), e.getMessage());
        }
    }

    /**
     * Our role answering an offer: an {@code actpass} re-offer with the fingerprint in force keeps the role of the
     * association (RFC 5763 §5: nothing to renegotiate), else as {@link #roleAnsweringOffer}.
     */
    private DtlsRole keptRole(Side from, int index, DtlsFingerprint theirs, SessionDescription sdp, MediaDescription m)
            throws SdpNotAcceptableException {
        DtlsRole role = roleAnsweringOffer(sdp, m);
        DtlsLeg now = legs.get(from).get(index);
        if (now != null && now.known() && theirs.equals(now.remote()) && "actpass".equals(setup(sdp, m))) {
            return now.role();
        }
        return role;
    }

    /** Our role answering an offer's {@code a=setup}: passive (server) unless the offerer wants to be passive. */
    private static DtlsRole roleAnsweringOffer(SessionDescription sdp, MediaDescription m)
            throws SdpNotAcceptableException {
        String setup = setup(sdp, m);
        return switch (setup) {
            case "actpass", "active" -> DtlsRole.SERVER;
            case "passive" -> DtlsRole.CLIENT;
            default -> throw new SdpNotAcceptableException(m.index(), "a=setup:" + setup
                    + " (callrec needs a DTLS connection on this m-line)");
        };
    }

    /** {@code a=setup}, media level first; absent means active (RFC 4145 §4). */
    private static String setup(SessionDescription sdp, MediaDescription m) {
        String value = attribute(sdp, m, SETUP);
        return value == null ? "active" : value.trim().toLowerCase(Locale.ROOT);
    }

    /** The value of {@code a=name} on the m-line, else at session level, else null. */
    private static String attribute(SessionDescription sdp, MediaDescription m, String name) {
        List<String> values = m.attributeValues(name);
        if (!values.isEmpty()) {
            return values.get(0);
        }
        for (String a : sdp.sessionAttributes()) {
            if (a.startsWith(name + ":")) {
                return a.substring(name.length() + 1);
            }
        }
        return null;
    }

    private SessionDescription ours(SessionDescription out, int index, String proto, String setup) {
        return out.withMediaAttributes(index, proto, FINGERPRINT, List.of(identity.fingerprint().format()))
                .withMediaAttributes(index, proto, SETUP, List.of(setup));
    }

    private static SessionDescription withoutSessionLevel(SessionDescription out, Map<Integer, Offered> dtls) {
        return dtls.isEmpty() ? out : out.withoutSessionAttribute(FINGERPRINT).withoutSessionAttribute(SETUP);
    }

    private DtlsLeg remember(Side side, int index, DtlsLeg leg) {
        legs.get(side).put(index, leg);
        return leg;
    }

    /** M-line {@code index} is not DTLS (any more): legs that had it end. */
    private void endLegs(int index, Map<Integer, Map<Side, Optional<DtlsLeg>>> set) {
        Map<Side, Optional<DtlsLeg>> ended = new EnumMap<>(Side.class);
        for (Side side : Side.values()) {
            if (legs.get(side).remove(index) != null) {
                ended.put(side, Optional.empty());
            }
        }
        if (!ended.isEmpty()) {
            set.put(index, ended);
        }
    }
}
