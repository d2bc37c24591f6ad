package io.turnkit.ice.turn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import io.turnkit.stun.PasswordAlgorithm;

class LongTermCredentialsTest {
    @Test
    void shouldReadThePasswordAlgorithmsFeatureOfANonceCookie() {
        // RFC 8489 §9.2.1: "obMatJos2", then base64 of 0x80 0x00 0x00: bit 0, "Password algorithms".
        assertEquals(1 << 23, LongTermCredentials.securityFeatures("obMatJos2gAAAsomething"));
    }

    @Test
    void shouldFindNoFeaturesInANonceWithoutCookie() {
        assertEquals(0, LongTermCredentials.securityFeatures("f00dcafe"));
        assertEquals(0, LongTermCredentials.securityFeatures("obMatJos2"));
        assertEquals(0, LongTermCredentials.securityFeatures("obMatJos2!!!!rest"));
    }

    @Test
    void shouldStartUnreadyWithMd5() {
        LongTermCredentials credentials = new LongTermCredentials("alice", "wonderland");

        assertFalse(credentials.isReady());
        assertEquals(PasswordAlgorithm.MD5, credentials.passwordAlgorithm());
        assertThrows(IllegalStateException.class,
                () -> credentials.sign(new io.turnkit.stun.StunMessageEncoder()));
    }

    @Test
    void shouldRefuseAnEmptyPassword() {
        assertThrows(IllegalArgumentException.class, () -> new LongTermCredentials("alice", ""));
    }
}
