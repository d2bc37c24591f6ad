package io.turnkit.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RestApiCredentialsTest {
    private static final long NOW = 1_700_000_000L;

    private final TestClock clock = new TestClock(Instant.ofEpochSecond(NOW));
    private final RestApiCredentials credentials = new RestApiCredentials(List.of("north", "south"), ':', clock);

    @Test
    void shouldComputeBase64OfHmacSha1OfTheUsername() {
        // base64(HMAC-SHA1("north", "1700000000:alice")), computed independently.
        assertEquals("Cd/49soE35ICqcJF/bCTn8Z4OyE=", RestApiCredentials.password("north", "1700000000:alice"));
    }

    @Test
    void shouldGiveOnePasswordPerSecretWhileNotExpired() {
        String username = (NOW + 60) + ":alice";

        assertEquals(List.of(RestApiCredentials.password("north", username),
                RestApiCredentials.password("south", username)), credentials.passwords(username));
    }

    @Test
    void shouldTryMoreSecretsAfterTheConfiguredOnes() {
        String username = (NOW + 60) + ":alice";

        assertEquals(RestApiCredentials.password("stored", username),
                credentials.passwords(username, List.of("stored")).get(2));
    }

    @Test
    void shouldAcceptAUsernameThatIsOnlyATimestamp() {
        assertEquals(2, credentials.passwords(Long.toString(NOW)).size());
    }

    @Test
    void shouldGiveNoPasswordOnceExpired() {
        String username = (NOW - 1) + ":alice";

        assertTrue(credentials.passwords(username).isEmpty());
        assertTrue(credentials.isExpired(username));
    }

    @ParameterizedTest
    @ValueSource(strings = {"alice", ":alice", "-1700000000:alice", "+1700000000:alice", "17000000000000000000:x",
        "1700000000x:alice", "1700000000;alice"})
    void shouldGiveNoPasswordToAUsernameWithoutExpiry(String username) {
        assertTrue(credentials.passwords(username).isEmpty());
        assertFalse(credentials.isExpired(username));
    }

    @Test
    void shouldHonourAnotherSeparator() {
        RestApiCredentials semicolon = new RestApiCredentials(List.of("north"), ';', clock);

        assertEquals(1, semicolon.passwords((NOW + 1) + ";alice").size());
    }

    @Test
    void shouldBuildTheUsernameTheRestServiceHandsOut() {
        assertEquals("1700000000:alice", RestApiCredentials.username(NOW, ':', "alice"));
        assertEquals("1700000000", RestApiCredentials.username(NOW, ':', ""));
    }
}
