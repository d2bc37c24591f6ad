package io.turnkit.ice.stun;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.turnkit.stun.StunMessage;

/**
 * A blocking link from a client to one STUN or TURN server: datagrams ({@link DatagramStunTransport}) or a
 * connection that carries STUN and ChannelData frames back to back ({@link TcpStunTransport}, RFC 8656 §12.5). Not
 * thread-safe: one thread sends and receives.
 */
public abstract sealed class StunTransport implements Closeable permits DatagramStunTransport, TcpStunTransport {
    /** The largest frame either transport takes: a whole STUN message (RFC 8489 §5: a 16-bit length). */
    static final int MAX_FRAME = StunMessage.MAX_LENGTH;

    private final InetSocketAddress server;

    StunTransport(InetSocketAddress server) {
        if (server.isUnresolved()) {
            throw new IllegalArgumentException("unresolved server address " + server);
        }
        this.server = server;
    }

    /**
     * Opens a transport to {@code server}: a UDP socket, or a TCP connection made within {@code connectTimeout}.
     *
     * @throws IOException when the socket cannot be opened or the connection is refused or times out
     * @throws IllegalArgumentException for TLS, which only the sans-I/O session's drivers carry
     */
    public static StunTransport open(TransportProtocol protocol, InetSocketAddress server, Duration connectTimeout)
            throws IOException {
        return switch (protocol) {
            case UDP -> DatagramStunTransport.open(server);
            case TCP -> TcpStunTransport.open(server, connectTimeout);
            case TLS -> throw new IllegalArgumentException("the blocking STUN transports do not speak TLS");
        };
    }

    public abstract TransportProtocol protocol();

    /** RFC 8489 §6.2.2: over a reliable transport requests are not retransmitted. */
    public final boolean isReliable() {
        return protocol().isStream();
    }

    /** The server this transport was opened to. */
    public final InetSocketAddress server() {
        return server;
    }

    /** The client's own address of this transport: what a Binding response shows when no NAT is in between. */
    public abstract InetSocketAddress localAddress();

    /** Sends the readable bytes of {@code frame} (one STUN message or ChannelData) to the server. */
    public final void send(ByteBuf frame) throws IOException {
        send(frame, server);
    }

    /**
     * Sends the readable bytes of {@code frame} to {@code destination}: the server, or, over UDP only, another
     * address of it (RFC 5780's alternate address).
     */
    public final void send(ByteBuf frame, InetSocketAddress destination) throws IOException {
        if (frame.hasArray()) {
            send(frame.array(), frame.arrayOffset() + frame.readerIndex(), frame.readableBytes(), destination);
        } else {
            byte[] copy = ByteBufUtil.getBytes(frame);
            send(copy, 0, copy.length, destination);
        }
    }

    abstract void send(byte[] bytes, int offset, int length, InetSocketAddress destination) throws IOException;

    /**
     * Waits for the next frame until {@link System#nanoTime()} reaches {@code deadlineNanos}.
     *
     * @return true with {@code into} filled, false when the deadline came first
     * @throws IOException when the link failed: an ICMP error on UDP, a closed or garbled stream on TCP
     */
    public abstract boolean receive(ReceivedFrame into, long deadlineNanos) throws IOException;

    /** Milliseconds to a deadline for a socket timeout: at least 1, since 0 would mean forever. */
    static int timeoutMillis(long deadlineNanos) {
        long remaining = deadlineNanos - System.nanoTime();
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (remaining + 999_999) / 1_000_000));
    }

    @Override
    public String toString() {
        return protocol() + " " + Addresses.format(server);
    }
}
