package io.turnkit.conformance.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;

import io.turnkit.ice.stun.ErrorResponseException;
import io.turnkit.ice.stun.StunClient;
import io.turnkit.ice.stun.StunTransport;
import io.turnkit.ice.stun.TransactionTimers;
import io.turnkit.ice.stun.TransportProtocol;
import io.turnkit.ice.turn.LongTermCredentials;
import io.turnkit.ice.turn.TurnClient;
import io.turnkit.stun.StunErrorCode;

/**
 * Asks a running server for one UDP allocation with a user name and password and says whether it was granted, in
 * a few milliseconds: what a test polls to see the server pick up a change of its user database. It is turnkit's
 * own TURN client (the one {@code turnkit probe} uses): turnutils_uclient answers a 401 by sending its Allocate
 * again and again, enough to reach the server's limit of failed logins, after which it waits for answers that
 * do not come.
 */
public final class AllocationProbe {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private AllocationProbe() {
    }

    /** True when the server allocates, false when it answers 401 Unauthorized; anything else fails the test. */
    public static boolean allocates(TurnkitServer server, String username, String password) {
        InetSocketAddress address = new InetSocketAddress(LoopbackPorts.LOOPBACK, server.port());
        try (TurnClient turn = new TurnClient(
                new StunClient(StunTransport.open(TransportProtocol.UDP, address, TIMEOUT),
                        TransactionTimers.RFC_8489.withTimeout(TIMEOUT)),
                new LongTermCredentials(username, password))) {
            turn.allocate();
            // RFC 8656 §8: a lifetime of 0 deletes the allocation, so probes do not pile up on the server.
            turn.refresh(Duration.ZERO);
            return true;
        } catch (ErrorResponseException e) {
            if (e.errorCode() == StunErrorCode.UNAUTHENTICATED) {
                return false;
            }
            throw new AssertionError("Allocate for " + username + " got " + e.getMessage() + server.describe(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("Allocate for " + username + " failed" + server.describe(), e);
        }
    }
}
