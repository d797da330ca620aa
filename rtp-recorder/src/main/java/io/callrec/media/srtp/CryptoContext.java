package io.callrec.media.srtp;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The cryptographic context of one SSRC in one direction (RFC 3711 §3.2): its session keys, preallocated ciphers and
 * replay state. A sender context only {@link #protect}s, a receiver context only {@link #unprotect}s.
 *
 * <p>Buffers: the packet is {@code position()..limit()} of the caller's buffer and is transformed in place; the
 * caller keeps ownership and may reuse the buffer as soon as the call returns. {@code protect} needs
 * {@link #overhead()} bytes of room between the limit and the capacity and moves the limit up by that much;
 * {@code unprotect} moves it down by as much. Any verdict other than {@link SrtpVerdict#OK} leaves the buffer
 * untouched. A heap buffer is worked on in its own array; a direct buffer is copied into a reused array and back.
 * Nothing is allocated per packet except by the JDK's HmacSHA1 (its 20-byte result) and AES-GCM (see
 * {@link GcmCipher}).
 *
 * <p>Not thread-safe: one thread at a time per context, as a relay stream is served by one selector thread.
 */
public abstract sealed class CryptoContext permits SrtpContext, SrtcpContext {
    private static final int INITIAL_SCRATCH_BYTES = 2048;

    private final SrtpProfile profile;
    private final int ssrc;
    private final boolean sender;
    private byte[] scratch = new byte[0];
    /** Length of the packet after the last successful transform. */
    int resultLength;

    CryptoContext(SrtpProfile profile, int ssrc, boolean sender) {
        this.profile = Objects.requireNonNull(profile, "profile");
        this.ssrc = ssrc;
        this.sender = sender;
    }

    public final SrtpProfile profile() {
        return profile;
    }

    public final int ssrc() {
        return ssrc;
    }

    /** True for a sending context (protect), false for a receiving one (unprotect). */
    public final boolean isSender() {
        return sender;
    }

    /**
     * Bytes {@code protect} appends and {@code unprotect} removes. (A receiver of AES_CM_128_HMAC_SHA1_32 SRTCP also
     * takes 32-bit tags, see {@link SrtcpContext}: there {@code unprotect} may remove 6 bytes less.)
     */
    public abstract int overhead();

    /**
     * Encrypts and authenticates the packet in place and appends the tag (and for SRTCP the index word).
     *
     * @throws IllegalStateException    if this is a receiving context
     * @throws IllegalArgumentException if the buffer has less than {@link #overhead()} bytes of room after its
     *                                  limit (a caller's mistake, not the network's)
     */
    public final SrtpVerdict protect(ByteBuffer packet) {
        if (!sender) {
            throw new IllegalStateException("a receiving context cannot protect (SSRC " + Integer.toUnsignedString(ssrc) + ")");
        }
        int length = packet.remaining();
        int room = packet.capacity() - packet.limit();
        if (room < overhead()) {
            throw new IllegalArgumentException("protecting a " + length + "-byte packet needs " + overhead()
                    + " bytes of room after the limit, the buffer has " + room);
        }
        return transform(packet, length + overhead(), true);
    }

    /**
     * Checks replay and the tag, then decrypts the packet in place and removes the tag (and for SRTCP the index word).
     *
     * @throws IllegalStateException if this is a sending context
     */
    public final SrtpVerdict unprotect(ByteBuffer packet) {
        if (sender) {
            throw new IllegalStateException("a sending context cannot unprotect (SSRC " + Integer.toUnsignedString(ssrc) + ")");
        }
        return transform(packet, packet.remaining(), false);
    }

    /** Runs the transform on the buffer's own array, or on a copy of a direct buffer's bytes copied back. */
    private SrtpVerdict transform(ByteBuffer packet, int room, boolean protect) {
        int length = packet.remaining();
        byte[] a;
        int offset;
        if (packet.hasArray()) {
            a = packet.array();
            offset = packet.arrayOffset() + packet.position();
        } else {
            a = copyIn(packet, room);
            offset = 0;
        }
        SrtpVerdict verdict = protect ? protect(a, offset, length) : unprotect(a, offset, length);
        if (verdict == SrtpVerdict.OK) {
            packet.limit(packet.position() + resultLength);
            if (!packet.hasArray()) {
                packet.put(packet.position(), a, 0, resultLength);
            }
        }
        return verdict;
    }

    /**
     * Protects {@code a[offset, offset + length)} in place; on {@link SrtpVerdict#OK} sets {@link #resultLength}
     * ({@code length + overhead()}).
     */
    abstract SrtpVerdict protect(byte[] a, int offset, int length);

    /** Unprotects {@code a[offset, offset + length)} in place; on {@link SrtpVerdict#OK} sets {@link #resultLength}. */
    abstract SrtpVerdict unprotect(byte[] a, int offset, int length);

    /** Copies a direct buffer's packet into the reused array, grown (rarely) to {@code capacity}. */
    private byte[] copyIn(ByteBuffer packet, int capacity) {
        if (scratch.length < capacity) {
            scratch = new byte[Math.max(capacity, INITIAL_SCRATCH_BYTES)];
        }
        packet.get(packet.position(), scratch, 0, packet.remaining());
        return scratch;
    }
}
