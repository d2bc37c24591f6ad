package io.turnkit.ice.stun;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

import io.netty.buffer.ByteBuf;

/**
 * STUN over TCP: STUN messages and ChannelData back to back on one connection, told apart and cut by a
 * {@link StreamFrameReader} (RFC 8656 §12.5; ChannelData is padded to 4 bytes). Bytes of a frame not yet complete when
 * a receive times out stay buffered for the next one.
 */
public final class TcpStunTransport extends StunTransport {
    private static final int READ_CHUNK = 16 * 1024;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final InetSocketAddress localAddress;
    private final StreamFrameReader frames = new StreamFrameReader();

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
        while (true) {
            ByteBuf frame = frames.next();
            if (frame != null) {
                into.set(frame, frame.readerIndex(), frame.readableBytes(), server(), System.nanoTime());
                return true;
            }
            if (deadlineNanos - System.nanoTime() <= 0) {
                return false;
            }
            socket.setSoTimeout(timeoutMillis(deadlineNanos));
            try {
                if (frames.readFrom(in, READ_CHUNK) < 0) {
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
