package io.callrec.sip;

import io.callrec.control.IdentitySource;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import javax.sip.address.URI;
import javax.sip.header.FromHeader;
import javax.sip.message.Message;
import javax.sip.message.Request;

/**
 * Who the party on one leg is, and whether an in-dialog request says it is now somebody else.
 *
 * <p>Consent is given by a person, so it is bound to the party's identity. When a PBX in front of callrec transfers
 * a call it keeps our dialog and tells us the new party in a re-INVITE or UPDATE: a new {@code P-Asserted-Identity}
 * (believed only from a trusted peer) or, per RFC 4916 (connected identity), a new From URI in the party's own
 * request. Either one makes the control layer pause the other party's recording and ask the new party. A false
 * alarm only costs a question, a missed change records somebody who never agreed; so any difference in user or
 * host counts, while parameters, port and display name do not.
 *
 * @param uri    the identity as shown in the consent log, e.g. {@code sip:carol@example.com}
 * @param source where it was taken from
 */
record PartyIdentity(String uri, IdentitySource source) {
    static final String P_ASSERTED_IDENTITY = "P-Asserted-Identity";

    PartyIdentity {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(source, "source");
    }

    /** The identity a trusted peer asserts in {@code message}, if it asserts one. */
    static Optional<PartyIdentity> asserted(Message message, boolean trusted) {
        if (!trusted) {
            return Optional.empty();
        }
        javax.sip.header.Header header = message.getHeader(P_ASSERTED_IDENTITY);
        String uri = header == null ? "" : firstUri(SipFactories.headerValue(header).trim());
        return uri.isEmpty() ? Optional.empty() : Optional.of(new PartyIdentity(uri, IdentitySource.P_ASSERTED_IDENTITY));
    }

    /**
     * The new identity {@code request}, sent by the party on a leg, gives that party, or empty when it is the same.
     *
     * @param current the party's identity so far
     * @param fromUri the From URI the party used until now in its dialog (its side of the dialog's remote URI)
     * @param trusted whether the leg is a trusted peer
     */
    static Optional<PartyIdentity> changedBy(Request request, PartyIdentity current, URI fromUri, boolean trusted) {
        Optional<PartyIdentity> asserted = asserted(request, trusted);
        if (asserted.isPresent()) {
            return sameParty(asserted.get().uri(), current.uri()) ? Optional.empty() : asserted;
        }
        FromHeader from = (FromHeader) request.getHeader(FromHeader.NAME);
        if (from == null || fromUri == null) {
            return Optional.empty();
        }
        String now = from.getAddress().getURI().toString();
        return sameParty(now, fromUri.toString()) ? Optional.empty()
                : Optional.of(new PartyIdentity(now, IdentitySource.FROM));
    }

    /** True when both name the same user at the same host (scheme sip/sips, parameters and port aside). */
    static boolean sameParty(String a, String b) {
        return keyOf(a).equals(keyOf(b));
    }

    /** What two URIs of one party have in common: scheme (sips as sip), user, host; a tel: URI as a whole. */
    private static String keyOf(String uri) {
        String s = uri.trim();
        if (s.startsWith("<")) {
            s = s.substring(1);
        }
        int colon = s.indexOf(':');
        if (colon < 0) {
            return s.toLowerCase(Locale.ROOT);
        }
        String scheme = s.substring(0, colon).toLowerCase(Locale.ROOT);
        String rest = s.substring(colon + 1);
        int end = indexOfAny(rest, ";?>");
        rest = end < 0 ? rest : rest.substring(0, end);
        if (scheme.equals("sips")) {
            scheme = "sip";
        }
        int at = rest.lastIndexOf('@');
        String user = at < 0 ? "" : rest.substring(0, at);
        String host = at < 0 ? rest : rest.substring(at + 1);
        int port = host.startsWith("[") ? host.indexOf(':', host.indexOf(']')) : host.indexOf(':');
        host = port < 0 ? host : host.substring(0, port);
        return scheme.equals("sip") ? "sip:" + user + "@" + host.toLowerCase(Locale.ROOT)
                : scheme + ":" + rest.toLowerCase(Locale.ROOT);
    }

    /** The first URI of a name-addr or addr-spec list: {@code "Carol" <sip:carol@x>, <tel:+1>} → {@code sip:carol@x}. */
    private static String firstUri(String value) {
        int lt = value.indexOf('<');
        if (lt >= 0) {
            int gt = value.indexOf('>', lt);
            return gt < 0 ? "" : value.substring(lt + 1, gt).trim();
        }
        int end = indexOfAny(value, ";,");
        return (end < 0 ? value : value.substring(0, end)).trim();
    }

    private static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }
}
