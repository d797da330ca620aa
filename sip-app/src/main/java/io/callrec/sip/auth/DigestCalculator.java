package io.callrec.sip.auth;

/**
 * The {@code response} value of RFC 7616 section 3.4.1 (and RFC 2617 3.2.2), for qop {@code auth}
 * or no qop at all (the RFC 2069 form old phones still send).
 */
public final class DigestCalculator {

    private DigestCalculator() {
    }

    /** {@code H(username:realm:password)}: computed on demand, never stored. */
    public static String ha1(DigestAlgorithm algorithm, String username, String realm, String password) {
        return algorithm.hash(username + ":" + realm + ":" + password);
    }

    /**
     * @param qop {@code auth}, or {@code null} for the legacy form {@code H(HA1:nonce:HA2)}, in which
     *            case {@code nc} and {@code cnonce} are ignored
     */
    public static String response(DigestAlgorithm algorithm, String username, String realm, String password,
            String method, String digestUri, String nonce, String nc, String cnonce, String qop) {
        String ha1 = ha1(algorithm, username, realm, password);
        String ha2 = algorithm.hash(method + ":" + digestUri);
        if (qop == null) {
            return algorithm.hash(ha1 + ":" + nonce + ":" + ha2);
        }
        return algorithm.hash(ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":" + qop + ":" + ha2);
    }
}
