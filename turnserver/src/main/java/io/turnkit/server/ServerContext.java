package io.turnkit.server;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.turnkit.server.auth.Authenticator;
import io.turnkit.server.policy.PeerPolicy;
import io.turnkit.store.Quotas;
import io.turnkit.store.RelayPortPool;
import io.turnkit.store.Reservations;
import io.turnkit.store.credential.CredentialStore;
import io.turnkit.stun.StunValidation;
import io.turnkit.stun.ValidationCounters;

/**
 * What every client link of one server shares: settings, the peer policy, authentication, the relay port
 * pool, quotas and counters. Everything here is safe to use from any event loop.
 */
final class ServerContext {
    private static final Logger LOG = LoggerFactory.getLogger(ServerContext.class);
    /** RFC 8656 §7.2: an allocation lives 600 s unless the client asks otherwise. */
    static final long DEFAULT_ALLOCATION_LIFETIME_SECONDS = 600;

    final ServerCounters counters = new ServerCounters();
    final PeerPolicy peerPolicy;
    final Authenticator authenticator;
    final RelayPortPool portPool;
    final Reservations reservations;
    final Quotas quotas;
    final String realm;
    final String software;
    final long maxAllocateLifetimeSeconds;
    final long permissionLifetimeSeconds;
    final long channelLifetimeSeconds;
    final long maxBps;
    /** Whether UDP sends may use the kernel's generic segmentation offload (Linux 4.18+, epoll). */
    final boolean udpSegmentation;
    /** The user made for this run when nobody else may log in, or null. */
    final OneTimeUser oneTimeUser;

    private final Transports transports;
    private final CredentialStore credentials;
    private final List<InetAddress> relayIps;
    private final ExternalAddresses externalAddresses;
    private final int maxTcpConnections;
    private final AtomicInteger tcpConnections = new AtomicInteger();
    private final PerThread<ValidationCounters> validationCounters = new PerThread<>(ValidationCounters::new);
    private final PerThread<LoopRelays> loopRelays = new PerThread<>(LoopRelays::new);

    ServerContext(Settings settings, Transports transports, PeerPolicy peerPolicy, Authenticator authenticator,
            CredentialStore credentials, RelayPortPool portPool, Reservations reservations, Quotas quotas,
            ExternalAddresses externalAddresses, OneTimeUser oneTimeUser) {
        this.oneTimeUser = oneTimeUser;
        this.transports = transports;
        this.udpSegmentation = transports.udpSegmentation();
        this.peerPolicy = peerPolicy;
        this.authenticator = authenticator;
        this.credentials = credentials;
        this.portPool = portPool;
        this.reservations = reservations;
        this.quotas = quotas;
        this.externalAddresses = externalAddresses;
        this.realm = settings.realm();
        this.software = settings.software();
        this.relayIps = List.copyOf(settings.relayIps());
        this.maxAllocateLifetimeSeconds = settings.maxAllocateLifetimeSeconds();
        this.permissionLifetimeSeconds = settings.permissionLifetimeSeconds();
        this.channelLifetimeSeconds = settings.channelLifetimeSeconds();
        this.maxTcpConnections = settings.maxTcpConnections();
        this.maxBps = settings.maxBps();
    }

    /** The plain values a server runs with, taken from its configuration once at start. */
    record Settings(String realm, String software, List<InetAddress> relayIps, long maxAllocateLifetimeSeconds,
            long permissionLifetimeSeconds, long channelLifetimeSeconds, long maxBps, int maxTcpConnections) {
    }

    /** Counts STUN validation results per event loop, one writer each (the codec's counters are not shared). */
    ValidationCounters validationCounters() {
        return validationCounters.get();
    }

    /** The allocations of the calling event loop, by relayed address. */
    LoopRelays loopRelays() {
        return loopRelays.get();
    }

    long validationCount(StunValidation validation) {
        long sum = 0;
        for (ValidationCounters counters : validationCounters.all()) {
            sum += counters.get(validation);
        }
        return sum;
    }

    /**
     * The address to relay from for a client that reached us at {@code local}: a configured relay IP of the
     * family asked for, else the listening address itself (coturn's default), or null when there is none.
     */
    InetAddress relayAddress(int family, InetSocketAddress local) {
        if (!relayIps.isEmpty()) {
            for (InetAddress ip : relayIps) {
                if (TurnProtocol.familyOf(ip) == family) {
                    return ip;
                }
            }
            return null;
        }
        InetAddress ip = local.getAddress();
        return !ip.isAnyLocalAddress() && TurnProtocol.familyOf(ip) == family ? ip : null;
    }

    /** The relayed address as clients must see it: behind 1:1 NAT, the public address (--external-ip). */
    InetSocketAddress advertisedRelayAddress(InetSocketAddress relayed) {
        return externalAddresses.advertised(relayed);
    }

    /**
     * Binds a relay socket on the client link's own event loop, so relaying never changes threads; what peers
     * send it goes to {@code fromPeers}.
     */
    Future<UdpSocket> bindRelay(EventLoop loop, InetSocketAddress address, PeerDataHandler fromPeers) {
        return transports.bindDatagram(loop, address, false, Transports.RELAY_BUFFER_BYTES, fromPeers, counters);
    }

    /**
     * Frees what an allocation holds: its relay socket, then its port, and its place in the quotas. Called on
     * the allocation's event loop.
     */
    void release(RelayAllocation allocation, ServerCounter reason) {
        counters.increment(reason);
        if (LOG.isDebugEnabled()) {
            LOG.debug("{} {} of {}", reason.meterName(), TurnServer.format(allocation.relayedAddress()),
                    allocation.fiveTuple());
        }
        allocation.releaseCachedResponse();
        allocation.peerBurst().discard();
        loopRelays().remove(allocation);
        quotas.release(allocation.username());
        allocation.relaySocket().close().addListener(f -> portPool.release(allocation.relayPort));
    }

    void releasePorts(int port, boolean withNext) {
        portPool.release(port);
        if (withNext) {
            portPool.release(port + 1);
        }
    }

    boolean tryOpenTcpConnection() {
        if (tcpConnections.incrementAndGet() > maxTcpConnections) {
            tcpConnections.decrementAndGet();
            return false;
        }
        return true;
    }

    void closeTcpConnection() {
        tcpConnections.decrementAndGet();
    }

    int userCount() {
        return (int) credentials.users().stream().filter(u -> u.realm().equals(realm)).count();
    }

    void close() {
        credentials.close();
    }
}
