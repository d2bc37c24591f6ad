package io.turnkit.conformance.support;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

import io.turnkit.ice.stun.StunClient;
import io.turnkit.ice.stun.StunTransport;
import io.turnkit.ice.stun.TransactionTimers;
import io.turnkit.ice.stun.TransportProtocol;
import io.turnkit.ice.turn.LongTermCredentials;
import io.turnkit.ice.turn.TurnAllocation;
import io.turnkit.ice.turn.TurnClient;

/**
 * A TURN client over UDP with one allocation and one peer on 127.0.0.1 it may relay to: turnkit's own TURN client
 * (the one {@code turnkit probe} uses), which answers each step with its result so a test can check it relays
 * both ways, refresh it, and see what a refused Allocate was answered.
 */
public final class RelayedClient implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final TurnClient turn;
    private final DatagramSocket peer;
    private final TurnAllocation allocation;
    private byte[] fromPeer;

    private RelayedClient(TurnClient turn, DatagramSocket peer, TurnAllocation allocation) {
        this.turn = turn;
        this.peer = peer;
        this.allocation = allocation;
        turn.onPeerData((from, data, offset, length, receivedNanos) -> {
            byte[] bytes = new byte[length];
            data.getBytes(offset, bytes);
            fromPeer = bytes;
        });
    }

    /** A TURN client of {@code server}, not yet allocated: for an Allocate whose refusal is tested. */
    public static TurnClient client(TurnkitServer server, String username, String password) throws IOException {
        InetSocketAddress address = new InetSocketAddress(LoopbackPorts.LOOPBACK, server.port());
        return new TurnClient(new StunClient(StunTransport.open(TransportProtocol.UDP, address, TIMEOUT),
                TransactionTimers.RFC_8489.withTimeout(TIMEOUT)), new LongTermCredentials(username, password));
    }

    /** Allocates on {@code server} and lets its peer in (RFC 8656 §10: a permission for the peer's address). */
    public static RelayedClient allocate(TurnkitServer server, String username, String password) throws IOException {
        TurnClient turn = client(server, username, password);
        DatagramSocket peer = null;
        try {
            TurnAllocation allocation = turn.allocate();
            peer = new DatagramSocket(new InetSocketAddress(LoopbackPorts.LOOPBACK, 0));
            peer.setSoTimeout((int) TIMEOUT.toMillis());
            turn.createPermission(LoopbackPorts.LOOPBACK);
            return new RelayedClient(turn, peer, allocation);
        } catch (IOException | RuntimeException e) {
            turn.close();
            if (peer != null) {
                peer.close();
            }
            throw e;
        }
    }

    public TurnAllocation allocation() {
        return allocation;
    }

    public InetSocketAddress peerAddress() {
        return (InetSocketAddress) peer.getLocalSocketAddress();
    }

    /** Sends {@code text} to the peer through the relay and back; throws when either way loses it. */
    public void relayBothWays(String text) throws IOException {
        byte[] sent = text.getBytes(StandardCharsets.UTF_8);
        turn.sendIndication(peerAddress(), sent, 0, sent.length);
        DatagramPacket received = new DatagramPacket(new byte[2048], 2048);
        peer.receive(received);
        byte[] atPeer = Arrays.copyOf(received.getData(), received.getLength());
        if (!Arrays.equals(sent, atPeer)) {
            throw new AssertionError("the peer got '" + new String(atPeer, StandardCharsets.UTF_8) + "'");
        }
        fromPeer = null;
        peer.send(new DatagramPacket(sent, sent.length, allocation.relayedAddress()));
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (fromPeer == null && System.nanoTime() - deadline < 0) {
            turn.poll(Math.min(deadline, System.nanoTime() + Duration.ofMillis(100).toNanos()));
        }
        if (fromPeer == null || !Arrays.equals(sent, fromPeer)) {
            throw new AssertionError("the client got no '" + text + "' back from the peer");
        }
    }

    /** RFC 8656 §10.1: asks for the peer's permission again, as a client refreshes it. */
    public void permitPeerAgain() throws IOException {
        turn.createPermission(LoopbackPorts.LOOPBACK);
    }

    /** RFC 8656 §8.1: a Refresh; returns the lifetime granted. */
    public Duration refresh(Duration lifetime) throws IOException {
        return turn.refresh(lifetime);
    }

    /** RFC 8656 §8.1: deletes the allocation. */
    public void release() throws IOException {
        turn.release();
    }

    @Override
    public void close() throws IOException {
        try {
            turn.close();
        } finally {
            peer.close();
        }
    }
}
