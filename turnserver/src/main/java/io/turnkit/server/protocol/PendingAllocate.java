package io.turnkit.server.protocol;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import io.turnkit.server.auth.AuthResult;
import io.turnkit.server.relay.BoundRelay;
import io.turnkit.server.relay.PortChoice;
import io.turnkit.stun.StunMessage;

/**
 * An Allocate between its checks and its answer, while its relay sockets are bound one after the other: what the
 * answer needs once the request buffer is gone, the relay addresses still to bind, the relays bound, and the
 * family refused, for ADDRESS-ERROR-CODE (RFC 8656 §7.2). Used from the client link's event loop only.
 */
final class PendingAllocate {
    final InetSocketAddress client;
    final AuthResult auth;
    final PortChoice choice;
    /** The port a RESERVATION-TOKEN stands for, claimed already; -1 without a token. */
    final int reservedPort;
    final long lifetimeSeconds;
    final byte[] transactionId = new byte[StunMessage.TRANSACTION_ID_LENGTH];
    final long transactionIdHigh;
    final int transactionIdLow;
    final boolean fingerprint;
    /** The settings when the Allocate came, which the allocation keeps should a reload change them meanwhile. */
    final TurnSettings settings;
    /**
     * The type of ADDRESS-ERROR-CODE the client reads, when it asked for a relayed address of each family
     * (ADDITIONAL-ADDRESS-FAMILY): RFC 8656's, or coturn's; 0 when it did not ask.
     */
    final int addressErrorCode;
    /** Whether the relay is a TCP one (RFC 6062), listening, rather than UDP sockets. */
    final boolean tcp;
    private final List<InetAddress> toBind;
    final List<BoundRelay> bound = new ArrayList<>(2);
    /** The family refused, as an {@code AddressAttribute} family, and why; 0 when none was. */
    private int refusedFamily;
    private int refusedCode;

    PendingAllocate(StunMessage request, InetSocketAddress client, AuthResult auth, List<InetAddress> relayIps,
            PortChoice choice, int reservedPort, int addressErrorCode, long lifetimeSeconds, TurnSettings settings,
            boolean tcp) {
        this.client = client;
        this.auth = auth;
        this.toBind = new ArrayList<>(relayIps);
        this.choice = choice;
        this.reservedPort = reservedPort;
        this.addressErrorCode = addressErrorCode;
        this.lifetimeSeconds = lifetimeSeconds;
        this.settings = settings;
        this.tcp = tcp;
        request.copyTransactionId(transactionId);
        this.transactionIdHigh = request.transactionIdHigh();
        this.transactionIdLow = request.transactionIdLow();
        this.fingerprint = ResponseWriter.hasFingerprint(request);
    }

    boolean hasMoreToBind() {
        return !toBind.isEmpty();
    }

    /** The next relay address to bind a socket on; the first one bound becomes the allocation's relayed address. */
    InetAddress nextToBind() {
        return toBind.remove(0);
    }

    /** No relayed address of {@code family} for this request, for {@code code}'s reason. */
    void refuse(int family, int code) {
        refusedFamily = family;
        refusedCode = code;
    }

    int refusedFamily() {
        return refusedFamily;
    }

    int refusedCode() {
        return refusedCode;
    }

    boolean reserveNext() {
        return choice == PortChoice.EVEN_PAIR;
    }
}
