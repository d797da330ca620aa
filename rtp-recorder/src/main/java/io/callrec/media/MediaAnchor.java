package io.callrec.media;

import io.callrec.media.dtls.DtlsIdentity;
import io.callrec.media.relay.DtlsLeg;
import io.callrec.media.relay.LegKeys;
import io.callrec.media.relay.PortsExhaustedException;
import io.callrec.media.relay.RelaySession;
import io.callrec.media.relay.RelayStream;
import io.callrec.media.relay.Side;
import io.callrec.sdp.Anchor;
import io.callrec.sdp.Connection;
import io.callrec.sdp.Direction;
import io.callrec.sdp.MediaDescription;
import io.callrec.sdp.PortPair;
import io.callrec.sdp.RtpMap;
import io.callrec.media.srtp.SdesCrypto;
import io.callrec.sdp.SdpNotAcceptableException;
import io.callrec.sdp.SdpParseException;
import io.callrec.sdp.SessionDescription;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Joins SDP and the relay for one call: every SDP that crosses the B2BUA (offer or answer, in either direction)
 * goes through {@link #relay}, which records where the sending party wants to receive media and returns the SDP
 * the other party must see, naming our ports and, for SDES-SRTP, our own keys (for DTLS-SRTP, our own
 * fingerprint; the relay's handshake on each leg gives the keys). The signalling layer never touches
 * ports, sockets or keys itself.
 *
 * <p>Thread-safety: one instance per call; methods are synchronized because offers and answers of one call may
 * arrive on different SIP threads.
 */
public final class MediaAnchor {
    /** A held call may send nothing for a long time (no RTP, often no RTCP): it must not look dead. */
    static final Duration HOLD_TIMEOUT = Duration.ofHours(2);
    /** Where our SRTP master keys come from; thread-safe, and seeding one per call would cost more than sharing. */
    private static final SecureRandom KEYS = new SecureRandom();

    private final RelaySession session;
    private final String address;
    private final Duration inactivityTimeout;
    /** Last SDP received from each side, and what we sent to the other side for it: an unchanged refresh reuses it. */
    private final Map<Side, SessionDescription> lastReceived = new EnumMap<>(Side.class);
    private final Map<Side, String> lastSent = new EnumMap<>(Side.class);
    private final SdesNegotiation sdes;
    private final DtlsNegotiation dtls;

    /**
     * @param inactivityTimeout how long a call with no media at all may last while not on hold; ZERO = forever
     */
    public MediaAnchor(RelaySession session, String address, Duration inactivityTimeout) {
        this(session, address, inactivityTimeout, DtlsIdentity.shared());
    }

    /** @param dtlsIdentity our DTLS-SRTP certificate (the process's own, {@link DtlsIdentity#shared()}, by default) */
    public MediaAnchor(RelaySession session, String address, Duration inactivityTimeout, DtlsIdentity dtlsIdentity) {
        this.session = Objects.requireNonNull(session, "session");
        this.address = Objects.requireNonNull(address, "address");
        this.inactivityTimeout = Objects.requireNonNull(inactivityTimeout, "inactivityTimeout");
        this.sdes = new SdesNegotiation(KEYS, SdesCrypto.DEFAULT_PREFERENCE);
        this.dtls = new DtlsNegotiation(dtlsIdentity, SdesCrypto.DEFAULT_PREFERENCE);
        session.setInactivityTimeout(inactivityTimeout);
    }

    /** The last SDP we sent to the party on {@code side}: what a session refresh toward it repeats. */
    public synchronized Optional<String> lastSentTo(Side side) {
        return Optional.ofNullable(lastSent.get(side.other()));
    }

    /** True while either party holds the call: every active m-line of its latest SDP is not sendrecv. */
    public synchronized boolean onHold() {
        return held(lastReceived.get(Side.A)) || held(lastReceived.get(Side.B));
    }

    private static boolean held(SessionDescription sdp) {
        if (sdp == null) {
            return false;
        }
        boolean any = false;
        for (MediaDescription m : sdp.media()) {
            if (m.rejected()) {
                continue;
            }
            any = true;
            boolean holdAddress = m.effectiveConnection(sdp.connection()).map(Connection::holdAddress).orElse(false);
            if (m.direction() == Direction.SENDRECV && !holdAddress) {
                return false;
            }
        }
        return any;
    }

    public RelaySession session() {
        return session;
    }

    /** The last SDP the party on {@code side} sent us, if any. */
    public synchronized Optional<SessionDescription> lastFrom(Side side) {
        return Optional.ofNullable(lastReceived.get(side));
    }

    /**
     * Takes the SDP that the party on {@code from} sent, points the relay at the addresses it names, and returns the
     * SDP to forward to the other party. Whether it is an offer or an answer is guessed: an answer if an offer from
     * the other party awaits one, else an offer. Callers that know should say so with
     * {@link #relay(Side, String, SdpRole)}: SRTP keys are negotiated per leg and need to know.
     *
     * @throws SdpParseException      the SDP is malformed or cannot be used (the caller answers 400 / 488)
     * @throws PortsExhaustedException no relay ports are left (the caller answers 503)
     */
    public synchronized String relay(Side from, String sdpText) throws SdpParseException, PortsExhaustedException {
        return relay(from, sdpText, sdes.guessRole(from));
    }

    /**
     * Takes an offer or answer that the party on {@code from} sent, points the relay at the addresses it names, and
     * returns the SDP to forward to the other party. SDES-SRTP is ended on each leg ({@link SdesNegotiation}): an
     * offer is forwarded with our own {@code a=crypto} lines, an answer with our answer to the offerer, and the relay
     * gets the keys of both legs when the answer comes.
     *
     * @throws SdpNotAcceptableException an offer asks for SRTP we cannot do (the caller answers 488 with a Warning)
     * @throws SdpParseException        the SDP is malformed or its a=crypto does not answer ours (400 / 488)
     * @throws PortsExhaustedException   no relay ports are left (the caller answers 503)
     */
    public synchronized String relay(Side from, String sdpText, SdpRole role)
            throws SdpParseException, PortsExhaustedException {
        Objects.requireNonNull(role, "role");
        SessionDescription sdp = SessionDescription.parse(sdpText);
        SessionDescription previous = lastReceived.get(from);
        String previouslySent = lastSent.get(from);
        // RFC 3264 §8: same o= version means the session did not change; re-anchoring would only churn ports.
        boolean unchanged = previous != null && previouslySent != null && previous.sameVersionAs(sdp);
        if (role == SdpRole.OFFER) {
            if (unchanged) {
                sdes.repeatedOffer(from, sdp);
                dtls.repeatedOffer(from, sdp);
                return previouslySent;
            }
            SdesNegotiation.Forward keyed = sdes.offer(from, sdp);
            return forward(from, sdp, keyed, dtls.offer(from, sdp, keyed.sdp()), LegKeys.AWAITING);
        }
        if (unchanged && !sdes.answerSettlesKeys(from) && !dtls.answerSettles(from)) {
            return previouslySent;
        }
        SdesNegotiation.Forward keyed = sdes.answer(from, sdp);
        return forward(from, sdp, keyed, dtls.answer(from, sdp, keyed.sdp()), LegKeys.PLAIN);
    }

    /**
     * The answer of the party on {@code from} to a session refresh of our own, which repeated {@link #lastSentTo}
     * that party and which the other party never sees: only that leg's SRTP keys may change (a party that treats
     * the refresh as a new offer may answer with a new key).
     *
     * @throws SdpParseException the SDP is malformed or its a=crypto does not answer what we sent
     */
    public synchronized void refreshAnswered(Side from, String sdpText) throws SdpParseException {
        SessionDescription sdp = SessionDescription.parse(sdpText);
        Map<Integer, Optional<DtlsLeg>> dtlsLegs = dtls.refreshAnswer(from, sdp);
        sdes.refreshAnswer(from, sdp).forEach((index, keys) -> {
            if (!dtlsLegs.containsKey(index)) {
                session.existing(index).ifPresent(stream -> stream.setKeys(from, keys));
            }
        });
        dtlsLegs.forEach((index, leg) -> session.existing(index).ifPresent(stream ->
                setDtls(stream, from, leg, LegKeys.PLAIN)));
    }

    /**
     * Anchors what is to be forwarded, hands the relay the keys and DTLS legs that apply from now on and remembers
     * both. A leg that DTLS-SRTP settles gets its keys from its handshake, not from SDES.
     *
     * @param withoutDtls the keys of a leg whose DTLS ends: held at an offer (its answer says what comes next),
     *                    plain at an answer
     */
    private String forward(Side from, SessionDescription sdp, SdesNegotiation.Forward keyed,
                           DtlsNegotiation.Forward dtlsLegs, LegKeys withoutDtls) throws PortsExhaustedException {
        String out = anchor(from, sdp, dtlsLegs.sdp());
        keyed.keys().forEach((index, legs) -> session.existing(index).ifPresent(stream -> legs.forEach((side, keys) -> {
            if (!dtlsLegs.legs().getOrDefault(index, Map.of()).containsKey(side)) {
                stream.setKeys(side, keys);
            }
        })));
        dtlsLegs.legs().forEach((index, legs) -> session.existing(index).ifPresent(stream ->
                legs.forEach((side, leg) -> setDtls(stream, side, leg, withoutDtls))));
        remember(from, sdp, out);
        return out;
    }

    /** A DTLS leg, or none: then {@code withoutDtls}. */
    private static void setDtls(RelayStream stream, Side side, Optional<DtlsLeg> leg, LegKeys withoutDtls) {
        if (leg.isPresent()) {
            stream.setDtls(side, leg.get());
        } else {
            stream.setDtls(side, null);
            stream.setKeys(side, withoutDtls);
        }
    }

    /** Points the relay at what {@code sdp} names and returns {@code forward} anchored on our ports. */
    private String anchor(Side from, SessionDescription sdp, SessionDescription forward)
            throws PortsExhaustedException {
        Side to = from.other();
        for (MediaDescription m : sdp.media()) {
            if (m.rejected()) {
                session.removeStream(m.index());
            }
        }
        try {
            return forward.anchored(new Anchor() {
            @Override
            public String address() {
                return address;
            }

            @Override
            public Optional<PortPair> ports(MediaDescription m) {
                RelayStream stream;
                try {
                    stream = session.stream(m.index(), m.type());
                } catch (PortsExhaustedException e) {
                    throw new PortsExhaustedUnchecked(e);
                }
                InetSocketAddress rtp = m.rtpAddress(sdp.connection()).orElse(null);
                InetSocketAddress rtcp = m.rtcpAddress(sdp.connection()).orElse(null);
                stream.setRemote(from, rtp, rtcp, m.rtcpMux());
                firstClockRate(m).ifPresent(hz -> stream.setClockRate(from, hz));
                return Optional.of(new PortPair(stream.localRtp(to).getPort(), stream.localRtcp(to).getPort()));
            }
        }).format();
        } catch (PortsExhaustedUnchecked e) {
            throw (PortsExhaustedException) e.getCause();
        }
    }

    private void remember(Side from, SessionDescription sdp, String out) {
        lastReceived.put(from, sdp);
        lastSent.put(from, out);
        if (!inactivityTimeout.isZero()) {
            session.setInactivityTimeout(onHold() ? HOLD_TIMEOUT.plus(inactivityTimeout) : inactivityTimeout);
        }
    }

    private static Optional<Integer> firstClockRate(MediaDescription m) {
        for (String fmt : m.formats()) {
            try {
                Optional<RtpMap> map = m.codec(Integer.parseInt(fmt));
                if (map.isPresent() && !"telephone-event".equalsIgnoreCase(map.get().encoding())) {
                    return Optional.of(map.get().clockRate());
                }
            } catch (NumberFormatException e) {
                return Optional.empty(); // non-RTP formats (e.g. "webrtc-datachannel") have no clock
            }
        }
        return Optional.empty();
    }

    /** Carries a checked exception out of the {@link Anchor} callback. */
    private static final class PortsExhaustedUnchecked extends RuntimeException {
        PortsExhaustedUnchecked(PortsExhaustedException cause) {
            super(cause);
        }
    }
}
