package io.turnkit.ice.stun;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.turnkit.stun.StreamFraming;

/**
 * STUN over TCP: STUN messages and ChannelData back to back on one connection, told apart and cut by
 * {@link StreamFraming} (RFC 8656 §12.5; ChannelData is padded to 4 bytes). Bytes of a frame not yet complete when
 * a receive times out stay buffered for the next one.
 */
public final class TcpStunTransport extends StunTransport {
    private static final int READ_CHUNK = 16 * 1024;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final InetSocketAddress localAddress;
    private final ByteBuf inbound = Unpooled.buffer(READ_CHUNK, MAX_FRAME + READ_CHUNK);

    private TcpStunTransport(InetSocketAddress server, Socket socket) throws IOException {
        super(server);
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.localAddress = (InetSocketAddress) socket.getLocalSocketAddress();
    }

    static TcpStunTransport open(InetSocketAddress server, Duration connectTimeout) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(server, (int) Math.max(1, Math.min(Integer.MAX_VALUE, connectTimeout.toMillis())));
            return new TcpStunTransport(server, socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    @Override
    public TransportProtocol protocol() {
        return TransportProtocol.TCP;
    }

    @Override
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    @Override
    void send(byte[] bytes, int offset, int length, InetSocketAddress destination) throws IOException {
        if (!destination.equals(server())) {
            throw new IllegalArgumentException("a TCP transport only reaches " + server() + ", not " + destination);
        }
        out.write(bytes, offset, length);
        out.flush();
    }

    @Override
    public boolean receive(ReceivedFrame into, long deadlineNanos) throws IOException {
        // The frame handed out last time has been used: its bytes can go.
        inbound.discardReadBytes();
        while (true) {
            int frame = StreamFraming.frameLength(inbound, inbound.readerIndex(), inbound.readableBytes(), MAX_FRAME);
            if (frame == StreamFraming.INVALID) {
                throw new ProtocolException("the server sent bytes that are neither STUN nor ChannelData");
            }
            if (frame > 0) {
                into.set(inbound, inbound.readerIndex(), frame, server(), System.nanoTime());
                inbound.skipBytes(frame);
                return true;
            }
            if (deadlineNanos - System.nanoTime() <= 0) {
                return false;
            }
            socket.setSoTimeout(timeoutMillis(deadlineNanos));
            inbound.ensureWritable(READ_CHUNK);
            try {
                if (inbound.writeBytes(in, READ_CHUNK) < 0) {
                    throw new EOFException("the server closed the connection");
                }
            } catch (SocketTimeoutException e) {
                // Checked against the deadline at the top of the loop.
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
