package io.callrec.media.srtp;

import java.security.MessageDigest;
import java.util.Objects;

/**
 * The session keys of one direction of SRTP or of SRTCP, derived from a master key (RFC 3711 §4.3): the encryption
 * key, the authentication key (empty for the AEAD profiles) and the salt. Arrays are copied in and out; {@link
 * #toString()} hides them.
 */
public record SessionKeys(byte[] encryptionKey, byte[] authKey, byte[] salt) {

    public SessionKeys {
        encryptionKey = Objects.requireNonNull(encryptionKey, "encryptionKey").clone();
        authKey = Objects.requireNonNull(authKey, "authKey").clone();
        salt = Objects.requireNonNull(salt, "salt").clone();
    }

    @Override
    public byte[] encryptionKey() {
        return encryptionKey.clone();
    }

    @Override
    public byte[] authKey() {
        return authKey.clone();
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SessionKeys other && MessageDigest.isEqual(encryptionKey, other.encryptionKey)
                && MessageDigest.isEqual(authKey, other.authKey) && MessageDigest.isEqual(salt, other.salt);
    }

    @Override
    public int hashCode() {
        return encryptionKey.length * 31 + salt.length;
    }

    @Override
    public String toString() {
        return "SessionKeys[" + encryptionKey.length + "-byte key, " + authKey.length + "-byte auth key, "
                + salt.length + "-byte salt, values hidden]";
    }
}
