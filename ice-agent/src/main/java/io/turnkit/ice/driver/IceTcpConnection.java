package io.turnkit.ice.driver;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * One ICE-TCP connection (RFC 6544 §7) and its RFC 4571 framing: opened by an agent's active candidate to the peer's
 * passive one, or accepted by a {@link TcpMux} and handed to the agent its first check names. Every frame read goes
 * to the agent as a datagram on its TCP socket, from the connection's remote address; every datagram the agent
 * sends to that address on that socket goes out as a frame. Lives on the agent's event loop.
 */
final class IceTcpConnection extends ChannelInboundHandlerAdapter implements Rfc4571Frames.FrameHandler {
    /** Frames queued while an opened connection connects: the check that opens it and a few after it. */
    private static final int MAX_PENDING_WRITES = 16;

    private final Rfc4571Frames frames = new Rfc4571Frames();
    /** The mux that accepted this connection, until it is routed; null for a connection the agent opened. */
    private TcpMux mux;
    private DrivenAgent owner;
    private int socketId;
    private InetSocketAddress remote;
    private Channel channel;
    private ArrayDeque<ByteBuf> pendingWrites;
    /** An accepted connection's deadline for its first check. */
    ScheduledFuture<?> firstCheckTimeout;

    /** A connection accepted by {@code mux}, whose first check will say which agent it is for. */
    IceTcpConnection(TcpMux mux) {
        this.mux = mux;
    }

    /** A connection {@code owner} opens from its active socket {@code socketId} to {@code remote}. */
    IceTcpConnection(DrivenAgent owner, int socketId, InetSocketAddress remote) {
        this.owner = owner;
        this.socketId = socketId;
        this.remote = remote;
        this.pendingWrites = new ArrayDeque<>();
    }

    int socketId() {
        return socketId;
    }

    InetSocketAddress remote() {
        return remote;
    }

    /** The agent's now: its socket {@code id} on the mux; frames already read after the first go to it too. */
    void routed(DrivenAgent agent, int id) {
        mux = null;
        owner = agent;
        socketId = id;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        if (mux != null) {
            remote = (InetSocketAddress) channel.remoteAddress();
            mux.accepted(this);
        } else {
            for (ByteBuf b = pendingWrites.poll(); b != null; b = pendingWrites.poll()) {
                writeFrame(b);
            }
            channel.flush();
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf bytes = (ByteBuf) msg;
        try {
            frames.append(bytes);
        } finally {
            bytes.release();
        }
        frames.drain(this);
    }

    @Override
    public void frame(ByteBuf frame) {
        if (owner != null) {
            owner.receive(socketId, remote, frame);
        } else if (!mux.route(this, frame)) {
            frames.stop();
            close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releasePendingWrites();
        if (owner != null) {
            owner.tcpClosed(this);
        } else if (mux != null) {
            mux.closedUnrouted(this);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // a reset or a read error: the connection is over, channelInactive tells the agent
    }

    /** Sends {@code content} as one frame (the connection owns it from now on); false when it cannot be one. */
    boolean send(ByteBuf content) {
        if (channel == null || !channel.isActive()) {
            if (pendingWrites == null || pendingWrites.size() >= MAX_PENDING_WRITES || channel != null) {
                content.release();
                return false;
            }
            pendingWrites.add(content);
            return true;
        }
        boolean sent = writeFrame(content);
        channel.flush();
        return sent;
    }

    private boolean writeFrame(ByteBuf content) {
        ByteBuf header = Rfc4571Frames.header(channel.alloc(), content.readableBytes());
        if (header == null) {
            content.release();
            return false;
        }
        channel.write(header, channel.voidPromise());
        channel.write(content, channel.voidPromise());
        return true;
    }

    /** Frames queued for this connection, which will never be made, go on {@code other} instead. */
    void handOverPendingWrites(IceTcpConnection other) {
        if (pendingWrites != null) {
            for (ByteBuf b = pendingWrites.poll(); b != null; b = pendingWrites.poll()) {
                other.send(b);
            }
        }
    }

    /** Frames queued for a connection that will never be made are dropped. */
    void releasePendingWrites() {
        if (pendingWrites != null) {
            pendingWrites.forEach(ByteBuf::release);
            pendingWrites.clear();
        }
    }

    void close() {
        if (channel != null) {
            channel.close();
        } else {
            releasePendingWrites();
        }
    }
}
