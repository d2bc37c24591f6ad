package io.turnkit.ice.nat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.turnkit.ice.sim.Datagram;
import io.turnkit.ice.sim.NetworkNode;
import io.turnkit.ice.sim.Router;
import io.turnkit.ice.sim.TcpHeader;
import io.turnkit.ice.sim.VirtualTcpConnection;
import io.turnkit.ice.stun.StreamFrameReader;

/**
 * The simulated internet's door to a real TURN server on loopback. Attached at the server's address on the
 * simulated internet, it sends each datagram for the server out of a real loopback socket that stands for the
 * datagram's simulated source (one per source, so the server sees one 5-tuple per simulated client), and injects
 * what the server answers on that socket back into the simulation, from the server's address to that source.
 *
 * <p>Only the server's own address and port is reachable through it: the relayed addresses the server hands out
 * share its IP, and a simulated host that sends to one directly (a check from a host or server-reflexive
 * candidate to a relayed one) is dropped here and counted, because the stand-in sockets are not the simulated
 * addresses. The real server reaches nothing simulated either: its peers may only be other relayed addresses on
 * loopback (the simulated public addresses are in the documentation ranges of RFC 5737, which its peer policy
 * refuses). So every byte stays on loopback.
 *
 * <p>TCP too, for TURN over TCP (RFC 8656 §3.1): the gateway accepts each simulated connection to the server's
 * address and port ({@link VirtualTcpConnection#accept}) and holds one real loopback TCP connection to the server's
 * TCP listener for it. What the simulated client writes goes to the real connection; what the server writes is cut
 * into frames ({@link StreamFrameReader}, RFC 8656 §12.5) and each frame written back on the simulated connection.
 *
 * <p>Real time and simulated time meet here. No threads: the simulation's own thread {@link #poll polls} the
 * stand-in sockets and connections. Each datagram or frame sent to the server is expected to bring one back (an
 * answer, or relayed data towards another stand-in); while some are outstanding, and for at most
 * {@link #ANSWER_DEADLINE} of real time after the last one was sent, the gateway is {@link #awaiting()} and the
 * driver waits for them rather than jump simulated time ahead.
 */
final class TurnGateway implements NetworkNode, AutoCloseable {
    /** How long real time an answer may take before the gateway stops waiting for it (a dropped Send, say). */
    static final Duration ANSWER_DEADLINE = Duration.ofMillis(200);
    private static final int MAX_DATAGRAM = 65_535;

    private final Router internet;
    private final InetSocketAddress server;
    private final InetSocketAddress tcpServer;
    private final Selector selector;
    private final Map<InetSocketAddress, DatagramChannel> standIns = new HashMap<>();
    /** The simulated connections to the server, by their simulated client's address. */
    private final Map<InetSocketAddress, ServerConnection> connections = new HashMap<>();
    private final ByteBuffer buffer = ByteBuffer.allocate(MAX_DATAGRAM);
    private int outstanding;
    private long lastSentNanos;
    private long notForTheServer;

    /**
     * @param server    the server's UDP address, on loopback: also its address on the simulated internet
     * @param tcpServer its TCP listener, on the same IP and port (RFC 8656 §3.1 gives TURN over UDP and TCP one)
     */
    TurnGateway(Router internet, InetSocketAddress server, InetSocketAddress tcpServer) {
        if (!server.getAddress().isLoopbackAddress() || !tcpServer.equals(server)) {
            throw new IllegalArgumentException("the gateway talks to one loopback address, not " + server + " and "
                    + tcpServer);
        }
        this.internet = internet;
        this.server = server;
        this.tcpServer = tcpServer;
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        internet.attach(server.getAddress(), this);
    }

    @Override
    public void receive(Datagram datagram) {
        if (!datagram.destination().equals(server)) {
            notForTheServer++;
            return;
        }
        try {
            if (datagram.isTcp()) {
                receiveSegment(datagram);
            } else {
                standIn(datagram.source()).send(ByteBuffer.wrap(datagram.payload()), server);
                sent();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A SYN opens a real connection to the server; a further segment goes to its simulated connection. */
    private void receiveSegment(Datagram segment) throws IOException {
        ServerConnection connection = connections.get(segment.source());
        if (connection != null) {
            connection.simulated.receive(segment);
        } else if (segment.tcp().kind() == TcpHeader.Kind.SYN) {
            connection = new ServerConnection(VirtualTcpConnection.accept(internet, segment));
            connections.put(segment.source(), connection);
        } else {
            notForTheServer++;
        }
    }

    private void sent() {
        outstanding++;
        lastSentNanos = System.nanoTime();
    }

    /** An answer (or relayed data) came from the server. */
    private void answered() {
        outstanding = Math.max(0, outstanding - 1);
    }

    /** Whether the server owes answers, sent less than {@link #ANSWER_DEADLINE} of real time ago. */
    boolean awaiting() {
        if (outstanding > 0 && System.nanoTime() - lastSentNanos > ANSWER_DEADLINE.toNanos()) {
            outstanding = 0;
        }
        return outstanding > 0;
    }

    /** The real time left before the gateway gives up waiting, in nanoseconds (0 when not awaiting). */
    long deadlineNanos() {
        return awaiting() ? Math.max(0, lastSentNanos + ANSWER_DEADLINE.toNanos() - System.nanoTime()) : 0;
    }

    /**
     * Injects every datagram the server has sent to the stand-ins, at the simulation's current time; when none
     * has come, waits up to {@code maxWaitNanos} of real time for the first. Returns the real time it took.
     */
    long poll(long maxWaitNanos) {
        long start = System.nanoTime();
        try {
            long millis = (maxWaitNanos + 999_999) / 1_000_000;   // select's unit; a short wait rounds up
            int ready = millis > 0 ? selector.select(millis) : selector.selectNow();
            if (ready > 0) {
                for (SelectionKey key : selector.selectedKeys()) {
                    if (key.attachment() instanceof ServerConnection connection) {
                        connection.drain();
                    } else {
                        drain((DatagramChannel) key.channel(), (InetSocketAddress) key.attachment());
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return System.nanoTime() - start;
    }

    /** Datagrams sent to a relayed address from a simulated host, which the gateway cannot carry. */
    long notForTheServer() {
        return notForTheServer;
    }

    private void drain(DatagramChannel channel, InetSocketAddress simulatedAddress) throws IOException {
        for (SocketAddress from = channel.receive(buffer); from != null; from = channel.receive(buffer)) {
            buffer.flip();
            byte[] payload = Arrays.copyOf(buffer.array(), buffer.limit());
            buffer.clear();
            if (from.equals(server)) {
                answered();
                internet.inject(new Datagram(server, simulatedAddress, payload));
            }
        }
    }

    private DatagramChannel standIn(InetSocketAddress simulatedSource) throws IOException {
        DatagramChannel channel = standIns.get(simulatedSource);
        if (channel == null) {
            channel = DatagramChannel.open();
            channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ, simulatedSource);
            standIns.put(simulatedSource, channel);
        }
        return channel;
    }

    @Override
    public void close() throws IOException {
        for (DatagramChannel channel : standIns.values()) {
            channel.close();
        }
        for (ServerConnection connection : connections.values()) {
            connection.real.close();
        }
        selector.close();
    }

    /** A simulated client's connection to the server and the real one that stands for it. */
    private final class ServerConnection {
        /** A frame is at most 64 KiB; a loopback socket's send buffer takes it in a few writes. */
        private static final int MAX_WRITES = 64;

        final VirtualTcpConnection simulated;
        final SocketChannel real;
        final StreamFrameReader frames = new StreamFrameReader();

        ServerConnection(VirtualTcpConnection simulated) throws IOException {
            this.simulated = simulated;
            this.real = SocketChannel.open(tcpServer);
            real.configureBlocking(false);
            real.register(selector, SelectionKey.OP_READ, this);
            simulated.onReceive((connection, bytes, nowNanos) -> write(bytes));
        }

        private void write(byte[] bytes) {
            ByteBuffer out = ByteBuffer.wrap(bytes);
            try {
                for (int writes = 0; out.hasRemaining() && writes < MAX_WRITES; writes++) {
                    real.write(out);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (out.hasRemaining()) {
                throw new IllegalStateException("the server took " + out.position() + " of " + bytes.length
                        + " bytes on " + real);
            }
            sent();
        }

        /**
         * Writes each whole frame the server sent back on the simulated connection; closes the real one when the
         * server has closed it (the simulated one stays open: closing is not simulated).
         */
        void drain() throws IOException {
            int read;
            for (read = real.read(buffer); read > 0; read = real.read(buffer)) {
                buffer.flip();
                frames.append(buffer.array(), 0, buffer.limit());
                buffer.clear();
                for (ByteBuf frame = frames.next(); frame != null; frame = frames.next()) {
                    answered();
                    simulated.write(ByteBufUtil.getBytes(frame));
                }
            }
            if (read < 0) {
                real.close();
            }
        }
    }
}
