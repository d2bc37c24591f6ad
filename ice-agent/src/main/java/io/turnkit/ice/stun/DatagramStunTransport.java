package io.turnkit.ice.stun;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * STUN over UDP: one socket, connected to the server so that an ICMP "port unreachable" ends a transaction at once
 * instead of after its timeout. {@link #acceptAnySource()} unconnects it for RFC 5780's tests, whose responses come
 * from the server's other addresses.
 */
public final class DatagramStunTransport extends StunTransport {
    private final DatagramSocket socket;
    private final InetSocketAddress localAddress;
    private final byte[] inbound = new byte[MAX_FRAME];
    private final ByteBuf inboundBuffer = Unpooled.wrappedBuffer(inbound);
    private final DatagramPacket packet = new DatagramPacket(inbound, inbound.length);

    private DatagramStunTransport(InetSocketAddress server, DatagramSocket socket) {
        super(server);
        this.socket = socket;
        this.localAddress = (InetSocketAddress) socket.getLocalSocketAddress();
    }

    static DatagramStunTransport open(InetSocketAddress server) throws IOException {
        DatagramSocket socket = new DatagramSocket();
        try {
            socket.connect(server);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
        return new DatagramStunTransport(server, socket);
    }

    @Override
    public TransportProtocol protocol() {
        return TransportProtocol.UDP;
    }

    /** The address the socket took when it was connected to the server (later unconnecting does not change it). */
    @Override
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /** From now on, datagrams from any source are received and may be sent anywhere. */
    public void acceptAnySource() {
        socket.disconnect();
    }

    @Override
    void send(byte[] bytes, int offset, int length, InetSocketAddress destination) throws IOException {
        DatagramPacket datagram = new DatagramPacket(bytes, offset, length);
        if (!socket.isConnected()) {
            datagram.setSocketAddress(destination);
        } else if (!destination.equals(server())) {
            throw new IllegalStateException("call acceptAnySource() before sending to " + destination);
        }
        socket.send(datagram);
    }

    @Override
    public boolean receive(ReceivedFrame into, long deadlineNanos) throws IOException {
        while (deadlineNanos - System.nanoTime() > 0) {
            socket.setSoTimeout(timeoutMillis(deadlineNanos));
            packet.setData(inbound);
            try {
                socket.receive(packet);
            } catch (SocketTimeoutException e) {
                continue;
            }
            into.set(inboundBuffer, 0, packet.getLength(), (InetSocketAddress) packet.getSocketAddress(),
                    System.nanoTime());
            return true;
        }
        return false;
    }

    @Override
    public void close() {
        socket.close();
    }
}
