package io.turnkit.server;

import java.net.InetSocketAddress;

import io.netty.buffer.ByteBuf;
import io.turnkit.store.Allocation;
import io.turnkit.store.FiveTuple;

/**
 * An allocation as the server runs it: the store's state plus the relay socket and the client link it
 * relays between, and the last response, to answer a retransmitted request with the same bytes
 * (RFC 8656 §7.2, RFC 8489 §6.3.4).
 */
final class RelayAllocation extends Allocation {
    final ClientLink link;
    final int relayPort;
    /** coturn treats the two directions of --max-bps separately, and so do we. */
    final BandwidthLimit toPeer;
    final BandwidthLimit toClient;
    private UdpSocket relaySocket;
    /** What the client sends peers during one read batch; see {@link DatagramBurst}. */
    private DatagramBurst toPeerBurst;
    private PeerDataHandler fromPeers;
    /** Whether the client link has this relay socket on its list to flush at the end of the read batch. */
    boolean relayUnflushed;

    private long lastTransactionIdHigh;
    private int lastTransactionIdLow;
    private ByteBuf lastResponse;

    @SuppressWarnings("this-escape")
    RelayAllocation(FiveTuple fiveTuple, String username, String realm, InetSocketAddress relayedAddress,
            int relayPort, ClientLink link, long lifetimeNanos, long nowNanos, long permissionLifetimeNanos,
            long channelLifetimeNanos, long maxBytesPerSecond) {
        super(fiveTuple, username, realm, relayedAddress, lifetimeNanos, nowNanos, permissionLifetimeNanos,
                channelLifetimeNanos);
        this.link = link;
        this.relayPort = relayPort;
        this.toPeer = new BandwidthLimit(maxBytesPerSecond, nowNanos);
        this.toClient = new BandwidthLimit(maxBytesPerSecond, nowNanos);
    }

    /** The relay socket is bound: from now on the allocation relays through it. */
    void relayThrough(UdpSocket relay, DatagramBurst burst, PeerDataHandler peerData) {
        relaySocket = relay;
        toPeerBurst = burst;
        fromPeers = peerData;
    }

    /** What takes the datagrams peers send to the relayed address. */
    PeerDataHandler fromPeers() {
        return fromPeers;
    }

    UdpSocket relaySocket() {
        return relaySocket;
    }

    DatagramBurst peerBurst() {
        return toPeerBurst;
    }

    InetSocketAddress client() {
        return fiveTuple().client();
    }

    /** The response remembered for this transaction, or null when the request is not a retransmission. */
    ByteBuf cachedResponse(long transactionIdHigh, int transactionIdLow) {
        if (lastResponse != null && lastTransactionIdHigh == transactionIdHigh
                && lastTransactionIdLow == transactionIdLow) {
            return lastResponse;
        }
        return null;
    }

    void rememberResponse(long transactionIdHigh, int transactionIdLow, ByteBuf response) {
        releaseCachedResponse();
        lastTransactionIdHigh = transactionIdHigh;
        lastTransactionIdLow = transactionIdLow;
        lastResponse = response;
    }

    void releaseCachedResponse() {
        if (lastResponse != null) {
            lastResponse.release();
            lastResponse = null;
        }
    }
}
