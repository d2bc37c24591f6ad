package io.turnkit.server.relay;

import java.net.InetSocketAddress;

import io.netty.buffer.ByteBuf;
import io.turnkit.server.link.ClientLink;
import io.turnkit.server.transport.DatagramBurst;
import io.turnkit.server.transport.UdpSocket;
import io.turnkit.store.Allocation;
import io.turnkit.store.FiveTuple;

/**
 * An allocation as the server runs it: the store's state plus the relay socket and the client link it
 * relays between, and the last response, to answer a retransmitted request with the same bytes
 * (RFC 8656 §7.2, RFC 8489 §6.3.4).
 */
public final class RelayAllocation extends Allocation {
    private final ClientLink link;
    private final int relayPort;
    /** coturn treats the two directions of --max-bps separately, and so do we. */
    private final BandwidthLimit toPeer;
    private final BandwidthLimit toClient;
    private final long createdAt;
    private UdpSocket relaySocket;
    /** What the client sends peers during one read batch; see {@link DatagramBurst}. */
    private DatagramBurst toPeerBurst;
    private PeerDataHandler fromPeers;
    /** RFC 6062: a TCP allocation relays through this instead of a relay socket. */
    private TcpRelay tcpRelay;

    private long lastTransactionIdHigh;
    private int lastTransactionIdLow;
    private ByteBuf lastResponse;

    @SuppressWarnings("this-escape")
    public RelayAllocation(FiveTuple fiveTuple, String username, String realm, InetSocketAddress relayedAddress,
            int relayPort, ClientLink link, long lifetimeNanos, long nowNanos, long permissionLifetimeNanos,
            long channelLifetimeNanos, long maxBytesPerSecond) {
        super(fiveTuple, username, realm, relayedAddress, lifetimeNanos, nowNanos, permissionLifetimeNanos,
                channelLifetimeNanos);
        this.link = link;
        this.relayPort = relayPort;
        this.toPeer = new BandwidthLimit(maxBytesPerSecond, nowNanos);
        this.toClient = new BandwidthLimit(maxBytesPerSecond, nowNanos);
        this.createdAt = nowNanos;
    }

    /** The client link this allocation was made through, and relays back to. */
    public ClientLink link() {
        return link;
    }

    public int relayPort() {
        return relayPort;
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

    /** The relay socket is bound: from now on the allocation relays through it. */
    void relayThrough(UdpSocket relay, DatagramBurst burst, PeerDataHandler peerData) {
        relaySocket = relay;
        toPeerBurst = burst;
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

    /** What takes the datagrams peers send to the relayed address. */
    public PeerDataHandler fromPeers() {
        return fromPeers;
    }

    public UdpSocket relaySocket() {
        return relaySocket;
    }

    public DatagramBurst peerBurst() {
        return toPeerBurst;
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
