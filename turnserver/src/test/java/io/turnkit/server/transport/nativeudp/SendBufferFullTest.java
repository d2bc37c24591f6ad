package io.turnkit.server.transport.nativeudp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.turnkit.server.metrics.ServerCounter;
import io.turnkit.server.metrics.ServerCounters;
import io.turnkit.server.transport.DatagramReceiver;
import io.turnkit.server.transport.Transports;
import io.turnkit.server.transport.UdpSocket;

/**
 * Our socket when the kernel's send buffer is full (sendmmsg's EAGAIN): what it cannot send yet waits for
 * EPOLLOUT and is all sent then, and what would overflow its queue is dropped and counted. Loopback hands a
 * datagram to its receiver at once, so its send buffer never fills; the probe runs in a network namespace of
 * its own whose loopback sends through a rate-limiting queue (tc's tbf), where a send buffer of a few
 * datagrams does fill.
 */
class SendBufferFullTest {
    private static final long TIMEOUT_MS = 30_000;
    /** The namespace's loopback: slow enough that a burst waits, fast enough that the test takes a second. */
    private static final String SLOW_LOOPBACK = "ip link set lo up && tc qdisc add dev lo root tbf rate 20mbit burst 3000 latency 5s";

    @BeforeAll
    static void needTheLibraryAndANamespace() throws Exception {
        assumeTrue(NativeDatagramLibrary.isAvailable(), () -> "native UDP: " + NativeDatagramLibrary.unavailabilityReason());
        for (String tool : new String[] {"unshare", "tc", "ip"}) {
            assertTrue(onPath(tool), tool + " is not installed: this test needs the Debian packages util-linux and iproute2");
        }
        Process probe = new ProcessBuilder("unshare", "--user", "--map-root-user", "--net", "--", "sh", "-c", SLOW_LOOPBACK)
                .redirectErrorStream(true).start();
        String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assumeTrue(probe.waitFor(TIMEOUT_MS, TimeUnit.MILLISECONDS) && probe.exitValue() == 0,
                () -> "this machine does not let us make a network namespace: " + output.strip());
    }

    @Test
    void shouldSendAllThatWaitedForRoomOnceTheKernelTakesIt() throws Exception {
        Probed probed = probe(600);
        probed.expect("backlogged", 1, "the socket waited for room after its flush");
        probed.expect("received", 600, "every datagram arrived");
        probed.expect("duplicates", 0, "each arrived once");
        probed.expect("dropped", 0, "none was dropped");
        probed.expect("backloggedAfter", 0, "EPOLLOUT is no longer asked for once the queue is empty");
        probed.expect("unreleased", 0, "every datagram was released once sent");
    }

    @Test
    void shouldDropAndCountWhatWouldOverflowTheQueue() throws Exception {
        int datagrams = DatagramSendQueue.MAX_SENDS + 400;
        Probed probed = probe(datagrams);
        long dropped = probed.facts.get("dropped");
        assertTrue(dropped > 0, "some of " + datagrams + " datagrams could neither be sent nor queued:\n" + probed.output);
        assertEquals(datagrams, probed.facts.get("received") + dropped, "each datagram was sent or counted:\n" + probed.output);
        probed.expect("duplicates", 0, "each arrived once");
        probed.expect("missingOfTheFirstQueued", 0, "what the queue held when it filled was all sent, later writes dropped");
        probed.expect("backloggedAfter", 0, "EPOLLOUT is no longer asked for once the queue is empty");
        probed.expect("unreleased", 0, "every datagram was released, sent or dropped");
    }

    /** What the probe printed, and the facts in it. */
    private record Probed(Map<String, Long> facts, String output) {
        void expect(String fact, long value, String meaning) {
            assertEquals(value, facts.get(fact), meaning + " (" + fact + "):\n" + output);
        }
    }

    /** Runs {@link Probe} in a namespace with a slow loopback and returns what it printed. */
    private static Probed probe(int datagrams) throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process process = new ProcessBuilder("unshare", "--user", "--map-root-user", "--net", "--",
                "sh", "-c", SLOW_LOOPBACK + " && exec \"$0\" \"$@\"",
                java, "-cp", System.getProperty("java.class.path"), Probe.class.getName(), Integer.toString(datagrams))
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(TIMEOUT_MS, TimeUnit.MILLISECONDS), "the probe finished");
        assertEquals(0, process.exitValue(), output);
        Map<String, Long> facts = new HashMap<>();
        for (String line : output.split("\n")) {
            int equals = line.indexOf('=');
            if (line.startsWith("fact ") && equals > 0) {
                facts.put(line.substring(5, equals), Long.parseLong(line.substring(equals + 1).strip()));
            }
        }
        for (String fact : new String[] {"backlogged", "received", "duplicates", "missingOfTheFirstQueued", "dropped", "backloggedAfter", "unreleased"}) {
            assertTrue(facts.containsKey(fact), "the probe told " + fact + ":\n" + output);
        }
        return new Probed(facts, output);
    }

    private static boolean onPath(String tool) {
        for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (new File(directory, tool).canExecute()) {
                return true;
            }
        }
        return false;
    }

    /**
     * In the namespace: a burst of numbered datagrams written and flushed at once from a socket with the smallest
     * send buffer, to a plain socket that reads them all. Prints what it saw as "fact name=value" lines.
     */
    static final class Probe {
        public static void main(String[] args) throws Exception {
            int datagrams = Integer.parseInt(args[0]);
            if (!NativeDatagramLibrary.isAvailable()) {
                throw new IllegalStateException("native UDP: " + NativeDatagramLibrary.unavailabilityReason());
            }
            MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
            try (DatagramSocket peer = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                peer.setReceiveBufferSize(8 << 20);
                peer.setSoTimeout(2_000);
                Reader reader = new Reader(peer, datagrams);
                reader.start();
                IoEventLoop loop = group.next();
                ServerCounters counters = new ServerCounters();
                // The kernel raises a send buffer this small to its minimum, room for a few datagrams.
                UdpSocket socket = NativeDatagramSocket.bind(loop, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                        false, 1, new DatagramReceiver() {
                            @Override
                            public void datagram(ByteBuf data, InetSocketAddress sender) {
                            }

                            @Override
                            public void readComplete() {
                            }
                        }, counters).get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
                InetSocketAddress to = (InetSocketAddress) peer.getLocalSocketAddress();
                List<ByteBuf> sent = new ArrayList<>();
                boolean backlogged = loop.submit(() -> {
                    for (int i = 0; i < datagrams; i++) {
                        ByteBuf datagram = Transports.ALLOCATOR.directBuffer(1000).writeInt(i).writeZero(996);
                        sent.add(datagram.retain());
                        socket.write(datagram, to);
                    }
                    socket.flush();
                    return socket.backlogged();
                }).get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
                long dropped = loop.submit(() -> counters.get(ServerCounter.SEND_BUFFER_FULL)).get();
                reader.awaitAll(datagrams - (int) dropped);
                boolean backloggedAfter = loop.submit(socket::backlogged).get();
                long unreleased = sent.stream().filter(b -> b.refCnt() != 1).count();
                sent.forEach(ByteBuf::release);
                socket.close().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
                reader.join(TIMEOUT_MS);
                fact("backlogged", backlogged ? 1 : 0);
                fact("received", reader.numbers.cardinality());
                fact("duplicates", reader.duplicates);
                fact("missingOfTheFirstQueued", Math.min(datagrams, DatagramSendQueue.MAX_SENDS)
                        - reader.numbers.get(0, DatagramSendQueue.MAX_SENDS).cardinality());
                fact("dropped", dropped);
                fact("backloggedAfter", backloggedAfter ? 1 : 0);
                fact("unreleased", unreleased);
            } finally {
                group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
            }
        }

        private static void fact(String name, long value) {
            System.out.println("fact " + name + "=" + value);
        }
    }

    /**
     * Reads numbered datagrams until a quiet spell, noting which numbers came. Not their order: datagrams the
     * queueing discipline releases on two CPUs at once may be delivered out of order, as UDP allows.
     */
    private static final class Reader extends Thread {
        private final DatagramSocket peer;
        private final int expected;
        private final Semaphore arrivals = new Semaphore(0);
        /** Read by the probe once this thread has ended. */
        final BitSet numbers = new BitSet();
        int duplicates;

        Reader(DatagramSocket peer, int expected) {
            this.peer = peer;
            this.expected = expected;
            setDaemon(true);
        }

        @Override
        public void run() {
            DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
            try {
                for (int read = 0; read < expected; read++) {
                    peer.receive(packet);
                    int number = ByteBuffer.wrap(packet.getData(), 0, 4).getInt();
                    if (numbers.get(number) || packet.getLength() != 1000) {
                        duplicates++;
                    }
                    numbers.set(number);
                    arrivals.release();
                }
            } catch (SocketTimeoutException e) {
                // Quiet for two seconds: what was dropped is not coming.
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Waits until {@code count} datagrams arrived, at most {@link #TIMEOUT_MS}. */
        void awaitAll(int count) throws InterruptedException {
            arrivals.tryAcquire(count, TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
    }
}
