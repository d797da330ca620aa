package io.callrec.media.srtp;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

/**
 * One side's master key and master salt for a profile: what an SDES {@code inline:} carries, or one half of what a
 * DTLS-SRTP handshake exports. The arrays are copied in and out, so an instance never changes; {@link #toString()}
 * names the profile only, so a key never reaches a log by accident.
 */
public record SrtpKeyMaterial(SrtpProfile profile, byte[] masterKey, byte[] masterSalt) {

    public SrtpKeyMaterial {
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(masterKey, "masterKey");
        Objects.requireNonNull(masterSalt, "masterSalt");
        if (masterKey.length != profile.keyLength() || masterSalt.length != profile.saltLength()) {
            throw new IllegalArgumentException(profile + " needs a " + profile.keyLength() + "-byte key and a "
                    + profile.saltLength() + "-byte salt, got " + masterKey.length + " and " + masterSalt.length);
        }
        masterKey = masterKey.clone();
        masterSalt = masterSalt.clone();
    }

    /** Splits {@code keyThenSalt} (the SDES {@code inline:} bytes) into key and salt. */
    public static SrtpKeyMaterial of(SrtpProfile profile, byte[] keyThenSalt) {
        if (keyThenSalt.length != profile.keyMaterialLength()) {
            throw new IllegalArgumentException(profile + " needs " + profile.keyMaterialLength()
                    + " bytes of key and salt, got " + keyThenSalt.length);
        }
        return new SrtpKeyMaterial(profile, Arrays.copyOf(keyThenSalt, profile.keyLength()),
                Arrays.copyOfRange(keyThenSalt, profile.keyLength(), keyThenSalt.length));
    }

    /** Fresh key and salt from {@code random} (pass a {@link SecureRandom}). */
    public static SrtpKeyMaterial random(SrtpProfile profile, SecureRandom random) {
        byte[] both = new byte[profile.keyMaterialLength()];
        random.nextBytes(both);
        return of(profile, both);
    }

    @Override
    public byte[] masterKey() {
        return masterKey.clone();
    }

    @Override
    public byte[] masterSalt() {
        return masterSalt.clone();
    }

    /** Key then salt, as SDES encodes them. */
    public byte[] keyThenSalt() {
        byte[] both = Arrays.copyOf(masterKey, masterKey.length + masterSalt.length);
        System.arraycopy(masterSalt, 0, both, masterKey.length, masterSalt.length);
        return both;
    }

    @Override
    public boolean equals(Object o) {
        // Constant time, like every comparison of secrets here.
        return o instanceof SrtpKeyMaterial other && profile == other.profile
                && MessageDigest.isEqual(masterKey, other.masterKey)
                && MessageDigest.isEqual(masterSalt, other.masterSalt);
    }

    @Override
    public int hashCode() {
        return profile.hashCode();
    }

    @Override
    public String toString() {
        return "SrtpKeyMaterial[" + profile + ", key and salt hidden]";
    }
}
