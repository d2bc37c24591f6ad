package io.turnkit.server.relay;

import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.turnkit.server.metrics.ServerCounter;
import io.turnkit.server.metrics.ServerCounters;
import io.turnkit.server.policy.PeerPolicy;
import io.turnkit.server.transport.TransportAddresses;
import io.turnkit.server.transport.Transports;
import io.turnkit.stun.StunAttributeType;
import io.turnkit.stun.StunClass;
import io.turnkit.stun.StunMessage;
import io.turnkit.stun.StunMessageEncoder;
import io.turnkit.stun.StunMessageType;
import io.turnkit.stun.StunMethod;

/**
 * The relay of a TCP allocation (RFC 6062): a listening socket on the relayed address, which takes connections
 * from peers that have a permission (§5.3), and the connections to peers that Connect requests make from that
 * same address (§5.2), each a {@link PeerConnection}. All on the client link's event loop.
 */
public final class TcpRelay {
    /**
     * RFC 6062 §5.2: a Connect fails with 447 when the peer does not answer in time; coturn, too, waits 30 s.
     */
    static final int CONNECT_TIMEOUT_SECONDS = 30;
    /** Peer data connections of one allocation at once: a peer that opens many gets the rest closed. */
    static final int MAX_CONNECTIONS = 256;
    /** Bytes written to one side and not yet taken before the other stops reading ({@link StreamSplice}). */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(64 * 1024, 256 * 1024);

    private static final Logger LOG = LoggerFactory.getLogger(TcpRelay.class);

    private final RelayAllocation allocation;
    private final Transports transports;
    private final ConnectionIds ids;
    private final PeerPolicy peerPolicy;
    private final ServerCounters counters;
    private final HashMap<InetSocketAddress, PeerConnection> byPeer = new HashMap<>();
    private Channel listener;
    private boolean closed;

    TcpRelay(RelayAllocation allocation, Transports transports, ConnectionIds ids, PeerPolicy peerPolicy,
            ServerCounters counters) {
        this.allocation = allocation;
        this.transports = transports;
        this.ids = ids;
        this.peerPolicy = peerPolicy;
        this.counters = counters;
    }

    public RelayAllocation allocation() {
        return allocation;
    }

    ConnectionIds ids() {
        return ids;
    }

    ServerCounters counters() {
        return counters;
    }

    /**
     * RFC 6062 §5.1: binds the listening socket on the relayed address, on {@code loop}. It shares the address
     * with the connections Connect makes from it (SO_REUSEADDR and SO_REUSEPORT on every one of them).
     */
    public ChannelFuture listen(EventLoop loop) {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loop, loop)
                .channel(transports.serverSocketChannel())
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOCATOR, Transports.ALLOCATOR)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        accepted(channel);
                    }
                });
        transports.shareAddress(bootstrap);
        ChannelFuture bound = bootstrap.bind(allocation.relayedAddress());
        listener = bound.channel();
        return bound;
    }

    /** Whether a connection with {@code peer} is being made, waits for its ConnectionBind, or relays (§5.2). */
    public boolean hasConnection(InetSocketAddress peer) {
        return byPeer.containsKey(peer);
    }

    /**
     * RFC 6062 §5.2: connects from the relayed address to {@code peer} (which the caller checked against the peer
     * policy); the future fails when the peer refuses or does not answer in {@value #CONNECT_TIMEOUT_SECONDS} s.
     */
    public Future<PeerConnection> connect(InetSocketAddress peer) {
        EventLoop loop = listener.eventLoop();
        Promise<PeerConnection> connected = loop.newPromise();
        if (closed || byPeer.size() >= MAX_CONNECTIONS) {
            return connected.setFailure(new ClosedChannelException());
        }
        PeerConnection connection = new PeerConnection(this, peer);
        byPeer.put(peer, connection);
        Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .channel(transports.socketChannel())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOCATOR, Transports.ALLOCATOR)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) TimeUnit.SECONDS.toMillis(CONNECT_TIMEOUT_SECONDS))
                .handler(connection.lifecycle());
        transports.shareAddress(bootstrap);
        ChannelFuture connecting = bootstrap.connect(peer, allocation.relayedAddress());
        connecting.addListener(f -> {
            if (f.isSuccess() && !connection.isClosed()) {
                counters.increment(ServerCounter.TCP_RELAY_CONNECTIONS);
                connection.connected(connecting.channel(), ids);
                connected.setSuccess(connection);
                return;
            }
            if (LOG.isDebugEnabled()) {
                LOG.debug("Connect from {} to {} failed: {}", TransportAddresses.format(allocation.relayedAddress()),
                        TransportAddresses.format(peer), f.cause() != null ? f.cause().toString() : "allocation closed");
            }
            connecting.channel().close();
            connection.close(false);
            connected.setFailure(f.cause() != null ? f.cause() : new ClosedChannelException());
        });
        return connected;
    }

    /**
     * RFC 6062 §5.3: a peer connected to the relayed address. Only a peer with a permission, and one the peer
     * policy allows, gets a ConnectionAttempt to the client; any other connection is closed at once.
     */
    private void accepted(Channel channel) {
        InetSocketAddress peer = (InetSocketAddress) channel.remoteAddress();
        if (closed || byPeer.size() >= MAX_CONNECTIONS || byPeer.containsKey(peer)
                || !peerPolicy.isAllowed(peer.getAddress())
                || !allocation.hasPermission(peer.getAddress(), System.nanoTime())) {
            counters.increment(ServerCounter.TCP_RELAY_REFUSED);
            channel.close();
            return;
        }
        PeerConnection connection = new PeerConnection(this, peer);
        byPeer.put(peer, connection);
        channel.pipeline().addLast(connection.lifecycle());
        counters.increment(ServerCounter.TCP_RELAY_CONNECTIONS);
        connection.connected(channel, ids);
        sendConnectionAttempt(connection);
    }

    /** RFC 6062 §5.3: the ConnectionAttempt indication, with CONNECTION-ID and XOR-PEER-ADDRESS. */
    private void sendConnectionAttempt(PeerConnection connection) {
        byte[] transactionId = new byte[StunMessage.TRANSACTION_ID_LENGTH];
        // RFC 8489 §6: an indication the server originates gets a fresh transaction id.
        ThreadLocalRandom.current().nextBytes(transactionId);
        ByteBuf indication = Transports.ALLOCATOR.directBuffer(64);
        new StunMessageEncoder().wrap(indication)
                .header(StunMessageType.of(StunMethod.CONNECTION_ATTEMPT, StunClass.INDICATION), transactionId)
                .addUint32(StunAttributeType.CONNECTION_ID, connection.id() & 0xFFFF_FFFFL)
                .addAddress(StunAttributeType.XOR_PEER_ADDRESS, connection.peer())
                .finish();
        allocation.link().write(indication, allocation.client());
        allocation.link().flush();
    }

    void removed(PeerConnection connection) {
        byPeer.remove(connection.peer(), connection);
    }

    /** Closes the listening socket and every peer data connection, with their client data connections (§5.5). */
    ChannelFuture close() {
        closed = true;
        for (PeerConnection connection : new ArrayList<>(byPeer.values())) {
            connection.close(false);
        }
        return listener.close();
    }
}
