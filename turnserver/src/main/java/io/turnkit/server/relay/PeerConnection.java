package io.turnkit.server.relay;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.turnkit.server.metrics.ServerCounter;

/**
 * A peer data connection of a TCP allocation (RFC 6062 §5.2, §5.3): a TCP connection between the relayed address
 * and a peer, made by a Connect or accepted on the relayed address. It waits, not reading (so TCP's window holds
 * the peer back, as RFC 6062 §5.3 asks), until a ConnectionBind binds a client data connection to its
 * CONNECTION-ID, at most {@link #BIND_TIMEOUT_SECONDS}; then the two carry each other's bytes
 * ({@link StreamSplice}). Owned by the allocation's event loop; only {@link #takeOver} is called from another.
 */
public final class PeerConnection {
    /** RFC 6062 §5.2, §5.3: a peer data connection no ConnectionBind claims in 30 s is closed. */
    static final int BIND_TIMEOUT_SECONDS = 30;

    private final TcpRelay relay;
    private final InetSocketAddress peer;
    private Channel channel;
    private int id;
    private ScheduledFuture<?> bindTimeout;
    private Channel clientData;
    private boolean closed;
    private final PeerSide peerSide = new PeerSide();

    PeerConnection(TcpRelay relay, InetSocketAddress peer) {
        this.relay = relay;
        this.peer = peer;
    }

    /** The CONNECTION-ID the client binds with. */
    public int id() {
        return id;
    }

    public InetSocketAddress peer() {
        return peer;
    }

    /** The user of the allocation: only a ConnectionBind with the same credentials may bind. */
    public String username() {
        return relay.allocation().username();
    }

    /** The client's address on the allocation's control connection. */
    public InetSocketAddress controlClient() {
        return relay.allocation().client();
    }

    boolean isClosed() {
        return closed;
    }

    /** The handler that watches the peer's connection until it is bound, and after. */
    ChannelInboundHandlerAdapter lifecycle() {
        return peerSide;
    }

    /** The connection to the peer is up: it gets a CONNECTION-ID and waits for its ConnectionBind. */
    void connected(Channel connected, ConnectionIds ids) {
        channel = connected;
        id = ids.add(this);
        bindTimeout = connected.eventLoop().schedule(() -> {
            if (ids.claim(this)) {
                relay.counters().increment(ServerCounter.TCP_RELAY_UNBOUND);
                close(false);
            }
        }, BIND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * RFC 6062 §5.4: {@code data}, a client connection whose ConnectionBind claimed this connection (and has been
     * answered), carries this peer's bytes from now on. It moves to the allocation's event loop first, so that
     * relaying never changes threads; what it reads meanwhile waits. Called on the client connection's loop.
     */
    public void takeOver(Channel data) {
        Held held = new Held();
        data.config().setAutoRead(false);
        data.pipeline().addLast(held);
        EventLoop loop = channel.eventLoop();
        if (data.eventLoop() == loop) {
            bind(data, held);
            return;
        }
        data.deregister().addListener(deregistered -> loop.register(data).addListener(registered ->
                loop.execute(() -> bind(data, held))));
    }

    private void bind(Channel data, Held held) {
        if (closed || !data.isActive() || !data.isRegistered() || data.eventLoop() != channel.eventLoop()) {
            held.discard();
            data.close();
            close(false);
            return;
        }
        bindTimeout.cancel(false);
        clientData = data;
        data.pipeline().remove(held);
        RelayAllocation allocation = relay.allocation();
        StreamSplice toPeer = new StreamSplice(channel, allocation, true, relay.counters());
        data.pipeline().addLast(toPeer);
        // RFC 6062 §5.4: what the client sent right after its ConnectionBind goes to the peer too, and what the
        // peer sent before it to the client.
        for (ByteBuf bytes = held.poll(); bytes != null; bytes = held.poll()) {
            toPeer.relay(bytes);
        }
        channel.flush();
        StreamSplice toClient = new StreamSplice(data, allocation, false, relay.counters());
        for (ByteBuf bytes = peerSide.early.poll(); bytes != null; bytes = peerSide.early.poll()) {
            toClient.relay(bytes);
        }
        data.flush();
        if (!channel.isActive()) {
            // The peer sent its last bytes and closed before the client bound (RFC 6062 §5.5).
            close(true);
            return;
        }
        channel.pipeline().addLast(toClient);
        data.config().setAutoRead(true);
        channel.config().setAutoRead(true);
    }

    /**
     * Closes the peer's connection and the client's bound to it (RFC 6062 §5.5), on the allocation's loop: with
     * {@code gracefully} once what each was given is written (one side closed), else at once (the allocation
     * ends).
     */
    void close(boolean gracefully) {
        if (closed) {
            return;
        }
        closed = true;
        relay.removed(this);
        if (bindTimeout != null) {
            bindTimeout.cancel(false);
            relay.ids().claim(this);
        }
        close(channel, gracefully);
        close(clientData, gracefully);
        peerSide.early.discard();
    }

    private static void close(Channel connection, boolean gracefully) {
        if (connection == null) {
            return;
        }
        if (gracefully) {
            StreamSplice.closeAfterWrites(connection);
        } else {
            connection.close();
        }
    }

    /**
     * The peer's connection: not read until it is bound, but a peer that closes is read to its end (epoll does,
     * to see the close), and RFC 6062 §5.3 wants its bytes kept for the client: at most what the kernel had
     * buffered. Closed before it was bound, it stays until the client binds or the timeout, if it left bytes.
     */
    private final class PeerSide extends ChannelInboundHandlerAdapter {
        private final Held early = new Held();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (clientData == null) {
                early.channelRead(ctx, message);
            } else {
                ctx.fireChannelRead(message);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (clientData != null || early.isEmpty()) {
                close(true);
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** What a client data connection reads while it moves to the allocation's event loop: one read at most. */
    private static final class Held extends ChannelInboundHandlerAdapter {
        private final ArrayDeque<ByteBuf> bytes = new ArrayDeque<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            bytes.add((ByteBuf) message);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            // Reading stays off until the connection is bound.
        }

        ByteBuf poll() {
            return bytes.poll();
        }

        boolean isEmpty() {
            return bytes.isEmpty();
        }

        void discard() {
            for (ByteBuf held = bytes.poll(); held != null; held = bytes.poll()) {
                held.release();
            }
        }
    }
}
