package io.callrec.media.relay;

import io.callrec.media.srtp.CryptoContext;
import io.callrec.media.srtp.SrtcpContext;
import io.callrec.media.srtp.SrtpContext;
import io.callrec.media.srtp.SrtpKeyMaterial;
import io.callrec.media.srtp.SrtpProfile;
import io.callrec.media.srtp.SrtpVerdict;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The SRTP of one party's leg of a stream: the {@link LegKeys} signalling publishes (swapped whole, like a
 * {@link PeerRoute}) and the per-SSRC contexts the relay thread builds from them, lazily, on the first packet of each
 * SSRC: receivers for what the party sends, senders for what we forward to it.
 *
 * <p>A sender context is never dropped while its key lasts: a second one for the same SSRC and key would start again
 * at the same packet indexes and reuse keystream. So each direction holds at most {@link #MAX_SSRCS} SSRCs and a
 * packet of one more is dropped and counted. A receiver context is kept only once a packet authenticated with it, so
 * forged packets cannot fill the table. Publishing keys equal to those in force (a re-INVITE that does not re-key,
 * RFC 4568 §7.1.4) keeps every context and so its roll-over counter and replay window.
 *
 * <p>Buffers: the packet is {@code position()..limit()} of the caller's buffer, transformed in place; on success the
 * limit moves (down by the tag when unprotecting, up when protecting, which needs {@link #MAX_OVERHEAD} bytes of room
 * after the limit). The caller keeps the buffer. Relay thread only, except {@link #publish} and
 * {@link #publishedKeys}.
 */
final class LegCrypto {
    /** SSRCs per leg and direction; a stream rarely has more than two (a new one after a transfer or re-INVITE). */
    static final int MAX_SSRCS = 8;
    /** The most any profile appends: SRTCP with AES-GCM, its index word and a 16-byte tag. */
    static final int MAX_OVERHEAD = SrtpProfile.SRTCP_INDEX_LENGTH + 16;

    private volatile LegKeys published = LegKeys.PLAIN;

    // Relay thread only.
    private LegKeys current = LegKeys.PLAIN;
    private final SsrcContexts<SrtpContext> rtpIn = new SsrcContexts<>(MAX_SSRCS);
    private final SsrcContexts<SrtcpContext> rtcpIn = new SsrcContexts<>(MAX_SSRCS);
    private final SsrcContexts<SrtpContext> rtpOut = new SsrcContexts<>(MAX_SSRCS);
    private final SsrcContexts<SrtcpContext> rtcpOut = new SsrcContexts<>(MAX_SSRCS);
    /** The SRTCP tag length of the party's last authentic SRTCP packet, 0 before any. */
    private int partySrtcpTagLength;

    /** Signalling: the keys from now on. Takes effect with the next packet on the relay thread. */
    void publish(LegKeys keys) {
        published = Objects.requireNonNull(keys, "keys");
    }

    /** Any thread: the keys last published. */
    LegKeys publishedKeys() {
        return published;
    }

    /** True while the leg's keys are being negotiated: nothing passes from or to the party. */
    boolean awaitingKeys() {
        return keys().awaiting();
    }

    /** True when what the party sends must be unprotected. */
    boolean receivesSrtp() {
        return keys().fromParty() != null;
    }

    /** True when what goes to the party must be protected. */
    boolean sendsSrtp() {
        return keys().toParty() != null;
    }

    /**
     * Unprotects a packet the party sent (the caller checked {@link #receivesSrtp()}).
     *
     * @return {@link LoopCounters#SRTP_DECRYPTED}, or the drop counter saying why the packet is to be dropped
     */
    int unprotect(ByteBuffer packet, boolean rtcp) {
        int ssrc = packet.getInt(packet.position() + (rtcp ? 4 : 8));
        return rtcp ? unprotect(rtcpIn, SrtcpContext::receiver, ssrc, packet)
                : unprotect(rtpIn, SrtpContext::receiver, ssrc, packet);
    }

    private <C extends CryptoContext> int unprotect(SsrcContexts<C> table, ContextFactory<C> factory, int ssrc,
                                                    ByteBuffer packet) {
        C context = table.find(ssrc);
        boolean known = context != null;
        if (!known) {
            if (table.isFull()) {
                return LoopCounters.SRTP_TOO_MANY_SSRCS;
            }
            context = factory.create(current.fromParty(), ssrc);
        }
        SrtpVerdict verdict = context.unprotect(packet);
        if (verdict == SrtpVerdict.OK) {
            if (context instanceof SrtcpContext srtcp) {
                partySrtcpTagLength = srtcp.tagLength();
            }
            if (!known) {
                table.add(context);
            }
        }
        return received(verdict);
    }

    /**
     * Protects a packet for the party (the caller checked {@link #sendsSrtp()}).
     *
     * @return {@link LoopCounters#SRTP_ENCRYPTED}, or the drop counter saying why the packet is not to be sent
     */
    int protect(ByteBuffer packet, boolean rtcp) {
        SrtpKeyMaterial key = current.toParty();
        int ssrc = packet.getInt(packet.position() + (rtcp ? 4 : 8));
        SrtpVerdict verdict;
        if (rtcp) {
            SrtcpContext context = rtcpOut.find(ssrc);
            if (context == null) {
                if (rtcpOut.isFull()) {
                    return LoopCounters.SRTP_TOO_MANY_SSRCS;
                }
                context = SrtcpContext.sender(key, ssrc, srtcpTagLength(key.profile()));
                rtcpOut.add(context);
            }
            verdict = context.protect(packet);
        } else {
            SrtpContext context = rtpOut.find(ssrc);
            if (context == null) {
                if (rtpOut.isFull()) {
                    return LoopCounters.SRTP_TOO_MANY_SSRCS;
                }
                context = SrtpContext.sender(key, ssrc);
                rtpOut.add(context);
            }
            verdict = context.protect(packet);
        }
        return switch (verdict) {
            case OK -> LoopCounters.SRTP_ENCRYPTED;
            case REPLAYED, TOO_OLD -> LoopCounters.SRTP_SEND_REFUSED;
            case KEY_EXHAUSTED -> LoopCounters.SRTP_KEY_EXHAUSTED;
            case MALFORMED, WRONG_SSRC, AUTH_FAILED -> LoopCounters.SRTP_MALFORMED;
        };
    }

    /**
     * AES_CM_128_HMAC_SHA1_32 has 80-bit SRTCP tags by RFC 5764, but libre (baresip) and ffmpeg send and expect 32:
     * answer the party in kind once it has sent an authentic SRTCP packet (a context made before keeps 80 bits).
     */
    private int srtcpTagLength(SrtpProfile profile) {
        return partySrtcpTagLength == profile.rtpTagLength() ? partySrtcpTagLength : profile.rtcpTagLength();
    }

    /** The keys in force on the relay thread, adopting newly published ones. */
    private LegKeys keys() {
        LegKeys p = published;
        if (p != current) {
            adopt(p);
        }
        return current;
    }

    private void adopt(LegKeys next) {
        // equals() of key material is constant time and compares the profile too.
        if (!Objects.equals(next.fromParty(), current.fromParty())) {
            rtpIn.clear();
            rtcpIn.clear();
            partySrtcpTagLength = 0;
        }
        if (!Objects.equals(next.toParty(), current.toParty())) {
            rtpOut.clear();
            rtcpOut.clear();
        }
        current = next;
    }

    /** Makes the context of one SSRC (a non-capturing method reference: nothing allocated to call it). */
    @FunctionalInterface
    private interface ContextFactory<C extends CryptoContext> {
        C create(SrtpKeyMaterial key, int ssrc);
    }

    private static int received(SrtpVerdict verdict) {
        return switch (verdict) {
            case OK -> LoopCounters.SRTP_DECRYPTED;
            case AUTH_FAILED -> LoopCounters.SRTP_AUTH_FAILED;
            case REPLAYED -> LoopCounters.SRTP_REPLAYED;
            case TOO_OLD -> LoopCounters.SRTP_TOO_OLD;
            case KEY_EXHAUSTED -> LoopCounters.SRTP_KEY_EXHAUSTED;
            case MALFORMED, WRONG_SSRC -> LoopCounters.SRTP_MALFORMED;
        };
    }
}
