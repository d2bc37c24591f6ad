package io.turnkit.server;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.turnkit.server.config.ServerConfig;
import io.turnkit.store.FiveTuple;
import io.turnkit.store.TransportProtocol;
import io.turnkit.stun.ChannelData;

/**
 * The server's own share of relaying one packet, without the sockets: ChannelData from a client to the
 * datagram queued for its peer (demux, 5-tuple lookup, channel lookup, payload slice, bandwidth check),
 * and a datagram from a peer to the ChannelData frame queued for the client (permission, channel lookup,
 * 4-byte header written in front of the data). The peer datagram lies in a receive buffer laid out by
 * ChannelDataHeadroom and is handed over as the sockets hand it to their {@link DatagramReceiver}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RelayPathBenchmark {
    private static final int PAYLOAD = 1200;
    private static final int CHANNEL = 0x4001;

    private final InetSocketAddress client = new InetSocketAddress(InetAddress.getLoopbackAddress(), 50_000);
    private final InetSocketAddress local = new InetSocketAddress(InetAddress.getLoopbackAddress(), 3478);
    private final InetSocketAddress relayed = new InetSocketAddress(InetAddress.getLoopbackAddress(), 49_200);
    private final InetSocketAddress peer = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40_000);

    private ServerContext server;
    private EmbeddedChannel relayChannel;
    private DiscardingLink link;
    private TurnProtocol protocol;
    private PeerDataHandler peerHandler;
    private ByteBuf fromClient;
    private ByteBuf fromPeer;

    /** A client link that drops what it is asked to send, so only the server's own work is measured. */
    private static final class DiscardingLink implements ClientLink {
        private final EventLoop loop;
        private RelayAllocation allocation;
        long frames;

        DiscardingLink(EventLoop loop) {
            this.loop = loop;
        }

        @Override
        public TransportProtocol transport() {
            return TransportProtocol.UDP;
        }

        @Override
        public InetSocketAddress localAddress() {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), 3478);
        }

        @Override
        public EventLoop eventLoop() {
            return loop;
        }

        @Override
        public RelayAllocation allocation(InetSocketAddress address) {
            return allocation;
        }

        @Override
        public void add(RelayAllocation added) {
            allocation = added;
        }

        @Override
        public void remove(RelayAllocation removed) {
            allocation = null;
        }

        @Override
        public void write(ByteBuf frame, InetSocketAddress to) {
            frames += frame.readableBytes();
            frame.release();
        }

        @Override
        public void flush() {
        }

        @Override
        public boolean admitFramesInPlace(int bufferBytes) {
            return true;
        }

        @Override
        public void relay(RelayAllocation to, ByteBuf payload, InetSocketAddress peer) {
            frames += payload.readableBytes();
            payload.release();
        }
    }

    @Setup
    public void setUp() {
        ServerConfig config = ServerConfig.builder().addListeningIp(InetAddress.getLoopbackAddress())
                .realm("bench").ltCredMech(true).user("bench", "bench").allowLoopbackPeers(true).build();
        server = ServerContexts.create(config, Transports.best(), Limits.DEFAULT);
        relayChannel = new EmbeddedChannel();
        link = new DiscardingLink(relayChannel.eventLoop());
        long now = System.nanoTime();
        RelayAllocation allocation = new RelayAllocation(FiveTuple.of(TransportProtocol.UDP, client, local), "bench",
                "bench", relayed, relayed.getPort(), link, TimeUnit.HOURS.toNanos(1), now, TimeUnit.HOURS.toNanos(1),
                TimeUnit.HOURS.toNanos(1), 0);
        peerHandler = new PeerDataHandler(server, allocation);
        UdpSocket relaySocket = new NettyUdpSocket(relayChannel);
        allocation.relayThrough(relaySocket, new DatagramBurst(relaySocket, false, server.counters,
                ServerCounter.GSO_BURSTS_TO_PEER), peerHandler);
        allocation.bindChannel(CHANNEL, peer, now);
        link.add(allocation);
        protocol = new TurnProtocol(server, link);

        fromClient = Transports.ALLOCATOR.directBuffer(ChannelData.HEADER_LENGTH + PAYLOAD);
        ChannelData.writeHeader(fromClient, CHANNEL, PAYLOAD);
        fromClient.writeZero(PAYLOAD);
        @SuppressWarnings("deprecation")
        ByteBuf received = new ChannelDataHeadroom(PAYLOAD, 1).newHandle().allocate(Transports.ALLOCATOR);
        fromPeer = received.writeZero(PAYLOAD);
    }

    @TearDown
    public void tearDown() {
        fromClient.release();
        fromPeer.release();
        relayChannel.finishAndReleaseAll();
        server.close();
    }

    @Benchmark
    public long channelDataToPeer() {
        protocol.onFrame(fromClient, client);
        return link.frames;
    }

    @Benchmark
    public long peerDatagramToChannelData() {
        peerHandler.datagram(fromPeer, peer);
        peerHandler.readComplete();
        return link.frames;
    }
}
