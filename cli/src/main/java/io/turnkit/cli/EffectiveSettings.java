package io.turnkit.cli;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import io.turnkit.cli.conf.ServeOption;
import io.turnkit.server.config.AddressFamily;
import io.turnkit.server.config.ServerConfig;
import io.turnkit.server.transport.TransportAddresses;

/**
 * What a configuration sets each of serve's options to, defaults included, as {@code turnkit config check} prints
 * it: one {@code name = value} line per {@link ServeOption}, in the table's order, named as in a
 * {@code turnserver.conf}. Passwords, keys and secrets show as {@value #SET}. The switch names every option, so
 * an option added to the table does not compile until it is shown here too.
 */
final class EffectiveSettings {
    static final String SET = "(set)";
    private static final String NONE = "(none)";

    private EffectiveSettings() {
    }

    static List<String> lines(ServerConfig config) {
        List<String> lines = new ArrayList<>();
        for (ServeOption option : ServeOption.values()) {
            lines.add(option.longName().substring(2) + " = " + value(option, config));
        }
        return lines;
    }

    /** What {@code config} sets {@code option} to, as a config file would write it. */
    static String value(ServeOption option, ServerConfig config) {
        return switch (option) {
            case LISTENING_IP -> addresses(config.listeners().listeningIps(), "(every address)");
            case LISTENING_PORT -> Integer.toString(config.listeners().listeningPort());
            case ALT_LISTENING_PORT -> config.listeners().rfc5780() ? Integer.toString(config.listeners().altListeningPort()) : NONE;
            case RFC5780 -> onOff(config.listeners().rfc5780());
            case NO_RFC5780 -> onOff(!config.listeners().rfc5780());
            case TLS_LISTENING_PORT -> Integer.toString(config.listeners().tlsListeningPort());
            case NO_TLS -> onOff(config.listeners().noTls());
            case NO_DTLS -> onOff(config.listeners().noDtls());
            case DTLS -> onOff(!config.listeners().noDtls());
            case CERT -> config.listeners().cert() == null ? "(self-signed, made at start)" : config.listeners().cert().toString();
            case PKEY -> config.listeners().pkey() == null ? NONE : config.listeners().pkey().toString();
            case PKEY_PWD -> config.listeners().pkeyPwd() == null ? NONE : SET;
            case CIPHER_LIST -> config.listeners().cipherList() == null ? "DEFAULT" : config.listeners().cipherList();
            case PROXY_PROTOCOL -> onOff(config.listeners().proxyProtocol());
            case RELAY_IP -> addresses(config.relay().relayIps(), "(the address the client reached)");
            case EXTERNAL_IP -> joined(config.relay().externalIps());
            case MIN_PORT -> Integer.toString(config.relay().minPort());
            case MAX_PORT -> Integer.toString(config.relay().maxPort());
            case REALM -> config.auth().realm();
            case LT_CRED_MECH -> onOff(true);
            case USER -> users(config);
            case USE_AUTH_SECRET -> onOff(config.auth().useAuthSecret());
            case STATIC_AUTH_SECRET -> config.auth().staticAuthSecrets().isEmpty() ? NONE : SET;
            case REST_API_SEPARATOR -> Character.toString(config.auth().restApiSeparator());
            case ALLOW_LOOPBACK_PEERS -> onOff(config.peers().allowLoopbackPeers());
            case ALLOWED_PEER_IP -> joined(config.peers().allowedPeerRanges());
            case DENIED_PEER_IP -> joined(config.peers().deniedPeerRanges());
            case NO_MULTICAST_PEERS -> onOff(true);
            case USER_QUOTA -> Integer.toString(config.limits().userQuota());
            case TOTAL_QUOTA -> Integer.toString(config.limits().totalQuota());
            case MAX_BPS -> Long.toString(config.relay().maxBps());
            case MAX_ALLOCATE_LIFETIME -> seconds(config.limits().maxAllocateLifetime());
            case MAX_TCP_CONNECTIONS -> Integer.toString(config.limits().maxTcpConnections());
            case TCP_IDLE_TIMEOUT -> seconds(config.limits().tcpIdleTimeout());
            case PERMISSION_LIFETIME -> seconds(config.limits().permissionLifetime());
            case CHANNEL_LIFETIME -> seconds(config.limits().channelLifetime());
            case STALE_NONCE -> seconds(config.auth().staleNonce());
            case NO_UDP -> onOff(config.listeners().noUdp());
            case NO_TCP -> onOff(config.listeners().noTcp());
            case SOFTWARE_ATTRIBUTE -> config.softwareAttribute() == null ? NONE : config.softwareAttribute();
            case NO_SOFTWARE_ATTRIBUTE -> onOff(config.softwareAttribute() == null);
            case USERDB -> config.auth().userdb().toString();
            case REDIS_USERDB -> config.auth().credentialStore().isRedis() ? config.auth().credentialStore().describe() : NONE;
            case REDIS_PASSWORD -> config.auth().credentialStore().redisPassword() == null ? NONE : SET;
            case REDIS_TLS -> onOff(config.auth().credentialStore().redisTls());
            case REDIS_STATSDB -> config.cluster().enabled() ? config.cluster().location().describe() : NONE;
            case NODE_ID -> config.cluster().nodeId() == null ? "(host name:listening port)" : config.cluster().nodeId();
            case REDIRECT_LOAD -> config.cluster().redirectAllocations() > 0
                    ? Integer.toString(config.cluster().redirectAllocations())
                    : config.cluster().redirectFraction() > 0 ? Double.toString(config.cluster().redirectFraction())
                    : "(when full or draining)";
            case VERBOSE -> onOff(config.logging().verbose());
            case LISTENING_DEVICE -> config.listeners().listeningDevice() == null ? NONE : config.listeners().listeningDevice();
            case NO_LOOPBACK_PEERS -> onOff(!config.peers().allowLoopbackPeers());
            case NO_UDP_RELAY -> onOff(config.relay().noUdpRelay());
            case NO_TCP_RELAY -> onOff(config.relay().noTcpRelay());
            case KEEP_ADDRESS_FAMILY -> onOff(config.relay().allocationDefaultAddressFamily() == AddressFamily.KEEP);
            case ALLOCATION_DEFAULT_ADDRESS_FAMILY -> config.relay().allocationDefaultAddressFamily().toString();
            case ALTERNATE_SERVER -> servers(config.relay().alternateServers());
            case TLS_ALTERNATE_SERVER -> servers(config.relay().tlsAlternateServers());
            case SERVER_NAME -> config.serverName();
            case PIDFILE -> config.logging().pidfile() == null ? NONE : config.logging().pidfile().toString();
            case LOG_FILE -> config.logging().logFile() == null ? "(stderr)" : config.logging().logFile();
            case SIMPLE_LOG -> onOff(config.logging().simpleLog());
            case SYSLOG -> onOff(config.logging().syslog());
            case NO_STDOUT_LOG -> onOff(config.logging().noStdoutLog());
            case LOG_FORMAT -> config.logging().logFormat().name().toLowerCase(Locale.ROOT);
            case WEB_ADMIN -> onOff(config.admin().webAdmin());
            case WEB_ADMIN_IP -> config.admin().webAdminIp().getHostAddress();
            case WEB_ADMIN_PORT -> Integer.toString(config.admin().webAdminPort());
            case WEB_ADMIN_TOKEN_FILE -> config.admin().tokenFile() == null ? "(a random token made at start)"
                    : config.admin().tokenFile().toString();
            case DRAIN_TIMEOUT -> seconds(config.admin().drainTimeout());
            case PROMETHEUS -> onOff(config.metrics().enabled());
            case PROMETHEUS_ADDRESS -> config.metrics().address() == null ? "(every address)"
                    : config.metrics().address().getHostAddress();
            case PROMETHEUS_PORT -> Integer.toString(config.metrics().port());
            case PROMETHEUS_PATH -> config.metrics().path();
            case PROMETHEUS_USERNAME_LABELS -> onOff(config.metrics().usernameLabels());
        };
    }

    /** The names of the static users, each with {@value #SET} for its password or key. */
    private static String users(ServerConfig config) {
        List<String> names = new ArrayList<>(config.auth().users().keySet());
        names.addAll(config.auth().userKeys().keySet());
        return names.isEmpty() ? NONE
                : names.stream().sorted().map(name -> name + ":" + SET).collect(Collectors.joining(", "));
    }

    private static String addresses(List<InetAddress> addresses, String whenEmpty) {
        return addresses.isEmpty() ? whenEmpty
                : addresses.stream().map(InetAddress::getHostAddress).collect(Collectors.joining(", "));
    }

    private static String servers(List<InetSocketAddress> servers) {
        return servers.isEmpty() ? NONE
                : servers.stream().map(TransportAddresses::format).collect(Collectors.joining(", "));
    }

    private static String joined(Collection<?> values) {
        return values.isEmpty() ? NONE : values.stream().map(Object::toString).collect(Collectors.joining(", "));
    }

    private static String onOff(boolean on) {
        return on ? "on" : "off";
    }

    private static String seconds(Duration duration) {
        return Long.toString(duration.toSeconds());
    }
}
