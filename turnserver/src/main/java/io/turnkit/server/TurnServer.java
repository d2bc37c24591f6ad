package io.turnkit.server;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.Future;
import io.turnkit.server.admin.AdminServer;
import io.turnkit.server.config.Limits;
import io.turnkit.server.config.ServerConfig;
import io.turnkit.server.link.TcpClientLink;
import io.turnkit.server.link.UdpClientLink;
import io.turnkit.server.metrics.ServerCounters;
import io.turnkit.server.transport.BindFailure;
import io.turnkit.server.transport.StreamFrameDecoder;
import io.turnkit.server.transport.TransportAddresses;
import io.turnkit.server.transport.Transports;
import io.turnkit.server.transport.UdpPortClaim;
import io.turnkit.server.transport.UdpSocket;
import io.turnkit.server.transport.dtls.DtlsHandshakes;
import io.turnkit.server.transport.proxy.ProxyHeaderReader;
import io.turnkit.server.transport.tls.ServerCertificate;
import io.turnkit.server.transport.tls.StreamDemultiplexer;
import io.turnkit.stun.StunValidation;

/** A running TURN server (RFC 8656): its listeners, relays and timers. */
public final class TurnServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TurnServer.class);
    /** Outbound bytes a TCP client may leave unread before relayed data to it is dropped. */
    private static final WriteBufferWaterMark TCP_WATER_MARK = new WriteBufferWaterMark(256 * 1024, 1024 * 1024);

    private static final int CLOSE_WAIT_SECONDS = 2;
    private static final int ANY_PORT_ATTEMPTS = 5;
    /** How often the certificate files are checked for a renewal. */
    private static final int CERTIFICATE_POLL_SECONDS = 2;
    /** How long a DTLS cookie secret is used (RFC 6347 §4.2.1: change it often). */
    private static final int COOKIE_SECRET_MINUTES = 10;

    private final EventLoopGroup group;
    private final ServerContext context;
    private final Listeners listeners;
    private final ServerCertificate certificate;
    private final ServerOperations operations;
    /** Null with no-dtls. */
    private final DtlsHandshakes dtls;
    /** The Prometheus endpoint, or null without {@code prometheus}. */
    private final ServerMetrics metrics;
    private AdminServer admin;
    private volatile String closeReason;

    private TurnServer(ServerConfig config, EventLoopGroup group, ServerContext context, Listeners listeners,
            ServerCertificate certificate, DtlsHandshakes dtls, ServerMetrics metrics, Clock clock) {
        this.group = group;
        this.context = context;
        this.listeners = listeners;
        this.certificate = certificate;
        this.dtls = dtls;
        this.metrics = metrics;
        this.operations = new ServerOperations(config, group, context, this::listenerNames, this::turnAddresses,
                this::closeBecause, clock);
    }

    /**
     * The sockets clients reach the server on: on the listening port, and on the TLS port (TCP for TLS, UDP for
     * DTLS; each takes the plain protocols too).
     */
    private record Listeners(List<UdpSocket> udp, List<Channel> tcp, List<UdpSocket> dtls, List<Channel> tls) {
        Listeners() {
            this(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        }

        void addAll(Listeners more) {
            udp.addAll(more.udp);
            tcp.addAll(more.tcp);
            dtls.addAll(more.dtls);
            tls.addAll(more.tls);
        }

        /** Closes them all, each within {@code seconds}. */
        void close(int seconds) {
            udp.forEach(socket -> socket.close().awaitUninterruptibly(seconds, TimeUnit.SECONDS));
            tcp.forEach(channel -> channel.close().awaitUninterruptibly(seconds, TimeUnit.SECONDS));
            dtls.forEach(socket -> socket.close().awaitUninterruptibly(seconds, TimeUnit.SECONDS));
            tls.forEach(channel -> channel.close().awaitUninterruptibly(seconds, TimeUnit.SECONDS));
        }
    }

    /** What one port takes: UDP (plain and DTLS) and TCP (plain and TLS) sockets, or either alone. */
    private record PortListeners(boolean udp, boolean tcp, boolean tlsPort) {
    }

    /**
     * Binds every listener the configuration asks for and starts serving.
     *
     * @throws ServerStartException naming the listener that could not be bound
     */
    public static TurnServer start(ServerConfig config) {
        return start(config, Transports.best());
    }

    static TurnServer start(ServerConfig config, Transports transports) {
        return start(config, transports, Clock.systemUTC());
    }

    /** @param clock the time of nonces and REST API usernames */
    static TurnServer start(ServerConfig config, Transports transports, Clock clock) {
        Limits limits = config.limits();
        int threads = Runtime.getRuntime().availableProcessors();
        EventLoopGroup group = transports.newEventLoopGroup(threads);
        Listeners listeners = new Listeners();
        ServerContext context;
        ServerCertificate certificate;
        DtlsHandshakes dtls = null;
        ServerMetrics metrics = null;
        try {
            List<InetAddress> addresses = listeningAddresses(config.listeners().listeningIps());
            context = ServerContexts.create(config, addresses, transports, clock);
            certificate = config.listeners().noTls() && config.listeners().noDtls() ? null : serverCertificate(config, addresses);
            if (!config.listeners().noDtls()) {
                dtls = new DtlsHandshakes(certificate, limits.maxDtlsHandshakes(), (int) limits.dtlsHandshakeTimeout().toSeconds(),
                        context.services().counters());
            }
            ServerBootstrap tcp = tcpBootstrap(group, transports, context, limits,
                    config.listeners().noTls() ? null : certificate, config.listeners().proxyProtocol());
            PortListeners plain = new PortListeners(!config.listeners().noUdp(), !config.listeners().noTcp(), false);
            // The TLS port, when it is another port, takes TLS over TCP and DTLS over UDP, as coturn's does.
            PortListeners secure = config.listeners().tlsListeningPort() != 0 && config.listeners().tlsListeningPort() == config.listeners().listeningPort()
                    ? null : new PortListeners(dtls != null, !config.listeners().noTls(), true);
            List<EventLoop> loops = eventLoops(group);
            for (int a = 0; a < addresses.size(); a++) {
                InetAddress address = addresses.get(a);
                // The four listeners of RFC 5780 start on the same loops, so one answers for another on its thread.
                int firstLoop = config.listeners().rfc5780() ? 0 : a;
                listeners.addAll(listen(new InetSocketAddress(address, config.listeners().listeningPort()), plain, threads,
                        transports, loops, firstLoop, context, tcp, dtls));
                if (context.udpListeners() != null && context.udpListeners().paired(address)) {
                    // RFC 5780 §4.1: the alternate port, over UDP only: CHANGE-REQUEST is for datagrams.
                    listenUdp(new InetSocketAddress(address, config.listeners().altListeningPort()), false, threads, transports,
                            loops, firstLoop, context, dtls, listeners);
                }
                if (secure != null && (secure.udp() || secure.tcp())) {
                    listeners.addAll(listen(new InetSocketAddress(address, config.listeners().tlsListeningPort()), secure,
                            threads, transports, loops, firstLoop, context, tcp, dtls));
                }
            }
            if (config.metrics().enabled()) {
                metrics = ServerMetrics.start(config.metrics(), context);
            }
        } catch (RuntimeException e) {
            listeners.close(CLOSE_WAIT_SECONDS);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            if (dtls != null) {
                dtls.close();
            }
            throw e;
        }
        group.next().scheduleAtFixedRate(() -> context.services().relays().reservations().expire(System.nanoTime()), 1, 1, TimeUnit.SECONDS);
        if (dtls != null) {
            group.next().scheduleAtFixedRate(dtls::newCookieSecret, COOKIE_SECRET_MINUTES, COOKIE_SECRET_MINUTES,
                    TimeUnit.MINUTES);
        }
        if (certificate != null) {
            group.next().scheduleWithFixedDelay(certificate::reloadIfChanged, CERTIFICATE_POLL_SECONDS,
                    CERTIFICATE_POLL_SECONDS, TimeUnit.SECONDS);
        }
        TurnServer server = new TurnServer(config, group, context, listeners, certificate, dtls, metrics, clock);
        if (context.sharedUsers() != null) {
            context.sharedUsers().onRemoved(server.operations::closeRevoked);
        }
        if (context.cluster() != null) {
            context.cluster().registerSessions(server.operations::registrySessions, server.operations::closeSession);
            context.cluster().start(() -> server.advertised(server.turnAddresses()),
                    () -> server.advertised(server.secureAddresses(config)));
        }
        if (config.admin().webAdmin()) {
            try {
                server.admin = AdminServer.start(config.admin(), server.operations);
            } catch (IOException e) {
                server.close();
                throw new ServerStartException("cannot start the admin interface on "
                        + TransportAddresses.format(new InetSocketAddress(config.admin().webAdminIp(),
                                config.admin().webAdminPort())) + ": " + e.getMessage(), e);
            }
        }
        if (transports.nettyDatagramsReason() != null) {
            LOG.info("UDP goes through Netty's datagram channels: {}",
                    transports.nettyDatagramsReason());
        }
        LOG.info("turnkit serving on {} ({}); {}", server.describeListeners(), transports.name(),
                ServerContexts.describe(config, context));
        if (metrics != null) {
            LOG.info("metrics for Prometheus at http://{}{}", TransportAddresses.format(metrics.address()),
                    config.metrics().path());
        }
        if (context.oneTimeUser() != null) {
            context.oneTimeUser().print(server.listeningAddresses(true).isEmpty() ? server.listeningAddresses(false)
                    : server.listeningAddresses(true), config);
        }
        return server;
    }

    /**
     * Binds UDP (with epoll, one socket per event loop, SO_REUSEPORT: the kernel keeps each client 5-tuple on
     * one socket, so its allocation stays on one thread) and TCP on {@code local}, as {@code port} says. Port 0
     * (tests) means any port free for both: when TCP finds the port UDP picked taken, both are tried again elsewhere.
     *
     * @param dtls the DTLS handshakes of the UDP listeners, or null with no-dtls
     */
    private static Listeners listen(InetSocketAddress local, PortListeners port, int threads, Transports transports,
            List<EventLoop> loops, int firstLoop, ServerContext context, ServerBootstrap tcp, DtlsHandshakes dtls) {
        String tcpName = port.tlsPort() ? "tls" : "tcp";
        for (int attempt = 1;; attempt++) {
            Listeners bound = new Listeners();
            List<Channel> tcpChannels = port.tlsPort() ? bound.tls() : bound.tcp();
            try {
                InetSocketAddress next = !port.udp() ? local : listenUdp(local, port.tlsPort(), threads, transports,
                        loops, firstLoop, context, dtls, bound);
                if (port.tcp()) {
                    ChannelFuture binding = tcp.bind(next);
                    tcpChannels.add(bind(tcpName, next, binding).channel());
                }
                return bound;
            } catch (ServerStartException e) {
                bound.close(CLOSE_WAIT_SECONDS);
                if (local.getPort() != 0 || attempt == ANY_PORT_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /**
     * Binds the UDP listeners of {@code local} into {@code bound}, socket i on event loop {@code firstLoop + i},
     * and returns the address bound (its port chosen when {@code local}'s is 0). The TLS port's UDP listeners
     * ({@code tlsPort}) are DTLS's and take no part in RFC 5780.
     */
    private static InetSocketAddress listenUdp(InetSocketAddress local, boolean tlsPort, int threads,
            Transports transports, List<EventLoop> loops, int firstLoop, ServerContext context, DtlsHandshakes dtls,
            Listeners bound) {
        String name = tlsPort ? "dtls" : "udp";
        List<UdpSocket> sockets = tlsPort ? bound.dtls() : bound.udp();
        InetSocketAddress next = claimUdp(name, local);
        int count = transports.isEpoll() ? threads : 1;
        for (int i = 0; i < count; i++) {
            UdpClientLink link = new UdpClientLink(context.services(), transports.udpSegmentation(),
                    tlsPort ? null : context.udpListeners(), dtls);
            Future<UdpSocket> binding = transports.bindDatagram(loops.get((firstLoop + i) % loops.size()), next,
                    transports.isEpoll(), Transports.LISTENER_BUFFER_BYTES, link, context.services().counters());
            UdpSocket udp = bind(name, next, binding).getNow();
            sockets.add(udp);
            next = udp.localAddress();
        }
        return next;
    }

    private static List<EventLoop> eventLoops(EventLoopGroup group) {
        List<EventLoop> loops = new ArrayList<>();
        group.forEach(executor -> loops.add((EventLoop) executor));
        return loops;
    }

    private static ServerCertificate serverCertificate(ServerConfig config, List<InetAddress> addresses) {
        try {
            return ServerCertificate.of(config, addresses);
        } catch (IllegalArgumentException e) {
            throw new ServerStartException(e.getMessage());
        }
    }

    /**
     * Every TCP listener's connections: TLS and plain alike ({@link StreamDemultiplexer}), behind a PROXY
     * protocol header when the configuration says so.
     */
    private static ServerBootstrap tcpBootstrap(EventLoopGroup group, Transports transports, ServerContext context,
            Limits limits, ServerCertificate certificate, boolean proxyProtocol) {
        return new ServerBootstrap()
                .group(group)
                .channel(transports.serverSocketChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.ALLOCATOR, Transports.ALLOCATOR)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, TCP_WATER_MARK)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        ServerCounters counters = context.services().counters();
                        StreamFrameDecoder decoder = new StreamFrameDecoder(counters);
                        channel.pipeline().addLast(new IdleStateHandler(limits.tcpIdleTimeout().toSeconds(), 0, 0, TimeUnit.SECONDS));
                        if (proxyProtocol) {
                            channel.pipeline().addLast(new ProxyHeaderReader(counters));
                        }
                        channel.pipeline().addLast(new StreamDemultiplexer(certificate, counters), decoder,
                                new TcpClientLink(context.services(), context.tcpConnections(), decoder).handler());
                    }
                });
    }

    private static <F extends Future<?>> F bind(String transport, InetSocketAddress local, F future) {
        future.awaitUninterruptibly();
        if (!future.isSuccess()) {
            throw cannotListen(transport, local, future.cause());
        }
        return future;
    }

    /** Our UDP listeners share their port among themselves (SO_REUSEPORT), never with another process. */
    private static InetSocketAddress claimUdp(String transport, InetSocketAddress local) {
        try {
            return UdpPortClaim.claim(local);
        } catch (IOException e) {
            throw cannotListen(transport, local, e);
        }
    }

    private static ServerStartException cannotListen(String transport, InetSocketAddress local, Throwable cause) {
        // Netty's native and NIO binds word EADDRINUSE differently; the operator gets one line for both.
        String reason = BindFailure.isAddressInUse(cause) ? "address in use" : cause.getMessage();
        return new ServerStartException("cannot listen on " + transport + " " + TransportAddresses.format(local)
                + ": " + reason);
    }

    /**
     * Without --listening-ip, or for a wildcard one, every address of every interface that is up (of the
     * wildcard's family), each bound on its own as coturn does, so a reply leaves from the address the client
     * used and relayed addresses are concrete. IPv6 link-local addresses are left out: they need a scope no
     * client can give us.
     */
    private static List<InetAddress> listeningAddresses(List<InetAddress> configured) {
        List<InetAddress> addresses = new ArrayList<>();
        for (InetAddress address : configured) {
            if (!address.isAnyLocalAddress()) {
                addresses.add(address);
            }
        }
        boolean any = configured.isEmpty();
        boolean anyIpv4 = any || configured.stream().anyMatch(a -> a.isAnyLocalAddress() && !(a instanceof Inet6Address));
        boolean anyIpv6 = any || configured.stream().anyMatch(a -> a.isAnyLocalAddress() && a instanceof Inet6Address);
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp()) {
                    continue;
                }
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    boolean ipv6 = address instanceof Inet6Address;
                    if ((ipv6 ? anyIpv6 && !address.isLinkLocalAddress() : anyIpv4) && !addresses.contains(address)) {
                        addresses.add(address);
                    }
                }
            }
        } catch (SocketException e) {
            throw new ServerStartException("cannot list the network interfaces: " + e.getMessage());
        }
        return addresses;
    }

    private String describeListeners() {
        return String.join(", ", listenerNames());
    }

    /** Each listener's transport and address: {@code udp 127.0.0.1:3478}. */
    private List<String> listenerNames() {
        List<String> names = new ArrayList<>();
        for (InetSocketAddress address : listeningAddresses(true)) {
            names.add("udp " + TransportAddresses.format(address));
        }
        for (InetSocketAddress address : listeningAddresses(false)) {
            names.add("tcp " + TransportAddresses.format(address));
        }
        for (InetSocketAddress address : tlsListeningAddresses()) {
            names.add("tls " + TransportAddresses.format(address));
        }
        for (InetSocketAddress address : dtlsListeningAddresses()) {
            names.add("dtls " + TransportAddresses.format(address));
        }
        return names.stream().distinct().toList();
    }

    /** The addresses of the UDP and TCP listeners, which {@code stun:} and {@code turn:} URIs name. */
    private List<InetSocketAddress> turnAddresses() {
        List<InetSocketAddress> addresses = new ArrayList<>(listeningAddresses(true));
        addresses.addAll(listeningAddresses(false));
        return addresses;
    }

    /**
     * The addresses clients reach over TLS and DTLS: the TLS port's listeners, or the listening port's when it takes
     * TLS too (no separate TLS port); none with no-tls and no-dtls.
     */
    private List<InetSocketAddress> secureAddresses(ServerConfig config) {
        List<InetSocketAddress> addresses = new ArrayList<>(tlsListeningAddresses());
        addresses.addAll(dtlsListeningAddresses());
        if (addresses.isEmpty() && (!config.listeners().noTls() || !config.listeners().noDtls())) {
            addresses.addAll(turnAddresses());
        }
        return addresses.stream().distinct().toList();
    }

    /** {@code listening} as clients reach them: behind an external-ip, the public address (what ALTERNATE-SERVER names). */
    private List<InetSocketAddress> advertised(List<InetSocketAddress> listening) {
        return listening.stream().map(a -> context.services().relayAddresses().advertised(a)).distinct().toList();
    }

    /**
     * Stops taking new allocations (they are refused with 508, {@link io.turnkit.server.protocol.AllocationAdmission});
     * the server closes itself once the last allocation has ended, or when the drain timeout has passed.
     */
    public void drain() {
        operations.drain();
    }

    /** Whether the server drains. */
    public boolean draining() {
        return context.services().admission().draining();
    }

    /**
     * Applies what may change while the server runs of {@code next} (the peer policy, quotas, lifetimes,
     * bandwidth) from each event loop's next request on, and re-reads the TLS certificate files. Returns the
     * options that changed in {@code next} but need a restart; they keep their running values.
     */
    public List<String> reload(ServerConfig next) {
        List<String> restartOnly = operations.reload(next);
        if (certificate != null) {
            certificate.reloadIfChanged();
        }
        return restartOnly;
    }

    /** The admin interface's address, or null when it is off. */
    public InetSocketAddress adminAddress() {
        return admin == null ? null : admin.address();
    }

    /** Why the server closed itself (a drain), or null when it was closed from outside. */
    public String closeReason() {
        return closeReason;
    }

    private void closeBecause(String reason) {
        closeReason = reason;
        close();
    }

    /** This server's counters, for metrics and tests. */
    public ServerCounters counters() {
        return context.services().counters();
    }

    /** How many received STUN messages validated to {@code validation}, on every event loop. */
    public long validationCount(StunValidation validation) {
        return context.validationCount(validation);
    }

    /** The Prometheus endpoint's address, or null when it is off. */
    public InetSocketAddress metricsAddress() {
        return metrics == null ? null : metrics.address();
    }

    /** The addresses actually bound (useful when the configuration asked for port 0). */
    public List<InetSocketAddress> listeningAddresses(boolean udp) {
        List<InetSocketAddress> addresses = new ArrayList<>();
        if (udp) {
            listeners.udp().forEach(socket -> addresses.add(socket.localAddress()));
        } else {
            listeners.tcp().forEach(channel -> addresses.add((InetSocketAddress) channel.localAddress()));
        }
        return addresses;
    }

    /**
     * The addresses of the TLS port's listeners; empty with no-tls, or when the TLS port is the listening port
     * (every TCP listener takes TLS).
     */
    public List<InetSocketAddress> tlsListeningAddresses() {
        List<InetSocketAddress> addresses = new ArrayList<>();
        listeners.tls().forEach(channel -> addresses.add((InetSocketAddress) channel.localAddress()));
        return addresses;
    }

    /**
     * The addresses of the TLS port's UDP listeners, for DTLS; empty with no-dtls, or when the TLS port is the
     * listening port (every UDP listener takes DTLS).
     */
    public List<InetSocketAddress> dtlsListeningAddresses() {
        List<InetSocketAddress> addresses = new ArrayList<>();
        listeners.dtls().forEach(socket -> addresses.add(socket.localAddress()));
        return addresses;
    }

    /** TCP and TLS connections the server counts as open, for tests that must wait for its accepts. */
    int openTcpConnections() {
        return context.tcpConnections().open();
    }

    /** DTLS handshakes past their cookie under way, for tests: the state a flood could make the server keep. */
    int dtlsHandshakesInProgress() {
        return dtls == null ? 0 : dtls.inProgress();
    }

    /** The event loops, for tests that must hold them while a burst queues up in the sockets. */
    EventLoopGroup eventLoops() {
        return group;
    }

    /** Blocks until the server is closed. */
    public void awaitClose() throws InterruptedException {
        group.terminationFuture().await();
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close();
        }
        // Bounded waits: a stop must not hang even if an event loop is stuck or gone.
        listeners.close(CLOSE_WAIT_SECONDS);
        if (dtls != null) {
            dtls.close();
        }
        if (metrics != null) {
            metrics.close();
        }
        group.shutdownGracefully(0, CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)
                .awaitUninterruptibly(2 * CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        context.close();
    }
}
