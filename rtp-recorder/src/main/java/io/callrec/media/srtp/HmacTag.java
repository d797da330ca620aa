package io.callrec.media.srtp;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The HMAC-SHA1 authentication tag of RFC 3711 §4.2, truncated to the profile's length, written after the
 * authenticated bytes or checked there in constant time. The {@link Mac} is initialised once with the session
 * authentication key. Not thread-safe.
 *
 * <p>The JDK's {@code Mac.doFinal} returns each MAC in a new 20-byte array (also behind {@code doFinal(byte[], int)}),
 * so each tag allocates about 40 bytes; everything else here is reused.
 */
final class HmacTag {
    private final Mac mac;
    private final int length;
    private final byte[] received;
    private final byte[] computed;

    HmacTag(byte[] authKey, int length) {
        try {
            mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(authKey, "HmacSHA1"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's HmacSHA1 is not usable", e);
        }
        this.length = length;
        this.received = new byte[length];
        this.computed = new byte[length];
    }

    /** Tag length in bytes. */
    int length() {
        return length;
    }

    /** Writes the tag of {@code data[offset, offset + count)} followed by {@code suffix[0, suffixLength)} at {@code data[offset + count]}. */
    void write(byte[] data, int offset, int count, byte[] suffix, int suffixLength) {
        System.arraycopy(compute(data, offset, count, suffix, suffixLength), 0, data, offset + count, length);
    }

    /** True if the tag at {@code data[offset + count]} is that of the bytes before it followed by the suffix. */
    boolean verify(byte[] data, int offset, int count, byte[] suffix, int suffixLength) {
        System.arraycopy(compute(data, offset, count, suffix, suffixLength), 0, computed, 0, length);
        System.arraycopy(data, offset + count, received, 0, length);
        // Constant time: how many leading bytes matched must not show in the time a forgery takes to fail.
        return MessageDigest.isEqual(computed, received);
    }

    private byte[] compute(byte[] data, int offset, int count, byte[] suffix, int suffixLength) {
        mac.update(data, offset, count);
        if (suffixLength > 0) {
            mac.update(suffix, 0, suffixLength);
        }
        return mac.doFinal();
    }
}
