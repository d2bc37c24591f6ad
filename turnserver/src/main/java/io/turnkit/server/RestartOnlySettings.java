package io.turnkit.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;

import io.turnkit.server.config.ServerConfig;

/**
 * The settings a reload cannot apply to a running server, by coturn's option names: what binds sockets
 * (addresses, ports, TLS files and listeners, and the TCP listeners' guards), what every allocation and nonce
 * already carries (realm, credential mechanism and store, relay addresses), and what only the start reads (pid
 * file, server name, the admin interface, the metrics endpoint, the alternate servers). A reload applies the rest
 * (peer policy, quotas, lifetimes, bandwidth, UDP relaying, static users and REST API secrets; the log settings
 * are the command's) and names these, when they changed, in one log line.
 */
final class RestartOnlySettings {
    private static final Map<String, Function<ServerConfig, Object>> SETTINGS = new TreeMap<>(Map.ofEntries(
            Map.entry("listening-ip", config -> config.listeners().listeningIps()),
            Map.entry("listening-port", config -> config.listeners().listeningPort()),
            Map.entry("tls-listening-port", config -> config.listeners().tlsListeningPort()),
            Map.entry("no-tls", config -> config.listeners().noTls()),
            Map.entry("no-dtls", config -> config.listeners().noDtls()),
            Map.entry("alt-listening-port", config -> config.listeners().altListeningPort()),
            Map.entry("alternate-server", config -> config.relay().alternateServers()),
            Map.entry("tls-alternate-server", config -> config.relay().tlsAlternateServers()),
            Map.entry("prometheus", config -> config.metrics().enabled()),
            Map.entry("prometheus-address", config -> config.metrics().address()),
            Map.entry("prometheus-port", config -> config.metrics().port()),
            Map.entry("prometheus-path", config -> config.metrics().path()),
            Map.entry("prometheus-username-labels", config -> config.metrics().usernameLabels()),
            Map.entry("redis-statsdb", config -> config.cluster().statsdb()),
            Map.entry("node-id", config -> config.cluster().nodeId()),
            Map.entry("redirect-load", config -> List.of(config.cluster().redirectFraction(),
                    config.cluster().redirectAllocations())),
            Map.entry("cert", config -> config.listeners().cert()),
            Map.entry("pkey", config -> config.listeners().pkey()),
            Map.entry("pkey-pwd", config -> config.listeners().pkeyPwd()),
            Map.entry("cipher-list", config -> config.listeners().cipherList()),
            Map.entry("proxy-protocol", config -> config.listeners().proxyProtocol()),
            Map.entry("relay-ip", config -> config.relay().relayIps()),
            Map.entry("external-ip", config -> config.relay().externalIps()),
            Map.entry("min-port", config -> config.relay().minPort()),
            Map.entry("max-port", config -> config.relay().maxPort()),
            Map.entry("realm", config -> config.auth().realm()),
            Map.entry("use-auth-secret", config -> config.auth().useAuthSecret()),
            Map.entry("rest-api-separator", config -> config.auth().restApiSeparator()),
            Map.entry("user", RestartOnlySettings::userKinds),
            Map.entry("userdb", config -> config.auth().credentialStore()),
            Map.entry("stale-nonce", config -> config.auth().staleNonce()),
            Map.entry("no-udp", config -> config.listeners().noUdp()),
            Map.entry("no-tcp", config -> config.listeners().noTcp()),
            Map.entry("max-tcp-connections", config -> config.limits().maxTcpConnections()),
            Map.entry("tcp-idle-timeout", config -> config.limits().tcpIdleTimeout()),
            Map.entry("software-attribute", ServerConfig::softwareAttribute),
            Map.entry("allocation-default-address-family", config -> config.relay().allocationDefaultAddressFamily()),
            Map.entry("server-name", ServerConfig::serverName),
            Map.entry("pidfile", config -> config.logging().pidfile()),
            Map.entry("web-admin", config -> config.admin().webAdmin()),
            Map.entry("web-admin-ip", config -> config.admin().webAdminIp()),
            Map.entry("web-admin-port", config -> config.admin().webAdminPort()),
            Map.entry("web-admin-token-file", config -> config.admin().tokenFile())));

    private RestartOnlySettings() {
    }

    /** The options whose values differ between {@code running} and {@code next} and need a restart to change. */
    static List<String> changed(ServerConfig running, ServerConfig next) {
        List<String> changed = new ArrayList<>();
        SETTINGS.forEach((name, setting) -> {
            if (!Objects.equals(setting.apply(running), setting.apply(next))) {
                changed.add(name);
            }
        });
        return changed;
    }

    /**
     * Which kinds of --user the settings have (with passwords, with MD5 keys): users come and go live, but with
     * none the store is the user database, and MD5 keys alone make the server offer MD5 only.
     */
    private static List<Boolean> userKinds(ServerConfig config) {
        return List.of(config.auth().users().isEmpty(), config.auth().userKeys().isEmpty());
    }
}
