package io.turnkit.server.transport.nativeudp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.ResourceLeakDetector;
import io.turnkit.server.HeldEventLoops;
import io.turnkit.server.metrics.ServerCounter;
import io.turnkit.server.metrics.ServerCounters;
import io.turnkit.server.transport.BufferOrigin;
import io.turnkit.server.transport.ChannelDataHeadroom;
import io.turnkit.server.transport.DatagramReceiver;
import io.turnkit.server.transport.Transports;
import io.turnkit.server.transport.UdpSocket;

/** Our recvmmsg/sendmmsg socket on an epoll event loop, against plain java.net sockets on loopback. */
class NativeDatagramSocketTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final int TIMEOUT_MS = 5_000;
    /** Bytes the loop thread may allocate per echoed datagram: none but the noise of the loop itself. */
    private static final long MAX_BYTES_PER_DATAGRAM = 16;

    private static MultiThreadIoEventLoopGroup group;
    private static IoEventLoop loop;
    private final List<UdpSocket> sockets = new ArrayList<>();
    private final List<DatagramSocket> peers = new ArrayList<>();
    private final ServerCounters counters = new ServerCounters();

    @BeforeAll
    static void startLoop() {
        assumeTrue(NativeDatagramLibrary.isAvailable(), () -> "native UDP: " + NativeDatagramLibrary.unavailabilityReason());
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        loop = group.next();
    }

    @AfterAll
    static void stopLoop() {
        if (group != null) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @AfterEach
    void close() throws Exception {
        for (UdpSocket socket : sockets) {
            socket.close().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
        peers.forEach(DatagramSocket::close);
    }

    @Test
    void shouldHandUpDatagramsByteExactInOrderWithTheirSender() throws Exception {
        Recording received = new Recording();
        UdpSocket socket = bind(LOOPBACK, received);
        DatagramSocket peer = peer(LOOPBACK);
        for (int i = 0; i < 20; i++) {
            send(peer, payload(i, 100 + i * 37), socket.localAddress());
        }
        InetSocketAddress first = null;
        for (int i = 0; i < 20; i++) {
            Datagram datagram = received.next();
            assertArrayEquals(payload(i, 100 + i * 37), datagram.bytes, "datagram " + i);
            assertEquals(peer.getLocalSocketAddress(), datagram.sender);
            if (first == null) {
                first = datagram.sender;
            }
            assertSame(first, datagram.sender, "one sender, one address object");
        }
    }

    @Test
    void shouldReadABurstInBatches() throws Exception {
        Recording received = new Recording();
        UdpSocket socket = bind(LOOPBACK, received);
        DatagramSocket peer = peer(LOOPBACK);
        HeldEventLoops held = new HeldEventLoops(group);
        try {
            for (int i = 0; i < 64; i++) {
                send(peer, payload(i, 200), socket.localAddress());
            }
        } finally {
            held.release();
        }
        for (int i = 0; i < 64; i++) {
            assertArrayEquals(payload(i, 200), received.next().bytes, "datagram " + i);
        }
        assertTrue(received.readCompletes.get() < 64 / Transports.DATAGRAMS_PER_READ,
                "64 datagrams waiting were read in " + received.readCompletes.get() + " batches");
    }

    @Test
    void shouldLeaveTheFourBytesInFrontOfEachDatagramFree() throws Exception {
        List<ByteBuf> frames = new ArrayList<>();
        BlockingQueue<byte[]> expected = new LinkedBlockingQueue<>();
        AtomicInteger channel = new AtomicInteger(0x4000);
        DatagramReceiver framing = new DatagramReceiver() {
            @Override
            public void datagram(ByteBuf data, InetSocketAddress sender) {
                frames.add(ChannelDataHeadroom.frameInPlace(data, BufferOrigin.of(data), channel.getAndIncrement()));
            }

            @Override
            public void readComplete() {
                expected.add(new byte[0]);
            }
        };
        UdpSocket socket = bind(LOOPBACK, framing);
        DatagramSocket peer = peer(LOOPBACK);
        // The largest datagrams leave the fewest free bytes behind them: the 4 bytes in front of the next.
        int[] sizes = {65_507, 1, 65_507, 65_507, 0, 300, 65_507, 65_507};
        HeldEventLoops held = new HeldEventLoops(group);
        try {
            for (int i = 0; i < sizes.length; i++) {
                send(peer, payload(i, sizes[i]), socket.localAddress());
            }
        } finally {
            held.release();
        }
        assertNotNull(expected.poll(TIMEOUT_MS, TimeUnit.MILLISECONDS), "a batch was read");
        List<ByteBuf> made = loop.submit(() -> new ArrayList<>(frames)).get();
        assertEquals(sizes.length, made.size(), "all eight in one batch");
        for (int i = 0; i < sizes.length; i++) {
            ByteBuf frame = made.get(i);
            assertNotNull(frame, "a frame in place for datagram " + i);
            assertEquals(0x4000 + i, frame.getUnsignedShort(0));
            assertEquals(sizes[i], frame.getUnsignedShort(2));
            assertArrayEquals(payload(i, sizes[i]), ByteBufUtil.getBytes(frame, 4, sizes[i]), "datagram " + i);
            frame.release();
        }
    }

    @Test
    void shouldSendFromItsPortOnFlush() throws Exception {
        UdpSocket socket = bind(LOOPBACK, new Recording());
        DatagramSocket peer = peer(LOOPBACK);
        ByteBuf first = direct(payload(1, 500));
        ByteBuf second = direct(payload(2, 40));
        onLoop(() -> {
            socket.write(first, (InetSocketAddress) peer.getLocalSocketAddress());
            socket.write(second, (InetSocketAddress) peer.getLocalSocketAddress());
            socket.flush();
        });
        DatagramPacket packet = receive(peer);
        assertArrayEquals(payload(1, 500), Arrays.copyOf(packet.getData(), packet.getLength()));
        assertEquals(socket.localAddress(), packet.getSocketAddress());
        packet = receive(peer);
        assertArrayEquals(payload(2, 40), Arrays.copyOf(packet.getData(), packet.getLength()));
        assertEquals(0, first.refCnt(), "released once sent");
        assertEquals(0, second.refCnt(), "released once sent");
    }

    @Test
    void shouldSendSegmentsAsSeparateDatagrams() throws Exception {
        assumeTrue(Transports.best().udpSegmentation(), "UDP GSO");
        UdpSocket socket = bind(LOOPBACK, new Recording());
        DatagramSocket peer = peer(LOOPBACK);
        ByteBuf run = Transports.ALLOCATOR.directBuffer();
        for (int i = 0; i < 5; i++) {
            run.writeBytes(payload(i, i < 4 ? 1200 : 700));
        }
        onLoop(() -> {
            socket.writeSegments(run, 1200, (InetSocketAddress) peer.getLocalSocketAddress());
            socket.flush();
        });
        for (int i = 0; i < 5; i++) {
            DatagramPacket packet = receive(peer);
            assertArrayEquals(payload(i, i < 4 ? 1200 : 700), Arrays.copyOf(packet.getData(), packet.getLength()), "segment " + i);
        }
        assertEquals(0, run.refCnt());
    }

    @Test
    void shouldExchangeDatagramsWithAnIpv6Peer() throws Exception {
        InetAddress ipv6Loopback = InetAddress.getByName("::1");
        assumeTrue(hasIpv6Loopback(ipv6Loopback), "no IPv6 loopback");
        DatagramSocket peer = peer(ipv6Loopback);
        Recording received = new Recording();
        UdpSocket socket = bind(ipv6Loopback, received);
        send(peer, payload(6, 60), socket.localAddress());
        Datagram datagram = received.next();
        assertArrayEquals(payload(6, 60), datagram.bytes);
        assertEquals(peer.getLocalSocketAddress(), datagram.sender);
        onLoop(() -> {
            socket.write(direct(payload(7, 70)), datagram.sender);
            socket.flush();
        });
        DatagramPacket packet = receive(peer);
        assertArrayEquals(payload(7, 70), Arrays.copyOf(packet.getData(), packet.getLength()));
        assertEquals(socket.localAddress().getPort(), packet.getPort());
    }

    @Test
    void shouldReportAnIpv4BindAsIpv4() throws Exception {
        UdpSocket socket = bind(LOOPBACK, new Recording());
        assertTrue(socket.localAddress().getAddress() instanceof Inet4Address, socket.localAddress().toString());
        assertEquals(LOOPBACK, socket.localAddress().getAddress());
    }

    @Test
    void shouldFailToBindATakenPortWithTheSystemsReason() throws Exception {
        DatagramSocket taken = peer(LOOPBACK);
        IOException failure = assertThrows(IOException.class, () -> NativeDatagramSocket.bind(loop,
                (InetSocketAddress) taken.getLocalSocketAddress(), false, 1 << 16, new Recording(), counters));
        assertTrue(failure.getMessage().contains("Address already in use"), failure.getMessage());
    }

    @Test
    void shouldDropWhatTheKernelRefusesAndSendTheRest() throws Exception {
        UdpSocket socket = bind(LOOPBACK, new Recording());
        DatagramSocket peer = peer(LOOPBACK);
        ByteBuf refused = direct(payload(1, 10));
        onLoop(() -> {
            // An IPv6 destination from an IPv4 socket.
            socket.write(refused, new InetSocketAddress(InetAddress.getByName("::1"), 9));
            socket.write(direct(payload(2, 20)), (InetSocketAddress) peer.getLocalSocketAddress());
            socket.flush();
        });
        DatagramPacket packet = receive(peer);
        assertArrayEquals(payload(2, 20), Arrays.copyOf(packet.getData(), packet.getLength()));
        assertEquals(0, refused.refCnt());
        assertEquals(1, loop.submit(() -> counters.get(ServerCounter.SEND_ERRORS)).get());
        assertTrue(loop.submit(() -> !socket.backlogged()).get());
    }

    @Test
    void shouldReleaseWhatItQueuedWhenClosed() throws Exception {
        Recording received = new Recording();
        UdpSocket socket = NativeDatagramSocket.bind(loop, new InetSocketAddress(LOOPBACK, 0), false,
                1 << 16, received, counters).get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        List<ByteBuf> queued = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            queued.add(direct(payload(i, 100)));
        }
        onLoop(() -> queued.forEach(b -> socket.write(b, new InetSocketAddress(LOOPBACK, 9))));
        socket.close().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        for (ByteBuf buffer : queued) {
            assertEquals(0, buffer.refCnt(), "a queued datagram was released");
        }
        assertTrue(socket.close().isSuccess(), "closing again is a no-op");
        ByteBuf late = direct(payload(0, 10));
        onLoop(() -> socket.write(late, new InetSocketAddress(LOOPBACK, 9)));
        assertEquals(0, late.refCnt(), "a write after close is released");
        // The port is free again.
        bind(socket.localAddress(), new Recording());
    }

    @Test
    void shouldEchoWithoutAllocatingPerDatagram() throws Exception {
        echoWithoutAllocatingPerDatagram(LOOPBACK);
    }

    @Test
    void shouldEchoToAnIpv6PeerWithoutAllocatingPerDatagram() throws Exception {
        InetAddress ipv6Loopback = InetAddress.getByName("::1");
        assumeTrue(hasIpv6Loopback(ipv6Loopback), "no IPv6 loopback");
        echoWithoutAllocatingPerDatagram(ipv6Loopback);
    }

    private void echoWithoutAllocatingPerDatagram(InetAddress address) throws Exception {
        // As the server runs (ServeCommand): the leak detector's sampled traces are not the packet path's.
        ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        try {
            echoWithoutAllocatingPerDatagramOn(address);
        } finally {
            ResourceLeakDetector.setLevel(level);
        }
    }

    private void echoWithoutAllocatingPerDatagramOn(InetAddress address) throws Exception {
        Echo echo = new Echo();
        UdpSocket socket = bind(address, echo);
        echo.socket = socket;
        DatagramSocket peer = peer(address);
        long loopThread = loop.submit(() -> Thread.currentThread().getId()).get();
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        byte[] datagram = payload(3, 160);
        echo(peer, socket.localAddress(), datagram, 20_000);
        long before = threads.getThreadAllocatedBytes(loopThread);
        echo(peer, socket.localAddress(), datagram, 20_000);
        double perDatagram = (threads.getThreadAllocatedBytes(loopThread) - before) / 20_000.0;
        assertTrue(perDatagram < MAX_BYTES_PER_DATAGRAM,
                String.format("the event loop allocated %.2f B per datagram", perDatagram));
    }

    /** Sends {@code count} datagrams in windows of 50, each window echoed back before the next. */
    private static void echo(DatagramSocket peer, InetSocketAddress to, byte[] datagram, int count) throws IOException {
        DatagramPacket out = new DatagramPacket(datagram, datagram.length, to);
        DatagramPacket in = new DatagramPacket(new byte[2048], 2048);
        for (int sent = 0; sent < count; sent += 50) {
            for (int i = 0; i < 50; i++) {
                peer.send(out);
            }
            for (int i = 0; i < 50; i++) {
                peer.receive(in);
                assertEquals(datagram.length, in.getLength());
            }
        }
    }

    private UdpSocket bind(InetAddress address, DatagramReceiver receiver) throws Exception {
        return bind(new InetSocketAddress(address, 0), receiver);
    }

    private UdpSocket bind(InetSocketAddress local, DatagramReceiver receiver) throws Exception {
        UdpSocket socket = NativeDatagramSocket.bind(loop, local, false, 4 << 20, receiver, counters)
                .get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        sockets.add(socket);
        return socket;
    }

    private static boolean hasIpv6Loopback(InetAddress ipv6Loopback) {
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(ipv6Loopback, 0))) {
            return probe.isBound();
        } catch (IOException e) {
            return false;
        }
    }

    private DatagramSocket peer(InetAddress address) throws IOException {
        DatagramSocket peer = new DatagramSocket(new InetSocketAddress(address, 0));
        peer.setSoTimeout(TIMEOUT_MS);
        peer.setReceiveBufferSize(4 << 20);
        peers.add(peer);
        return peer;
    }

    private static void send(DatagramSocket peer, byte[] bytes, InetSocketAddress to) throws IOException {
        peer.send(new DatagramPacket(bytes, bytes.length, to));
    }

    private static DatagramPacket receive(DatagramSocket peer) throws IOException {
        DatagramPacket packet = new DatagramPacket(new byte[65_536], 65_536);
        try {
            peer.receive(packet);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("nothing arrived", e);
        }
        return packet;
    }

    /** {@code length} bytes that tell datagram {@code n} apart from the others, and from any shift of itself. */
    private static byte[] payload(int n, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (n * 31 + i * 7 + (i >> 8));
        }
        return bytes;
    }

    private static ByteBuf direct(byte[] bytes) {
        return Transports.ALLOCATOR.directBuffer(bytes.length).writeBytes(bytes);
    }

    private static void onLoop(ThrowingRunnable task) throws Exception {
        loop.submit(() -> {
            task.run();
            return null;
        }).get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    private record Datagram(byte[] bytes, InetSocketAddress sender) {
    }

    /** Copies out what it is handed, for the test thread to take. */
    private static final class Recording implements DatagramReceiver {
        private final BlockingQueue<Datagram> datagrams = new LinkedBlockingQueue<>();
        final AtomicInteger readCompletes = new AtomicInteger();

        @Override
        public void datagram(ByteBuf data, InetSocketAddress sender) {
            datagrams.add(new Datagram(ByteBufUtil.getBytes(data), sender));
        }

        @Override
        public void readComplete() {
            readCompletes.incrementAndGet();
        }

        Datagram next() throws InterruptedException {
            Datagram datagram = datagrams.poll(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            assertNotNull(datagram, "a datagram arrived");
            return datagram;
        }
    }

    /** Sends every datagram back to its sender, as a relay sends a slice of what it received. */
    private static final class Echo implements DatagramReceiver {
        volatile UdpSocket socket;

        @Override
        public void datagram(ByteBuf data, InetSocketAddress sender) {
            socket.write(data.retainedSlice(), sender);
        }

        @Override
        public void readComplete() {
            socket.flush();
        }
    }
}
