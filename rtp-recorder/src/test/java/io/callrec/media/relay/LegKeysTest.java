package io.callrec.media.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.media.srtp.SrtpKeyMaterial;
import io.callrec.media.srtp.SrtpProfile;
import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class LegKeysTest {
    private final SrtpKeyMaterial key = SrtpKeyMaterial.random(SrtpProfile.AEAD_AES_128_GCM, new SecureRandom());

    @Test
    void awaitedKeysAreNotKnownYet() {
        assertTrue(LegKeys.AWAITING.awaiting());
        assertFalse(LegKeys.PLAIN.awaiting());
        assertThrows(IllegalArgumentException.class, () -> new LegKeys(key, null, true));
        assertEquals(new LegKeys(key, null, false), new LegKeys(key, null));
    }

    @Test
    void toStringNamesProfilesNeverKeys() {
        String text = new LegKeys(key, null).toString();
        assertEquals("LegKeys[from party AEAD_AES_128_GCM, to party plain]", text);
        assertFalse(text.contains(Base64.getEncoder().encodeToString(key.keyThenSalt())));
        assertEquals("LegKeys[awaiting the answer]", LegKeys.AWAITING.toString());
    }
}
