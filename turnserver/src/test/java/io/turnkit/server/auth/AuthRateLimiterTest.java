package io.turnkit.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;

import org.junit.jupiter.api.Test;

class AuthRateLimiterTest {
    private static final long WINDOW = Duration.ofSeconds(60).toNanos();
    private static final long T0 = 1_000_000_000L;

    private final AuthRateLimiter limiter = new AuthRateLimiter(3, Duration.ofNanos(WINDOW), 1024);

    private static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }

    private void fail(InetAddress ip, int times, long now) {
        for (int i = 0; i < times; i++) {
            limiter.failed(ip, now);
        }
    }

    @Test
    void shouldAllowASourceBelowTheLimit() throws UnknownHostException {
        fail(ip("192.0.2.1"), 2, T0);

        assertTrue(limiter.allowed(ip("192.0.2.1"), T0));
    }

    @Test
    void shouldDropASourceThatReachedTheLimitAndCountTheDrops() throws UnknownHostException {
        fail(ip("192.0.2.1"), 3, T0);

        assertFalse(limiter.allowed(ip("192.0.2.1"), T0 + 1));
        assertFalse(limiter.allowed(ip("192.0.2.1"), T0 + WINDOW - 1));
        assertEquals(2, limiter.dropped());
        assertTrue(limiter.allowed(ip("192.0.2.2"), T0 + 1));
    }

    @Test
    void shouldAllowTheSourceAgainOnceTheWindowPassed() throws UnknownHostException {
        fail(ip("192.0.2.1"), 3, T0);

        assertTrue(limiter.allowed(ip("192.0.2.1"), T0 + WINDOW));
        assertEquals(0, limiter.trackedSources());
    }

    @Test
    void shouldForgetFailuresOlderThanTheWindow() throws UnknownHostException {
        fail(ip("192.0.2.1"), 2, T0);
        fail(ip("192.0.2.1"), 2, T0 + WINDOW);

        assertTrue(limiter.allowed(ip("192.0.2.1"), T0 + WINDOW + 1));
    }

    @Test
    void shouldCountAnIpv6Slash64AsOneSource() throws UnknownHostException {
        limiter.failed(ip("2001:db8:1:2::1"), T0);
        limiter.failed(ip("2001:db8:1:2::2"), T0);
        limiter.failed(ip("2001:db8:1:2:ffff::3"), T0);

        assertFalse(limiter.allowed(ip("2001:db8:1:2::99"), T0));
        assertTrue(limiter.allowed(ip("2001:db8:1:3::1"), T0));
    }

    @Test
    void shouldBoundTheSourcesItRemembers() throws UnknownHostException {
        for (int i = 0; i < 5000; i++) {
            limiter.failed(InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i}), T0);
        }

        assertTrue(limiter.trackedSources() <= 1024, () -> "tracked " + limiter.trackedSources());
    }
}
