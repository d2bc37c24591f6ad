package io.turnkit.server.relay;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.turnkit.server.link.ClientLink;
import io.turnkit.store.Allocation;
import io.turnkit.store.FiveTuple;
import io.turnkit.stun.AddressAttribute;

/**
 * An allocation as the server runs it: the store's state plus its relays (one, or an IPv4 and an IPv6 one for a
 * client that asked for both, RFC 8656 §7.2) and the client link it relays between, and the last response, to
 * answer a retransmitted request with the same bytes (RFC 8656 §7.2, RFC 8489 §6.3.4). Both relays are one
 * allocation: one lifetime, one place in the quotas, one --max-bps, one set of permissions and channels, each
 * peer reached through the relay of its own family.
 */
public final class RelayAllocation extends Allocation {
    private final ClientLink link;
    /** coturn treats the two directions of --max-bps separately, and so do we. */
    private final BandwidthLimit toPeer;
    private final BandwidthLimit toClient;
    private final long createdAt;
    /** The relay of the relayed address the allocation was made with. */
    private Relay relay;
    /** The relay of the other family, for a dual allocation; else null. */
    private Relay additionalRelay;
    private PeerDataHandler fromPeers;
    /** RFC 6062: a TCP allocation relays through this instead of a relay socket. */
    private TcpRelay tcpRelay;
    /** The TURN REST API secret that signed the credential it was made with, or null. */
    private String restApiSecret;

    private long lastTransactionIdHigh;
    private int lastTransactionIdLow;
    private ByteBuf lastResponse;

    @SuppressWarnings("this-escape")
    public RelayAllocation(FiveTuple fiveTuple, String username, String realm, InetSocketAddress relayedAddress,
            ClientLink link, long lifetimeNanos, long nowNanos, long permissionLifetimeNanos,
            long channelLifetimeNanos, long maxBytesPerSecond) {
        super(fiveTuple, username, realm, relayedAddress, lifetimeNanos, nowNanos, permissionLifetimeNanos,
                channelLifetimeNanos);
        this.link = link;
        this.toPeer = new BandwidthLimit(maxBytesPerSecond, nowNanos);
        this.toClient = new BandwidthLimit(maxBytesPerSecond, nowNanos);
        this.createdAt = nowNanos;
    }

    /** The client link this allocation was made through, and relays back to. */
    public ClientLink link() {
        return link;
    }

    /**
     * The TURN REST API secret that signed the credential of the Allocate that made it, or null for a user's own
     * key: set once, as the allocation is made.
     */
    public void restApiSecret(String secret) {
        restApiSecret = secret;
    }

    /** Whether the credential it was made with is signed by the REST API secret {@code secret} of {@code realm}. */
    boolean signedWith(String realm, String secret) {
        return secret.equals(restApiSecret) && realm().equals(realm);
    }

    /** Whether {@code bytes} from the client to its peers fit in --max-bps now. */
    public boolean admitToPeer(int bytes, long nowNanos) {
        return toPeer.admit(bytes, nowNanos);
    }

    /** Whether {@code bytes} from peers to the client fit in --max-bps now. */
    boolean admitToClient(int bytes, long nowNanos) {
        return toClient.admit(bytes, nowNanos);
    }

    /** The {@link System#nanoTime()} instant the allocation was made. */
    long createdAt() {
        return createdAt;
    }

    /** The bytes relayed from the client to its peers so far. */
    long bytesToPeers() {
        return toPeer.bytes();
    }

    long packetsToPeers() {
        return toPeer.packets();
    }

    /** The bytes relayed from peers to the client so far. */
    long bytesToClient() {
        return toClient.bytes();
    }

    long packetsToClient() {
        return toClient.packets();
    }

    /** A relay socket is bound: from now on the allocation relays through it too; the first is its relayed address. */
    void relayThrough(Relay bound, PeerDataHandler peerData) {
        if (relay == null) {
            relay = bound;
        } else {
            additionalRelay = bound;
        }
        fromPeers = peerData;
    }

    /** RFC 6062: the allocation relays TCP connections through {@code relay}. */
    void relayThrough(TcpRelay relay) {
        tcpRelay = relay;
    }

    /** The TCP relay of a TCP allocation (RFC 6062), or null for a UDP one. */
    public TcpRelay tcpRelay() {
        return tcpRelay;
    }

    /**
     * Counts {@code bytes} that a TCP relay carried, for the log line of the allocation's end: TCP has no
     * packets, so each read counts as one, and --max-bps does not apply (dropping bytes would corrupt the stream).
     */
    void countRelayed(boolean toPeers, int bytes) {
        (toPeers ? toPeer : toClient).count(bytes);
    }

    /** What takes the datagrams peers send to the relayed addresses. */
    public PeerDataHandler fromPeers() {
        return fromPeers;
    }

    /** The relay of the relayed address the allocation was made with. */
    public Relay relay() {
        return relay;
    }

    /** The relays, the first one first: one, or two for a dual allocation; none for a TCP allocation. */
    public List<Relay> relays() {
        if (relay == null) {
            return List.of();
        }
        return additionalRelay == null ? List.of(relay) : List.of(relay, additionalRelay);
    }

    /** The relayed addresses, the first one first, of a UDP or a TCP allocation. */
    public List<InetSocketAddress> relayedAddresses() {
        return relay == null ? List.of(relayedAddress())
                : relays().stream().map(Relay::relayedAddress).toList();
    }

    /**
     * The relayed address of {@code peer}'s family, which reaches it, of a UDP or a TCP allocation (RFC 6062 §5.2:
     * a TCP allocation has the one it was made with); null when there is none. Allocates nothing.
     */
    public InetSocketAddress relayedAddressFor(InetAddress peer) {
        if (tcpRelay != null) {
            return Relay.sameFamily(peer, relayedAddress()) ? relayedAddress() : null;
        }
        Relay reaching = relayFor(peer);
        return reaching == null ? null : reaching.relayedAddress();
    }

    /**
     * The relay of {@code peer}'s address family, which reaches it; null when there is none, as for a TCP
     * allocation. Allocates nothing.
     */
    public Relay relayFor(InetAddress peer) {
        if (relay != null && relay.reaches(peer)) {
            return relay;
        }
        return additionalRelay != null && additionalRelay.reaches(peer) ? additionalRelay : null;
    }

    /** Whether the allocation has a relayed address of {@code family} (an {@link AddressAttribute} family). */
    public boolean hasRelayOfFamily(int family) {
        for (InetSocketAddress each : relayedAddresses()) {
            if (AddressAttribute.familyOf(each.getAddress()) == family) {
                return true;
            }
        }
        return false;
    }

    public InetSocketAddress client() {
        return fiveTuple().client();
    }

    /** The response remembered for this transaction, or null when the request is not a retransmission. */
    public ByteBuf cachedResponse(long transactionIdHigh, int transactionIdLow) {
        if (lastResponse != null && lastTransactionIdHigh == transactionIdHigh
                && lastTransactionIdLow == transactionIdLow) {
            return lastResponse;
        }
        return null;
    }

    public void rememberResponse(long transactionIdHigh, int transactionIdLow, ByteBuf response) {
        releaseCachedResponse();
        lastTransactionIdHigh = transactionIdHigh;
        lastTransactionIdLow = transactionIdLow;
        lastResponse = response;
    }

    public void releaseCachedResponse() {
        if (lastResponse != null) {
            lastResponse.release();
            lastResponse = null;
        }
    }
}
