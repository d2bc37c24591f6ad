package io.turnkit.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;

import org.junit.jupiter.api.Test;

class AuthRateLimiterTest {
    private static final long WINDOW = Duration.ofSeconds(60).toNanos();
    private static final long T0 = 1_000_000_000L;
    private static final int MAX_FAILURES = 3;
    private static final ClaimedUser ALICE = new ClaimedUser(1, 1);
    private static final ClaimedUser BOB = new ClaimedUser(2, 2);

    private final AuthRateLimiter limiter = new AuthRateLimiter(MAX_FAILURES, Duration.ofNanos(WINDOW), 1024);

    private static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }

    private static ClaimedUser user(int n) {
        return new ClaimedUser(0, n);
    }

    private static void fail(AuthRateLimiter limiter, InetAddress ip, ClaimedUser user, int times, long now) {
        for (int i = 0; i < times; i++) {
            limiter.failed(ip, user, now);
        }
    }

    /** One failure each for {@code count} distinct users from {@code ip}. */
    private static void failAcrossUsers(AuthRateLimiter limiter, InetAddress ip, int count, long now) {
        for (int i = 0; i < count; i++) {
            limiter.failed(ip, user(i), now);
        }
    }

    @Test
    void shouldAllowAUserBelowTheLimit() throws UnknownHostException {
        fail(limiter, ip("192.0.2.1"), ALICE, MAX_FAILURES - 1, T0);

        assertTrue(limiter.allowed(ip("192.0.2.1"), ALICE, T0));
    }

    @Test
    void shouldRefuseAUserThatReachedTheLimitUntilItsWindowEnds() throws UnknownHostException {
        fail(limiter, ip("192.0.2.1"), ALICE, MAX_FAILURES, T0);

        assertFalse(limiter.allowed(ip("192.0.2.1"), ALICE, T0 + 1));
        assertFalse(limiter.allowed(ip("192.0.2.1"), ALICE, T0 + WINDOW - 1));
    }

    @Test
    void shouldAllowAnotherUserOfTheSameSourceWhileOneIsBlocked() throws UnknownHostException {
        fail(limiter, ip("192.0.2.1"), ALICE, MAX_FAILURES, T0);

        assertTrue(limiter.allowed(ip("192.0.2.1"), BOB, T0 + 1));
    }

    @Test
    void shouldAllowTheSameUserFromAnotherSource() throws UnknownHostException {
        fail(limiter, ip("192.0.2.1"), ALICE, MAX_FAILURES, T0);

        assertTrue(limiter.allowed(ip("192.0.2.2"), ALICE, T0 + 1));
    }

    @Test
    void shouldBlockTheWholeSourceAfterAHundredFailuresAcrossUsernames() throws UnknownHostException {
        AuthRateLimiter defaults = new AuthRateLimiter();
        int sourceLimit = AuthRateLimiter.DEFAULT_MAX_FAILURES * AuthRateLimiter.SOURCE_LIMIT_FACTOR;
        assertEquals(100, sourceLimit);

        failAcrossUsers(defaults, ip("192.0.2.1"), sourceLimit - 1, T0);
        assertTrue(defaults.allowed(ip("192.0.2.1"), ALICE, T0));
        defaults.failed(ip("192.0.2.1"), BOB, T0);

        assertFalse(defaults.allowed(ip("192.0.2.1"), ALICE, T0 + 1));
        assertTrue(defaults.allowed(ip("192.0.2.2"), ALICE, T0 + 1));
    }

    @Test
    void shouldAllowTheUserAgainOnceTheWindowPassed() throws UnknownHostException {
        fail(limiter, ip("192.0.2.1"), ALICE, MAX_FAILURES, T0);

        assertTrue(limiter.allowed(ip("192.0.2.1"), ALICE, T0 + WINDOW));
        assertEquals(0, limiter.trackedKeys());
    }

    @Test
    void shouldAllowTheSourceAgainOnceTheWindowPassed() throws UnknownHostException {
        failAcrossUsers(limiter, ip("192.0.2.1"), MAX_FAILURES * AuthRateLimiter.SOURCE_LIMIT_FACTOR, T0);
        assertFalse(limiter.allowed(ip("192.0.2.1"), ALICE, T0 + WINDOW - 1));

        assertTrue(limiter.allowed(ip("192.0.2.1"), ALICE, T0 + WINDOW));
    }

    @Test
    void shouldForgetFailuresOlderThanTheWindow() throws UnknownHostException {
        fail(limiter, ip("192.0.2.1"), ALICE, MAX_FAILURES - 1, T0);
        fail(limiter, ip("192.0.2.1"), ALICE, MAX_FAILURES - 1, T0 + WINDOW);

        assertTrue(limiter.allowed(ip("192.0.2.1"), ALICE, T0 + WINDOW + 1));
    }

    @Test
    void shouldCountAnIpv6Slash64AsOneSource() throws UnknownHostException {
        limiter.failed(ip("2001:db8:1:2::1"), ALICE, T0);
        limiter.failed(ip("2001:db8:1:2::2"), ALICE, T0);
        limiter.failed(ip("2001:db8:1:2:ffff::3"), ALICE, T0);

        assertFalse(limiter.allowed(ip("2001:db8:1:2::99"), ALICE, T0));
        assertTrue(limiter.allowed(ip("2001:db8:1:3::1"), ALICE, T0));
    }

    @Test
    void shouldBoundTheKeysItRemembers() throws UnknownHostException {
        for (int i = 0; i < 5000; i++) {
            InetAddress source = InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i});
            limiter.failed(source, user(i), T0);
            limiter.failed(ip("192.0.2.1"), user(i), T0);
        }

        // 1024 (source, user) pairs and 1024 sources at most.
        assertTrue(limiter.trackedKeys() <= 2 * 1024, () -> "tracked " + limiter.trackedKeys());
    }

    @Test
    void shouldRejectALimitWhoseSourceLimitWouldOverflow() {
        assertThrows(IllegalArgumentException.class,
                () -> new AuthRateLimiter(Integer.MAX_VALUE, Duration.ofNanos(WINDOW), 1024));
    }
}
