package io.callrec.media;

import io.callrec.media.relay.LegKeys;
import io.callrec.media.relay.Side;
import io.callrec.media.srtp.SdesAnswer;
import io.callrec.media.srtp.SdesCrypto;
import io.callrec.media.srtp.SdesException;
import io.callrec.media.srtp.SrtpKeyMaterial;
import io.callrec.media.srtp.SrtpProfile;
import io.callrec.sdp.MediaDescription;
import io.callrec.sdp.SdpNotAcceptableException;
import io.callrec.sdp.SdpParseException;
import io.callrec.sdp.SessionDescription;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * SDES (RFC 4568) for one call, leg by leg: callrec ends SRTP on each leg, so each party sees only our
 * {@code a=crypto} lines and keys, never the other party's.
 *
 * <p>An offer's m-line with {@code a=crypto} is answered, towards its offerer, with the suite we prefer among those
 * offered and a fresh key of ours ({@link SdesCrypto#answer}); the offerer's key is the one it sends with. Towards
 * the other party the offer keeps its transport ({@code RTP/SAVP}, {@code RTP/SAVPF}, or {@code RTP/AVP} with
 * {@code a=crypto} for "best effort" SRTP) and carries our own offer: every suite we support, in our preference
 * order, each with a fresh key. That party's answer settles its leg. A plain m-line stays plain on both legs.
 * The relay gets the keys of both legs when the answer comes ({@link Forward#keys()}), so a re-offer that fails
 * leaves the call as it was; only a new SRTP m-line is keyed at the offer (the offerer's leg) and closed until the
 * answer (the other leg's, {@link LegKeys#AWAITING}), since media may race ahead of the answer and must not go out
 * in the clear.
 *
 * <p>Re-offers (RFC 4568 §7.1.4): when the offerer's chosen {@code a=crypto} carries the key it already uses, we
 * answer with the key we already use towards it, and offer the other party only the suite and key in use on its
 * leg, so nothing is re-keyed and the relay keeps its contexts (and their roll-over counters); a new key from the
 * offerer re-keys both legs.
 *
 * <p>Refused with {@link SdpNotAcceptableException} (488): an {@code RTP/SAVP} m-line whose {@code a=crypto} lines
 * are all unusable (MKI, short lifetimes, unknown suites...) or that has none (and no {@code a=fingerprint}).
 * DTLS-SRTP m-lines ({@code UDP/TLS/RTP/SAVP}, {@code a=fingerprint}) are {@link DtlsNegotiation}'s: their
 * {@code a=crypto}, if any, is dropped and they get no SDES keys here. Unusable {@code a=crypto}
 * on an {@code RTP/AVP} m-line (best effort) only makes that m-line plain. An answer that drops {@code a=crypto} from
 * our offer is taken as plain RTP on that leg rather than failing a call that has already been answered.
 *
 * <p>Not thread-safe: {@link MediaAnchor} calls it under its lock.
 */
final class SdesNegotiation {
    private static final String CRYPTO = "crypto";

    private final SecureRandom random;
    private final List<SrtpProfile> preference;
    /** Per side and m-line: the SRTP in force on that leg; absent = plain. */
    private final Map<Side, Map<Integer, InUse>> inUse = new EnumMap<>(Side.class);
    /** Per side and m-line: the {@code a=crypto} lines of the last SDP we sent that party. */
    private final Map<Side, Map<Integer, List<SdesCrypto>>> sentTo = new EnumMap<>(Side.class);
    /** The latest offer: who made it and, per m-line with SRTP, what we answer it. */
    private Side offerer;
    private Map<Integer, Pending> pending = Map.of();
    private boolean awaitingAnswer;
    /** M-lines an answer has settled: a re-offer on them keeps the keys in force until its own answer. */
    private final Set<Integer> settled = new HashSet<>();

    SdesNegotiation(SecureRandom random, List<SrtpProfile> preference) {
        this.random = Objects.requireNonNull(random, "random");
        this.preference = List.copyOf(preference);
        for (Side side : Side.values()) {
            inUse.put(side, new HashMap<>());
            sentTo.put(side, new HashMap<>());
        }
    }

    /** The SRTP of one leg of one m-line: the tag both agreed on and the key each way. */
    private record InUse(int tag, SrtpKeyMaterial fromParty, SrtpKeyMaterial toParty) {
    }

    /** What we answer an offered m-line with SRTP: the exchange with its offerer and the offer's transport. */
    private record Pending(SdesAnswer withOfferer, String proto) {
    }

    /** An offer or answer to forward, and per m-line the keys of the legs to hand to the relay now. */
    record Forward(SessionDescription sdp, Map<Integer, Map<Side, LegKeys>> keys) {
    }

    /** For an SDP whose role the caller does not know: an answer if we wait for one from {@code from}. */
    SdpRole guessRole(Side from) {
        return awaitingAnswer && offerer == from.other() ? SdpRole.ANSWER : SdpRole.OFFER;
    }

    /** True if an answer from {@code from} would carry keys (so an unchanged answer must still be processed). */
    boolean answerSettlesKeys(Side from) {
        return offerer == from.other() && !pending.isEmpty();
    }

    /**
     * An offer from {@code from}: remembers what to answer it with and returns it as the other party must see it,
     * with our own {@code a=crypto} lines.
     *
     * @throws SdpNotAcceptableException if an m-line asks for SRTP we cannot do
     */
    Forward offer(Side from, SessionDescription sdp) throws SdpNotAcceptableException {
        Side to = from.other();
        Map<Integer, Map<Side, LegKeys>> keys = new HashMap<>();
        Map<Integer, Pending> answers = new HashMap<>();
        Map<Integer, List<SdesCrypto>> ours = new HashMap<>();
        SessionDescription out = sdp;
        for (MediaDescription m : sdp.media()) {
            int i = m.index();
            Pending p = m.rejected() ? null : answerTo(from, sdp, m);
            List<SdesCrypto> offer = List.of();
            if (p != null) {
                answers.put(i, p);
                InUse there = inUse.get(to).get(i);
                boolean sameKey = p.withOfferer().offered().key().equals(keyFrom(from, i));
                offer = sameKey && there != null
                        ? List.of(new SdesCrypto(there.tag(), there.toParty(), List.of()))
                        : SdesCrypto.offer(preference, random);
                ours.put(i, offer);
                if (!settled.contains(i)) {
                    // A new SRTP stream: media may race ahead of the answer. The offerer's leg is keyed at once
                    // and the other is closed until its answer, so nothing crosses either leg in the clear.
                    keys.put(i, legKeys(from, new LegKeys(p.withOfferer().offered().key(),
                            p.withOfferer().answered().key()), to, LegKeys.AWAITING));
                }
            }
            if (p != null || !m.attributeValues(CRYPTO).isEmpty()) {
                out = out.withMediaAttributes(i, m.proto(), CRYPTO, formatted(offer));
            }
        }
        offerer = from;
        pending = Map.copyOf(answers);
        awaitingAnswer = true;
        sentTo.get(to).clear();
        sentTo.get(to).putAll(ours);
        return new Forward(out, Map.copyOf(keys));
    }

    /**
     * The same offer again (same {@code o=} version): the other party gets what it got before, so only what we
     * answer is worked out again, with the keys in force.
     */
    void repeatedOffer(Side from, SessionDescription sdp) throws SdpNotAcceptableException {
        Map<Integer, Pending> answers = new HashMap<>();
        for (MediaDescription m : sdp.media()) {
            Pending p = m.rejected() ? null : answerTo(from, sdp, m);
            if (p != null) {
                answers.put(m.index(), p);
            }
        }
        offerer = from;
        pending = Map.copyOf(answers);
        awaitingAnswer = true;
    }

    /**
     * An answer from {@code from} to the latest offer: returns it as the offerer must see it (our answer's
     * {@code a=crypto}, the offer's transport) and the keys of both legs.
     *
     * @throws SdpParseException if its {@code a=crypto} does not answer our offer (RFC 4568 §7.1.3)
     */
    Forward answer(Side from, SessionDescription sdp) throws SdpParseException {
        Side to = from.other();
        boolean answersOffer = offerer == to;
        Map<Integer, Map<Side, LegKeys>> keys = new HashMap<>();
        Map<Integer, InUse> fromNow = new HashMap<>();
        Map<Integer, InUse> toNow = new HashMap<>();
        Map<Integer, List<SdesCrypto>> ours = new HashMap<>();
        SessionDescription out = sdp;
        for (MediaDescription m : sdp.media()) {
            int i = m.index();
            List<String> values = m.attributeValues(CRYPTO);
            Pending p = answersOffer && !m.rejected() ? pending.get(i) : null;
            if (p == null) {
                if (!values.isEmpty()) {
                    out = out.withMediaAttributes(i, m.proto(), CRYPTO, List.of());
                }
                if (answersOffer && !m.rejected()) {
                    keys.put(i, legKeys(to, LegKeys.PLAIN, from, LegKeys.PLAIN));
                }
                continue;
            }
            SdesAnswer withOfferer = p.withOfferer();
            toNow.put(i, new InUse(withOfferer.offered().tag(), withOfferer.offered().key(),
                    withOfferer.answered().key()));
            ours.put(i, List.of(withOfferer.answered()));
            LegKeys answererKeys = LegKeys.PLAIN;
            List<SdesCrypto> offered = sentTo.get(from).get(i);
            if (!values.isEmpty() && offered != null) {
                if (values.size() > 1) {
                    throw new SdpParseException(0, "m-line " + i + ": an answer must have one a=crypto, it has "
                            + values.size());
                }
                try {
                    SdesAnswer withAnswerer = SdesCrypto.acceptAnswer(offered, values.get(0));
                    fromNow.put(i, new InUse(withAnswerer.offered().tag(), withAnswerer.answered().key(),
                            withAnswerer.offered().key()));
                    answererKeys = new LegKeys(withAnswerer.answered().key(), withAnswerer.offered().key());
                } catch (SdesException e) {
                    throw new SdpParseException(0, "m-line " + i + ": " + e.getMessage());
                }
            }
            keys.put(i, legKeys(to, new LegKeys(withOfferer.offered().key(), withOfferer.answered().key()),
                    from, answererKeys));
            out = out.withMediaAttributes(i, p.proto(), CRYPTO, formatted(ours.get(i)));
        }
        if (answersOffer) {
            replace(inUse.get(from), fromNow);
            replace(inUse.get(to), toNow);
            replace(sentTo.get(to), ours);
            settled.addAll(keys.keySet());
            awaitingAnswer = false;
        }
        return new Forward(out, Map.copyOf(keys));
    }

    /**
     * The answer to our own session refresh towards {@code from} (a re-INVITE repeating the last SDP we sent it,
     * which the other party never sees): it settles that leg's keys again and nothing else. A party that keeps its
     * key changes nothing; one that answers with a new key (or another of our lines) is followed.
     *
     * @return per m-line, the keys of that party's leg
     * @throws SdpParseException if its {@code a=crypto} does not answer what we sent
     */
    Map<Integer, LegKeys> refreshAnswer(Side from, SessionDescription sdp) throws SdpParseException {
        Map<Integer, LegKeys> keys = new HashMap<>();
        Map<Integer, InUse> now = new HashMap<>(inUse.get(from));
        for (MediaDescription m : sdp.media()) {
            int i = m.index();
            List<SdesCrypto> sent = sentTo.get(from).get(i);
            List<String> values = m.attributeValues(CRYPTO);
            if (sent == null || values.size() != 1 || m.rejected()) {
                continue; // nothing of ours to answer, or not an answer we can use: the leg stays as it is
            }
            try {
                SdesAnswer answer = SdesCrypto.acceptAnswer(sent, values.get(0));
                now.put(i, new InUse(answer.offered().tag(), answer.answered().key(), answer.offered().key()));
                keys.put(i, new LegKeys(answer.answered().key(), answer.offered().key()));
            } catch (SdesException e) {
                throw new SdpParseException(0, "m-line " + i + ": " + e.getMessage());
            }
        }
        replace(inUse.get(from), now);
        return Map.copyOf(keys);
    }

    /**
     * What we answer an offered m-line with, or null for plain RTP and for DTLS-SRTP ({@link DtlsNegotiation}'s, and
     * any {@code a=crypto} on it is dropped: DTLS wins).
     *
     * @throws SdpNotAcceptableException for SRTP we cannot do
     */
    private Pending answerTo(Side from, SessionDescription sdp, MediaDescription m) throws SdpNotAcceptableException {
        String proto = m.proto();
        List<String> values = m.attributeValues(CRYPTO);
        boolean mandatory = proto.toUpperCase(java.util.Locale.ROOT).contains("SAVP");
        if (DtlsNegotiation.isDtls(sdp, m)) {
            return null;
        }
        if (values.isEmpty()) {
            if (mandatory) {
                throw new SdpNotAcceptableException(m.index(), proto + " without a=crypto or a=fingerprint: callrec"
                        + " keys SRTP with SDES or DTLS-SRTP");
            }
            return null;
        }
        try {
            return new Pending(choose(from, m.index(), values), proto);
        } catch (SdesException e) {
            if (mandatory) {
                throw new SdpNotAcceptableException(m.index(), e.getMessage());
            }
            return null; // best effort SRTP that we cannot do: plain RTP on this m-line
        }
    }

    /** The attribute of ours answering {@code offered}: the key in force if the offerer keeps its own, else fresh. */
    private SdesAnswer choose(Side from, int index, List<String> offered) throws SdesException {
        InUse current = inUse.get(from).get(index);
        if (current != null) {
            for (String value : offered) {
                SdesCrypto crypto;
                try {
                    crypto = SdesCrypto.parse(value);
                } catch (SdesException e) {
                    continue;
                }
                if (crypto.key().equals(current.fromParty())) {
                    return new SdesAnswer(crypto, new SdesCrypto(crypto.tag(), current.toParty(), List.of()));
                }
            }
        }
        return SdesCrypto.answer(offered, preference, random);
    }

    private SrtpKeyMaterial keyFrom(Side side, int index) {
        InUse current = inUse.get(side).get(index);
        return current == null ? null : current.fromParty();
    }

    private static Map<Side, LegKeys> legKeys(Side a, LegKeys forA, Side b, LegKeys forB) {
        Map<Side, LegKeys> out = new EnumMap<>(Side.class);
        out.put(a, forA);
        out.put(b, forB);
        return out;
    }

    private static List<String> formatted(List<SdesCrypto> lines) {
        List<String> out = new ArrayList<>(lines.size());
        for (SdesCrypto c : lines) {
            out.add(c.format());
        }
        return out;
    }

    private static <V> void replace(Map<Integer, V> target, Map<Integer, V> with) {
        target.clear();
        target.putAll(with);
    }
}
