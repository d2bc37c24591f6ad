package io.turnkit.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.turnkit.server.auth.AuthRateLimiter;
import io.turnkit.server.auth.AuthSettings;
import io.turnkit.server.auth.Authenticator;
import io.turnkit.server.auth.MintedUsers;
import io.turnkit.server.auth.NonceService;
import io.turnkit.server.auth.OneTimeUser;
import io.turnkit.server.cluster.ClusterNode;
import io.turnkit.server.config.ServerConfig;
import io.turnkit.server.link.TcpConnections;
import io.turnkit.server.link.UdpListeners;
import io.turnkit.server.metrics.Counters;
import io.turnkit.server.metrics.ServerCounters;
import io.turnkit.server.protocol.AllocateRedirect;
import io.turnkit.server.protocol.AllocationAdmission;
import io.turnkit.server.protocol.AlternateServers;
import io.turnkit.server.protocol.LiveSettings;
import io.turnkit.server.protocol.RefusalLog;
import io.turnkit.server.protocol.ResponseOrigins;
import io.turnkit.server.protocol.TurnServices;
import io.turnkit.server.protocol.TurnSettings;
import io.turnkit.server.relay.ClusterQuotas;
import io.turnkit.server.relay.EphemeralPortRange;
import io.turnkit.server.relay.RelayAddresses;
import io.turnkit.server.relay.RelayResources;
import io.turnkit.server.transport.TransportAddresses;
import io.turnkit.server.transport.Transports;
import io.turnkit.store.Quotas;
import io.turnkit.store.RelayPortPool;
import io.turnkit.store.Reservations;
import io.turnkit.store.credential.CredentialStore;
import io.turnkit.store.credential.CredentialStores;
import io.turnkit.store.credential.InMemoryCredentialStore;
import io.turnkit.store.credential.RedisCredentialStore;
import io.turnkit.store.credential.StoreLocation;
import io.turnkit.store.credential.UserKeys;
import io.turnkit.stun.PasswordAlgorithm;
import io.turnkit.stun.StunValidation;

/** Builds a server's shared parts from its configuration, and says in one line what it built. */
final class ServerContexts {
    private static final Logger LOG = LoggerFactory.getLogger(ServerContexts.class);

    private ServerContexts() {
    }

    /**
     * @param listening the concrete addresses the server listens on: its relay addresses without --relay-ip
     * @param clock     the time of nonces and REST API usernames
     */
    static ServerContext create(ServerConfig config, List<InetAddress> listening, Transports transports,
            Clock clock) {
        OneTimeUser[] oneTimeUser = new OneTimeUser[1];
        MintedUsers minted = new MintedUsers(System::nanoTime);
        CredentialStore configured = credentials(config, minted, oneTimeUser);
        CredentialStore store = minted.over(configured);
        AuthSettings auth = authSettings(config);
        RelayPortPool pool = new RelayPortPool(config.relay().minPort(), config.relay().maxPort());
        EphemeralPortRange.overlapWarning(EphemeralPortRange.LINUX, config.relay().minPort(), config.relay().maxPort())
                .ifPresent(LOG::warn);
        ServerCounters counters = new ServerCounters();
        Quotas quotas = new Quotas(config.limits().userQuota(), config.limits().totalQuota());
        AllocationAdmission admission = new AllocationAdmission();
        AllocateRedirect alternates = AlternateServers.of(config.relay().alternateServers(), config.relay().tlsAlternateServers());
        ClusterNode cluster = config.cluster().enabled()
                ? joinCluster(config, quotas, pool, admission, counters, alternates, configured) : null;
        Authenticator authenticator = new Authenticator(auth, store,
                new NonceService(cluster != null ? cluster.nonceSecret() : NonceService.randomSecret(),
                        config.auth().staleNonce().toSeconds(), clock, auth.securityFeatures()),
                new AuthRateLimiter(), clock);
        UdpListeners udpListeners = config.listeners().rfc5780()
                ? new UdpListeners(listening, config.listeners().listeningPort(), config.listeners().altListeningPort()) : null;
        RelayResources relays = new RelayResources(transports, pool,
                new Reservations(pool, Reservations.DEFAULT_HOLD_NANOS), quotas,
                cluster != null ? cluster : ClusterQuotas.NONE, counters);
        TurnServices services = new TurnServices(new LiveSettings(turnSettings(config)), admission,
                authenticator, relays,
                new RelayAddresses(config.relay().relayIps(), listening, config.relay().externalIps(),
                        config.relay().allocationDefaultAddressFamily()), counters,
                new Counters<>(StunValidation.class), new RefusalLog(System::nanoTime),
                cluster != null ? cluster : alternates,
                udpListeners != null ? udpListeners : ResponseOrigins.NONE);
        return new ServerContext(services, new TcpConnections(config.limits().maxTcpConnections()), store, oneTimeUser[0],
                minted, configured instanceof InMemoryCredentialStore staticUsers ? staticUsers : null, udpListeners,
                cluster, configured instanceof RedisCredentialStore sharedUsers ? sharedUsers : null);
    }

    /** Joins the cluster of --redis-statsdb, or fails the start naming the database and the reason. */
    private static ClusterNode joinCluster(ServerConfig config, Quotas quotas, RelayPortPool pool,
            AllocationAdmission admission, ServerCounters counters, AllocateRedirect alternates,
            CredentialStore credentials) {
        try {
            return ClusterNode.join(config.cluster(), config.listeners().listeningPort(), quotas, pool, admission, counters,
                    alternates);
        } catch (IOException e) {
            credentials.close();
            throw new ServerStartException(e.getMessage(), e);
        }
    }

    /** The settings request handling runs with, at start and after each reload. */
    static TurnSettings turnSettings(ServerConfig config) {
        return new TurnSettings(config.auth().realm(), config.softwareAttribute(), config.limits().maxAllocateLifetime().toSeconds(),
                config.limits().permissionLifetime().toSeconds(), config.limits().channelLifetime().toSeconds(), config.relay().maxBps(),
                !config.relay().noUdpRelay(), !config.relay().noTcpRelay(), config.peers().policy());
    }

    private static void alternates(StringBuilder line, String transport, List<InetSocketAddress> servers) {
        if (!servers.isEmpty()) {
            line.append("; ").append(transport).append("Allocate requests redirected (300) to ")
                    .append(String.join(", ", servers.stream().map(TransportAddresses::format).toList()));
        }
    }

    private static AuthSettings authSettings(ServerConfig config) {
        AuthSettings.Mode mode = !config.auth().useAuthSecret() ? AuthSettings.Mode.LONG_TERM
                : config.auth().users().isEmpty() && config.auth().userKeys().isEmpty() ? AuthSettings.Mode.REST_API
                : AuthSettings.Mode.BOTH;
        // Keys given as coturn's 0xHEX are MD5 only: offering SHA-256 would send RFC 8489 clients to a key
        // those users do not have (RFC 8489 §9.2.4).
        List<Integer> algorithms = config.auth().userKeys().isEmpty() ? AuthSettings.DEFAULT_PASSWORD_ALGORITHMS
                : List.of(PasswordAlgorithm.MD5);
        return new AuthSettings(config.auth().realm(), mode, config.auth().restApiSeparator(), algorithms,
                config.auth().staticAuthSecrets(), false);
    }

    /**
     * Users given with --user live in memory only; otherwise the store of --redis-userdb or --userdb. With
     * long-term credentials and nobody in the file to let in, a one-time user is made (and printed once the
     * server listens), so the server is usable at once. A Redis store is kept even when empty: it is shared,
     * and its users are added while the servers run.
     */
    private static CredentialStore credentials(ServerConfig config, MintedUsers minted, OneTimeUser[] oneTimeUser) {
        String realm = config.auth().realm();
        if (!config.auth().users().isEmpty() || !config.auth().userKeys().isEmpty()) {
            InMemoryCredentialStore store = new InMemoryCredentialStore();
            replaceStaticUsers(store, config, realm);
            return store;
        }
        StoreLocation location = config.auth().credentialStore();
        CredentialStore store;
        try {
            store = CredentialStores.open(location);
        } catch (IOException e) {
            // The message names the store and the reason: "cannot reach redis://10.0.0.5:6379/0: Connection refused".
            throw new ServerStartException(e.getMessage(), e);
        }
        boolean anyUser = store.users().stream().anyMatch(u -> u.realm().equals(realm));
        if (config.auth().useAuthSecret()) {
            if (config.auth().staticAuthSecrets().isEmpty() && store.secrets(realm).isEmpty()) {
                // Not an error: secrets added to the store later are used at once. But nobody gets in until then.
                LOG.warn("use-auth-secret without a secret: no static-auth-secret, and none for realm {} in {} "
                        + "(add one with: turnkit secret add --realm {})", realm, location.describe(), realm);
            }
            return store;
        }
        if (anyUser) {
            return store;
        }
        List<String> otherRealms = store.users().stream().map(UserKeys::realm).distinct().sorted().toList();
        if (!otherRealms.isEmpty()) {
            // The usual slip: users added under the host name's realm, serve started with --realm (or the reverse).
            LOG.warn("{} has users of realm {} but none of this server's realm {}: start serve with --realm {}, or "
                    + "add users with turnkit user add --realm {}", location.describe(), String.join(", ", otherRealms),
                    realm, otherRealms.get(0), realm);
        }
        oneTimeUser[0] = new OneTimeUser(realm, location.describe(), minted);
        return store;
    }

    /**
     * Makes {@code store} hold the users of {@code config}'s --user options, and nobody else: at start, and at a
     * reload that keeps users on the command line or in the config file. Each user is replaced whole, so a
     * request sees a user's old keys or new ones.
     */
    static void replaceStaticUsers(InMemoryCredentialStore store, ServerConfig config, String realm) {
        Instant now = Instant.now();
        Map<String, UserKeys> users = new LinkedHashMap<>();
        for (Map.Entry<String, String> user : config.auth().users().entrySet()) {
            UserKeys keys = UserKeys.fromPassword(realm, user.getKey(), user.getValue(), now);
            users.put(keys.username(), keys);
        }
        for (Map.Entry<String, byte[]> user : config.auth().userKeys().entrySet()) {
            users.put(user.getKey(), new UserKeys(realm, user.getKey(), user.getValue(), null, now));
        }
        for (UserKeys held : store.users()) {
            if (!users.containsKey(held.username())) {
                store.deleteUser(held.realm(), held.username());
            }
        }
        users.values().forEach(store::putUser);
    }

    static String describe(ServerConfig config, ServerContext context) {
        StringBuilder line = new StringBuilder("realm ").append(config.auth().realm()).append("; auth ");
        if (config.auth().useAuthSecret()) {
            line.append("TURN REST API (").append(config.auth().staticAuthSecrets().size()).append(" static secrets");
            line.append(", separator '").append(config.auth().restApiSeparator()).append("')");
        } else {
            line.append("long-term credentials (users: ").append(context.userCount()).append(')');
        }
        line.append(", password algorithms");
        for (int algorithm : authSettings(config).passwordAlgorithms()) {
            line.append(' ').append(PasswordAlgorithm.name(algorithm));
        }
        line.append("; relay ports ").append(config.relay().minPort()).append('-').append(config.relay().maxPort());
        line.append("; peers: special-purpose addresses denied");
        if (config.peers().allowLoopbackPeers()) {
            line.append(", loopback allowed");
        }
        if (!config.peers().allowedPeerRanges().isEmpty()) {
            line.append(", allowed ").append(config.peers().allowedPeerRanges());
        }
        if (!config.peers().deniedPeerRanges().isEmpty()) {
            line.append(", denied ").append(config.peers().deniedPeerRanges());
        }
        if (config.listeners().rfc5780()) {
            line.append("; RFC 5780 NAT behavior discovery, alternate port ").append(config.listeners().altListeningPort());
        }
        alternates(line, "", config.relay().alternateServers());
        alternates(line, "TLS ", config.relay().tlsAlternateServers());
        if (context.cluster() != null) {
            line.append("; cluster node ").append(context.cluster().nodeId()).append(" on ")
                    .append(context.cluster().describe());
        }
        return line.toString();
    }
}
