package io.callrec.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConsentPolicyTest {

    @Test
    void flagValuesRoundTrip() {
        for (ConsentPolicy policy : ConsentPolicy.values()) {
            assertEquals(Optional.of(policy), ConsentPolicy.fromFlagValue(policy.flagValue()));
        }
        assertEquals(Optional.of(ConsentPolicy.ONE_PARTY), ConsentPolicy.fromFlagValue(" One-Party "));
        assertEquals(Optional.empty(), ConsentPolicy.fromFlagValue("one_party"));
    }
}
