package io.turnkit.perf.relay;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
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
import io.turnkit.server.auth.AuthRateLimiter;
import io.turnkit.server.auth.AuthSettings;
import io.turnkit.server.auth.Authenticator;
import io.turnkit.server.auth.NonceService;
import io.turnkit.server.config.ServerConfig;
import io.turnkit.server.link.ClientLink;
import io.turnkit.server.metrics.Counters;
import io.turnkit.server.metrics.ServerCounters;
import io.turnkit.server.protocol.AllocateRedirect;
import io.turnkit.server.protocol.AllocationAdmission;
import io.turnkit.server.protocol.LiveSettings;
import io.turnkit.server.protocol.RefusalLog;
import io.turnkit.server.protocol.ResponseOrigins;
import io.turnkit.server.protocol.TurnProtocol;
import io.turnkit.server.protocol.TurnServices;
import io.turnkit.server.protocol.TurnSettings;
import io.turnkit.server.relay.BoundRelay;
import io.turnkit.server.relay.PeerDataHandler;
import io.turnkit.server.relay.Relay;
import io.turnkit.server.relay.RelayAddresses;
import io.turnkit.server.relay.RelayAllocation;
import io.turnkit.server.relay.RelayResources;
import io.turnkit.server.transport.ChannelDataHeadroom;
import io.turnkit.server.transport.DatagramReceiver;
import io.turnkit.server.transport.NettyUdpSocket;
import io.turnkit.server.transport.Transports;
import io.turnkit.store.FiveTuple;
import io.turnkit.store.Quotas;
import io.turnkit.store.RelayPortPool;
import io.turnkit.store.Reservations;
import io.turnkit.store.TransportProtocol;
import io.turnkit.store.credential.InMemoryCredentialStore;
import io.turnkit.stun.ChannelData;
import io.turnkit.stun.StunValidation;

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

    private TurnServices server;
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
        public void relay(Relay from, ByteBuf payload, InetSocketAddress peer) {
            frames += payload.readableBytes();
            payload.release();
        }
    }

    @Setup
    public void setUp() {
        ServerConfig config = ServerConfig.builder().listeners(ls -> ls.addListeningIp(InetAddress.getLoopbackAddress()))
                .auth(au -> au.realm("bench")).peers(pe -> pe.allowLoopbackPeers(true)).build();
        server = services(config);
        relayChannel = new EmbeddedChannel();
        link = new DiscardingLink(relayChannel.eventLoop());
        long now = System.nanoTime();
        RelayAllocation allocation = new RelayAllocation(FiveTuple.of(TransportProtocol.UDP, client, local), "bench",
                "bench", relayed, link, TimeUnit.HOURS.toNanos(1), now, TimeUnit.HOURS.toNanos(1),
                TimeUnit.HOURS.toNanos(1), 0);
        peerHandler = new PeerDataHandler(server.counters(), allocation);
        server.relays().relayThrough(allocation,
                List.of(new BoundRelay(relayed, new NettyUdpSocket(relayChannel), peerHandler)));
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
    }

    /** The server's shared parts as a server with {@code config} has them, built through their public types. */
    private static TurnServices services(ServerConfig config) {
        Clock clock = Clock.systemUTC();
        AuthSettings auth = AuthSettings.longTerm(config.auth().realm());
        InMemoryCredentialStore users = new InMemoryCredentialStore();
        Authenticator authenticator = new Authenticator(auth, users,
                new NonceService(NonceService.randomSecret(), config.auth().staleNonce().toSeconds(), clock), new AuthRateLimiter(),
                clock);
        RelayPortPool ports = new RelayPortPool(config.relay().minPort(), config.relay().maxPort());
        ServerCounters counters = new ServerCounters();
        return new TurnServices(new LiveSettings(new TurnSettings(config.auth().realm(), null,
                config.limits().maxAllocateLifetime().toSeconds(), config.limits().permissionLifetime().toSeconds(),
                config.limits().channelLifetime().toSeconds(), 0, true, true, config.peers().policy())), new AllocationAdmission(),
                authenticator,
                new RelayResources(Transports.best(), ports, new Reservations(ports, Reservations.DEFAULT_HOLD_NANOS),
                        new Quotas(config.limits().userQuota(), config.limits().totalQuota()), counters),
                new RelayAddresses(config.relay().relayIps(), config.listeners().listeningIps(), config.relay().externalIps(),
                        config.relay().allocationDefaultAddressFamily()), counters,
                new Counters<>(StunValidation.class), new RefusalLog(System::nanoTime), AllocateRedirect.NONE,
                ResponseOrigins.NONE);
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
