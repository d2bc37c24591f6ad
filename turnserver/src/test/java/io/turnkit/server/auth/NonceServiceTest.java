package io.turnkit.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

class NonceServiceTest {
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 50000);
    private static final long LIFETIME = 600;

    private final TestClock clock = new TestClock(Instant.parse("2025-01-01T00:00:00Z"));
    private final NonceService nonces = new NonceService(SECRET, LIFETIME, clock);

    @Test
    void shouldAcceptTheNonceItIssued() {
        assertEquals(NonceService.Check.VALID, nonces.check(nonces.issue(CLIENT), CLIENT));
    }

    @Test
    void shouldStartWithTheNonceCookieAndTheSecurityFeatures() {
        String nonce = nonces.issue(CLIENT);

        // RFC 8489 §9.2: "obMatJos2" + base64 of 0x800000 ("Password algorithms", bit 0).
        assertTrue(nonce.startsWith("obMatJos2gAAA"), nonce);
        assertEquals(NonceService.LENGTH, nonce.length());
        assertTrue(nonces.issue(CLIENT, 0).startsWith("obMatJos2AAAA"));
        assertTrue(nonces.issue(CLIENT, NonceService.FEATURE_PASSWORD_ALGORITHMS
                | NonceService.FEATURE_USERNAME_ANONYMITY).startsWith("obMatJos2wAAA"));
    }

    @Test
    void shouldTellWhetherANonceOffersPasswordAlgorithms() {
        assertTrue(NonceService.offersPasswordAlgorithms(nonces.issue(CLIENT)));
        assertFalse(NonceService.offersPasswordAlgorithms(nonces.issue(CLIENT, 0)));
        assertFalse(NonceService.offersPasswordAlgorithms("f00d"));
    }

    @Test
    void shouldStayValidThroughItsLastSecond() {
        String nonce = nonces.issue(CLIENT);

        clock.advance(Duration.ofSeconds(LIFETIME));

        assertEquals(NonceService.Check.VALID, nonces.check(nonce, CLIENT));
    }

    @Test
    void shouldBecomeStaleAfterItsLifetime() {
        String nonce = nonces.issue(CLIENT);

        clock.advance(Duration.ofSeconds(LIFETIME + 1));

        assertEquals(NonceService.Check.STALE, nonces.check(nonce, CLIENT));
    }

    @Test
    void shouldRefuseANonceIssuedToAnotherIp() {
        String nonce = nonces.issue(CLIENT);

        assertEquals(NonceService.Check.INVALID, nonces.check(nonce, new InetSocketAddress("127.0.0.2", 50000)));
    }

    @Test
    void shouldRefuseANonceIssuedToAnotherPort() {
        String nonce = nonces.issue(CLIENT);

        assertEquals(NonceService.Check.INVALID, nonces.check(nonce, new InetSocketAddress("127.0.0.1", 50001)));
    }

    @Test
    void shouldIssueDifferentNoncesToDifferentSources() {
        assertNotEquals(nonces.issue(CLIENT), nonces.issue(new InetSocketAddress("127.0.0.1", 50001)));
        assertNotEquals(nonces.issue(CLIENT), nonces.issue(new InetSocketAddress("::1", 50000)));
    }

    @Test
    void shouldAcceptANonceOfAnotherNodeSharingTheSecret() {
        NonceService otherNode = new NonceService(SECRET, LIFETIME, clock);

        assertEquals(NonceService.Check.VALID, otherNode.check(nonces.issue(CLIENT), CLIENT));
    }

    @Test
    void shouldRefuseANonceIssuedWithAnotherSecret() {
        NonceService stranger = new NonceService("another secret of 32 bytes......".getBytes(
                StandardCharsets.US_ASCII), LIFETIME, clock);

        assertEquals(NonceService.Check.INVALID, nonces.check(stranger.issue(CLIENT), CLIENT));
    }

    @Test
    void shouldRefuseANonceWhoseFeatureBitsWereCleared() {
        // RFC 8489 §9.2.1: a bid-down attacker clears "Password algorithms" in the 401 it relays.
        String downgraded = nonces.issue(CLIENT).replace("obMatJos2gAAA", "obMatJos2AAAA");

        assertEquals(NonceService.Check.INVALID, nonces.check(downgraded, CLIENT));
    }

    @Test
    void shouldRefuseANonceWithALaterExpiry() {
        String nonce = nonces.issue(CLIENT);
        char[] chars = nonce.toCharArray();
        int firstExpiryChar = 13;
        chars[firstExpiryChar] = chars[firstExpiryChar] == 'A' ? 'B' : 'A';

        assertEquals(NonceService.Check.INVALID, nonces.check(new String(chars), CLIENT));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "obMatJos2", "obMatJos2gAAA", "obMatJos2gAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "obMatJos2gAAA!!!!!!!!!!!!!!!!!!!!!!", "obMatJos2g\u00e9AAAAAAAAAAAAAAAAAAAAAAAAA",
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"})
    void shouldRefuseMalformedNoncesWithoutThrowing(String nonce) {
        assertEquals(NonceService.Check.INVALID, nonces.check(nonce, CLIENT));
    }

    @Test
    void shouldCheckANonceInPlaceInABuffer() {
        byte[] nonce = nonces.issue(CLIENT).getBytes(StandardCharsets.US_ASCII);
        ByteBuf buffer = Unpooled.buffer();
        buffer.writeBytes(new byte[7]).writeBytes(nonce);

        assertEquals(NonceService.Check.VALID, nonces.check(buffer, 7, nonce.length, CLIENT));
        assertEquals(NonceService.FEATURE_PASSWORD_ALGORITHMS, NonceService.securityFeatures(buffer, 7, nonce.length));
    }
}
