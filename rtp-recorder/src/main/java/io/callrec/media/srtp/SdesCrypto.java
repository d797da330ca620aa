package io.callrec.media.srtp;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * One SDES {@code a=crypto} attribute (RFC 4568 §9.1) for SRTP:
 * {@code <tag> <crypto-suite> inline:<base64 of key||salt>[|lifetime][|MKI:length] [session-params]}.
 *
 * <p>What callrec accepts: one {@code inline:} key of the suite's exact length; a lifetime of at least 2^31 packets
 * (callrec does not re-key within a call, and its contexts stop a key at 2^31 SRTCP and 2^48 SRTP packets anyway);
 * the session parameter {@code WSH} (a window size hint, at least 64) and optional ({@code -}prefixed) ones, kept
 * as written. Refused, with a {@link SdesException} that says why: MKI, several keys, shorter lifetimes,
 * {@code KDR}, {@code UNENCRYPTED_SRTP}, {@code UNENCRYPTED_SRTCP}, {@code UNAUTHENTICATED_SRTP}, FEC parameters and
 * unknown mandatory parameters (RFC 4568 §6.3.7).
 *
 * <p>{@link #toString()} hides the key; {@link #format()} is the attribute value with it.
 */
public record SdesCrypto(int tag, SrtpKeyMaterial key, List<String> sessionParams) {
    /** Our preference when answering: AEAD first (one authenticated-encryption pass, 128-bit tag), then AES-CM. */
    public static final List<SrtpProfile> DEFAULT_PREFERENCE = List.of(SrtpProfile.AEAD_AES_256_GCM,
            SrtpProfile.AEAD_AES_128_GCM, SrtpProfile.AES_CM_128_HMAC_SHA1_80, SrtpProfile.AES_CM_128_HMAC_SHA1_32);

    private static final long MAX_TAG = 999_999_999L;
    private static final int MIN_LIFETIME_EXPONENT = 31;
    private static final int MAX_LIFETIME_EXPONENT = 48;
    private static final String INLINE = "inline:";

    public SdesCrypto {
        if (tag < 0 || tag > MAX_TAG) {
            throw new IllegalArgumentException("tag " + tag + " is not 1 to 9 digits");
        }
        Objects.requireNonNull(key, "key");
        sessionParams = List.copyOf(sessionParams);
    }

    /** An attribute with a fresh random key and no session parameters. */
    public static SdesCrypto generate(int tag, SrtpProfile profile, SecureRandom random) {
        return new SdesCrypto(tag, SrtpKeyMaterial.random(profile, random), List.of());
    }

    public SrtpProfile profile() {
        return key.profile();
    }

    /** The attribute value (what follows {@code a=crypto:}), key included. */
    public String format() {
        StringBuilder sb = new StringBuilder().append(tag).append(' ').append(profile().sdpName()).append(' ')
                .append(INLINE).append(Base64.getEncoder().encodeToString(key.keyThenSalt()));
        for (String param : sessionParams) {
            sb.append(' ').append(param);
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "SdesCrypto[" + tag + " " + profile().sdpName() + ", key hidden, params " + sessionParams + "]";
    }

    /**
     * Parses an attribute value (what follows {@code a=crypto:}).
     *
     * @throws SdesException if it is malformed or asks for something we do not support
     */
    public static SdesCrypto parse(String value) throws SdesException {
        String[] fields = value.strip().split("[ \t]+");
        if (fields.length < 3) {
            throw new SdesException("a=crypto needs a tag, a crypto-suite and key parameters: '" + value + "'");
        }
        if (!fields[0].matches("[0-9]{1,9}")) {
            throw new SdesException("a=crypto tag '" + fields[0] + "' is not 1 to 9 digits");
        }
        int tag = Integer.parseInt(fields[0]);
        SrtpProfile profile = SrtpProfile.bySdpName(fields[1]).orElseThrow(
                () -> new SdesException("a=crypto " + tag + ": crypto-suite " + fields[1] + " is not supported"));
        String where = "a=crypto " + tag + " " + profile.sdpName() + ": ";
        SrtpKeyMaterial key = parseKeyParams(fields[2], profile, where);
        List<String> params = new ArrayList<>();
        for (int i = 3; i < fields.length; i++) {
            checkSessionParam(fields[i], where);
            params.add(fields[i]);
        }
        return new SdesCrypto(tag, key, params);
    }

    /** Our offer: one attribute per profile, in the given order, tagged 1, 2, ... with fresh keys. */
    public static List<SdesCrypto> offer(List<SrtpProfile> profiles, SecureRandom random) {
        List<SdesCrypto> offer = new ArrayList<>();
        for (SrtpProfile profile : profiles) {
            offer.add(generate(offer.size() + 1, profile, random));
        }
        return List.copyOf(offer);
    }

    /**
     * Checks the answer to our offer (RFC 4568 §7.1.3): it must echo the tag and suite of one of our attributes.
     *
     * @throws SdesException if the answer is unusable or matches none of our attributes
     */
    public static SdesAnswer acceptAnswer(List<SdesCrypto> ourOffer, String answerValue) throws SdesException {
        SdesCrypto answered = parse(answerValue);
        for (SdesCrypto offered : ourOffer) {
            if (offered.tag() == answered.tag()) {
                if (offered.profile() != answered.profile()) {
                    throw new SdesException("the answer's a=crypto " + answered.tag() + " has suite "
                            + answered.profile().sdpName() + ", we offered " + offered.profile().sdpName());
                }
                return new SdesAnswer(offered, answered);
            }
        }
        throw new SdesException("the answer's a=crypto tag " + answered.tag() + " is not one we offered");
    }

    /**
     * Chooses what to answer to an offer's {@code a=crypto} values (RFC 4568 §7.1.2): the first profile of
     * {@code preference} that some offered attribute we can use has (the first such attribute), answered with the
     * same tag and suite and a fresh key.
     *
     * @throws SdesException naming every offered attribute and why it was not used, if none was
     */
    public static SdesAnswer answer(List<String> offeredValues, List<SrtpProfile> preference, SecureRandom random)
            throws SdesException {
        List<SdesCrypto> usable = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (String value : offeredValues) {
            try {
                usable.add(parse(value));
            } catch (SdesException e) {
                refused.add(e.getMessage());
            }
        }
        for (SrtpProfile profile : preference) {
            for (SdesCrypto offered : usable) {
                if (offered.profile() == profile) {
                    return new SdesAnswer(offered, generate(offered.tag(), profile, random));
                }
            }
        }
        for (SdesCrypto offered : usable) {
            refused.add("a=crypto " + offered.tag() + " " + offered.profile().sdpName() + ": not in our preference "
                    + preference);
        }
        throw new SdesException(offeredValues.isEmpty() ? "the offer has no a=crypto"
                : "no usable a=crypto in the offer: " + String.join("; ", refused));
    }

    private static SrtpKeyMaterial parseKeyParams(String keyParams, SrtpProfile profile, String where)
            throws SdesException {
        if (keyParams.indexOf(';') >= 0) {
            throw new SdesException(where + "several keys are offered; callrec takes one key per direction (no MKI)");
        }
        if (!keyParams.startsWith(INLINE)) {
            throw new SdesException(where + "the key method must be inline (RFC 4568 section 6.1)");
        }
        String[] parts = keyParams.substring(INLINE.length()).split("\\|", -1);
        if (parts.length > 3) {
            throw new SdesException(where + "too many '|' fields in the key parameters");
        }
        for (int i = 1; i < parts.length; i++) {
            if (parts[i].indexOf(':') >= 0) {
                throw new SdesException(where + "MKI '" + parts[i] + "' is not supported: callrec uses one master key"
                        + " per direction and sends no MKI");
            }
            if (i == 2) {
                throw new SdesException(where + "malformed MKI '" + parts[i] + "' (value:length expected)");
            }
            checkLifetime(parts[i], where);
        }
        byte[] keyThenSalt;
        try {
            keyThenSalt = Base64.getDecoder().decode(parts[0]);
        } catch (IllegalArgumentException e) {
            throw new SdesException(where + "the inline key is not base64");
        }
        if (keyThenSalt.length != profile.keyMaterialLength()) {
            throw new SdesException(where + "the inline key has " + keyThenSalt.length + " bytes, the suite needs "
                    + profile.keyMaterialLength() + " (" + profile.keyLength() + "-byte key, " + profile.saltLength()
                    + "-byte salt)");
        }
        return SrtpKeyMaterial.of(profile, keyThenSalt);
    }

    /** A lifetime ("2^n" or a decimal count of packets) callrec can honour without re-keying. */
    private static void checkLifetime(String lifetime, String where) throws SdesException {
        double packets;
        if (lifetime.matches("2\\^[0-9]{1,2}")) {
            packets = Math.pow(2, Integer.parseInt(lifetime.substring(2)));
        } else if (lifetime.matches("[0-9]{1,20}")) {
            packets = Double.parseDouble(lifetime);
        } else {
            throw new SdesException(where + "malformed key lifetime '" + lifetime + "'");
        }
        if (packets > Math.pow(2, MAX_LIFETIME_EXPONENT)) {
            throw new SdesException(where + "key lifetime " + lifetime + " exceeds the suite's maximum of 2^"
                    + MAX_LIFETIME_EXPONENT + " packets");
        }
        if (packets < Math.pow(2, MIN_LIFETIME_EXPONENT)) {
            throw new SdesException(where + "key lifetime " + lifetime + " packets is not supported: callrec does"
                    + " not re-key within a call, so it needs a lifetime of at least 2^" + MIN_LIFETIME_EXPONENT
                    + " packets (or none)");
        }
    }

    private static void checkSessionParam(String param, String where) throws SdesException {
        if (param.startsWith("-")) {
            return; // optional by RFC 4568 §6.3.7: may be ignored
        }
        String name = param.contains("=") ? param.substring(0, param.indexOf('=')) : param;
        switch (name) {
            case "WSH" -> {
                String n = param.substring(name.length() + (param.contains("=") ? 1 : 0));
                if (!n.matches("[0-9]{1,9}") || Integer.parseInt(n) < ReplayWindow.SIZE) {
                    throw new SdesException(where + "malformed window size hint '" + param + "' (at least "
                            + ReplayWindow.SIZE + ")");
                }
            }
            case "KDR" -> throw new SdesException(where + "'" + param + "' is not supported: callrec derives session"
                    + " keys once per master key (key derivation rate 0)");
            case "UNENCRYPTED_SRTP", "UNENCRYPTED_SRTCP", "UNAUTHENTICATED_SRTP" -> throw new SdesException(where
                    + name + " is not supported: callrec always encrypts and authenticates");
            case "FEC_ORDER", "FEC_KEY" -> throw new SdesException(where + name + " is not supported");
            default -> throw new SdesException(where + "unknown mandatory session parameter '" + param + "'");
        }
    }
}
