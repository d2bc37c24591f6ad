package io.turnkit.server.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;

import io.turnkit.server.policy.AddressRange;
import io.turnkit.server.policy.PeerPolicy;
import io.turnkit.store.credential.StoreLocation;

/**
 * Everything a TURN server runs with. Names are coturn's options in camelCase ({@code max-allocate-lifetime}
 * is {@link #maxAllocateLifetime()}) and so are the defaults, except where turnkit is safer:
 * nonces always expire ({@code stale-nonce} 600 s), responses carry no SOFTWARE attribute, and
 * special-purpose peer addresses are denied ({@link PeerPolicy}).
 *
 * <p>Immutable; made by {@link #builder()}, whose setters reject a bad value at once and whose
 * {@link Builder#build()} checks the settings against each other. Messages name coturn's option and the
 * expected form, so a command line can show them as they are.
 */
public final class ServerConfig {
    /** The STUN and TURN port for UDP and TCP (RFC 8489, RFC 8656). */
    public static final int DEFAULT_LISTENING_PORT = 3478;
    /** RFC 8656 §3.1 and RFC 7065: TURN over TLS listens on 5349. */
    public static final int DEFAULT_TLS_LISTENING_PORT = 5349;
    /** RFC 8656 §7.2: relayed ports come from the Dynamic and/or Private Port range, 49152-65535. */
    public static final int DEFAULT_MIN_PORT = 49152;
    /** The top of the relay port range. */
    public static final int DEFAULT_MAX_PORT = 65535;
    /** coturn's cap on the lifetime a client may ask for an allocation (RFC 8656 §7.2 lets the server pick). */
    public static final Duration DEFAULT_MAX_ALLOCATE_LIFETIME = Duration.ofSeconds(3600);
    /** RFC 8656 §9: a permission lasts 300 s. */
    public static final Duration DEFAULT_PERMISSION_LIFETIME = Duration.ofSeconds(300);
    /** RFC 8656 §12: a channel binding lasts 600 s. */
    public static final Duration DEFAULT_CHANNEL_LIFETIME = Duration.ofSeconds(600);
    /** RFC 8489 §9.2: how long a nonce is good before a 438 (Stale Nonce); coturn's stale-nonce default. */
    public static final Duration DEFAULT_STALE_NONCE = Duration.ofSeconds(600);
    /** The TURN REST API's separator between expiry timestamp and user id in a user name. */
    public static final char DEFAULT_REST_API_SEPARATOR = ':';

    /** RFC 8489 §14.9 and §14.14: REALM and SOFTWARE are under 128 characters. */
    private static final int MAX_TEXT_CHARACTERS = 127;
    /** RFC 8489 §14.3: USERNAME is under 509 bytes of UTF-8. */
    private static final int MAX_USERNAME_BYTES = 508;
    /** RFC 8489 §9.2.2: the long-term key is MD5(username ":" realm ":" password), 16 bytes. */
    private static final int USER_KEY_BYTES = 16;

    private final List<InetAddress> listeningIps;
    private final int listeningPort;
    private final int tlsListeningPort;
    private final boolean noTls;
    private final boolean noDtls;
    private final Path cert;
    private final Path pkey;
    private final String pkeyPwd;
    private final String cipherList;
    private final boolean proxyProtocol;
    private final List<InetAddress> relayIps;
    private final List<ExternalIp> externalIps;
    private final int minPort;
    private final int maxPort;
    private final String realm;
    private final boolean ltCredMech;
    private final Map<String, String> users;
    private final Map<String, byte[]> userKeys;
    private final boolean useAuthSecret;
    private final List<String> staticAuthSecrets;
    private final char restApiSeparator;
    private final boolean allowLoopbackPeers;
    private final List<AddressRange> allowedPeerRanges;
    private final List<AddressRange> deniedPeerRanges;
    private final boolean noMulticastPeers;
    private final int userQuota;
    private final int totalQuota;
    private final long maxBps;
    private final Duration maxAllocateLifetime;
    private final Duration permissionLifetime;
    private final Duration channelLifetime;
    private final Duration staleNonce;
    private final boolean noUdp;
    private final boolean noTcp;
    private final String softwareAttribute;
    private final Path userdb;
    private final StoreLocation credentialStore;
    private final boolean verbose;
    private final PeerPolicy peerPolicy;
    private final Path pidfile;
    private final String logFile;
    private final boolean simpleLog;
    private final boolean syslog;
    private final boolean noStdoutLog;
    private final LogFormat logFormat;
    private final String serverName;
    private final String listeningDevice;
    private final boolean noUdpRelay;
    private final boolean noTcpRelay;
    private final boolean keepAddressFamily;
    private final AddressFamily allocationDefaultAddressFamily;
    private final AdminSettings admin;
    private final List<InetSocketAddress> alternateServers;
    private final List<InetSocketAddress> tlsAlternateServers;
    private final int altListeningPort;
    private final MetricsSettings metrics;
    private final ClusterSettings cluster;

    private ServerConfig(Builder builder, String realm, StoreLocation credentialStore) {
        this.listeningIps = List.copyOf(builder.listeningIps);
        this.listeningPort = builder.listeningPort;
        this.tlsListeningPort = builder.tlsListeningPort;
        this.noTls = builder.noTls;
        this.noDtls = builder.noDtls;
        this.cert = builder.cert;
        this.pkey = builder.pkey;
        this.pkeyPwd = builder.pkeyPwd;
        this.cipherList = builder.cipherList;
        this.proxyProtocol = builder.proxyProtocol;
        this.relayIps = List.copyOf(builder.relayIps);
        this.externalIps = List.copyOf(builder.externalIps);
        this.minPort = builder.minPort;
        this.maxPort = builder.maxPort;
        this.realm = realm;
        // coturn: users or a REST API secret turn the long-term credential mechanism on.
        this.useAuthSecret = builder.useAuthSecret || !builder.staticAuthSecrets.isEmpty();
        this.ltCredMech = builder.ltCredMech || useAuthSecret || !builder.users.isEmpty()
                || !builder.userKeys.isEmpty();
        this.users = Collections.unmodifiableMap(new LinkedHashMap<>(builder.users));
        Map<String, byte[]> keys = new LinkedHashMap<>();
        builder.userKeys.forEach((name, key) -> keys.put(name, key.clone()));
        this.userKeys = Collections.unmodifiableMap(keys);
        this.staticAuthSecrets = List.copyOf(builder.staticAuthSecrets);
        this.restApiSeparator = builder.restApiSeparator;
        this.allowLoopbackPeers = builder.allowLoopbackPeers;
        this.allowedPeerRanges = List.copyOf(builder.allowedPeerRanges);
        this.deniedPeerRanges = List.copyOf(builder.deniedPeerRanges);
        this.noMulticastPeers = builder.noMulticastPeers;
        this.userQuota = builder.userQuota;
        this.totalQuota = builder.totalQuota;
        this.maxBps = builder.maxBps;
        this.maxAllocateLifetime = builder.maxAllocateLifetime;
        this.permissionLifetime = builder.permissionLifetime;
        this.channelLifetime = builder.channelLifetime;
        this.staleNonce = builder.staleNonce;
        this.noUdp = builder.noUdp;
        this.noTcp = builder.noTcp;
        this.softwareAttribute = builder.softwareAttribute;
        this.userdb = builder.userdb;
        this.credentialStore = credentialStore;
        this.verbose = builder.verbose;
        this.peerPolicy = new PeerPolicy(allowLoopbackPeers, allowedPeerRanges, deniedPeerRanges);
        this.pidfile = builder.pidfile;
        this.logFile = builder.logFile;
        this.simpleLog = builder.simpleLog;
        this.syslog = builder.syslog;
        this.noStdoutLog = builder.noStdoutLog;
        this.logFormat = builder.logFormat;
        this.serverName = builder.serverName;
        this.listeningDevice = builder.listeningDevice;
        this.noUdpRelay = builder.noUdpRelay;
        this.noTcpRelay = builder.noTcpRelay;
        this.keepAddressFamily = builder.keepAddressFamily;
        this.allocationDefaultAddressFamily = builder.allocationDefaultAddressFamily;
        this.admin = new AdminSettings(builder.webAdmin, builder.webAdminIp, builder.webAdminPort,
                builder.webAdminTokenFile, builder.drainTimeout);
        this.alternateServers = List.copyOf(builder.alternateServers);
        this.tlsAlternateServers = List.copyOf(builder.tlsAlternateServers);
        this.altListeningPort = builder.rfc5780() ? builder.altListeningPort() : 0;
        this.metrics = builder.metrics;
        this.cluster = builder.cluster;
    }

    /** A builder holding every default. */
    public static Builder builder() {
        return new Builder();
    }

    /** {@code turnkit/VERSION}: what {@code --software-attribute} without a value puts in SOFTWARE. */
    public static String defaultSoftwareAttribute() {
        String version = ServerConfig.class.getPackage().getImplementationVersion();
        return "turnkit/" + (version == null ? "dev" : version);
    }

    /** {@code $HOME/.local/share/turnkit/userdb}: where users and secrets live unless {@code --userdb} says. */
    public static Path defaultUserdb() {
        String home = System.getenv("HOME");
        return Path.of(home == null || home.isEmpty() ? System.getProperty("user.home") : home,
                ".local", "share", "turnkit", "userdb");
    }

    /**
     * {@code listening-ip}: the addresses to listen on for UDP and TCP. Empty means every address of
     * every interface, IPv4 and IPv6.
     */
    public List<InetAddress> listeningIps() {
        return listeningIps;
    }

    /** {@code listening-port}: the UDP and TCP port, 3478 by default. */
    public int listeningPort() {
        return listeningPort;
    }

    /**
     * {@code tls-listening-port}: the port of TURN over TLS and DTLS (RFC 8656 §3.1), 5349 by default, TCP and UDP.
     * Every listener, this one and {@link #listeningPort()}'s, takes the plain and the secure protocol alike.
     */
    public int tlsListeningPort() {
        return tlsListeningPort;
    }

    /** {@code no-tls}: no TLS listener, and TCP listeners refuse TLS. */
    public boolean noTls() {
        return noTls;
    }

    /** {@code no-dtls}: no UDP listener on the TLS port, and UDP listeners refuse DTLS. */
    public boolean noDtls() {
        return noDtls;
    }

    /** {@code cert}: the PEM certificate chain, the server's first; null for a self-signed one made at start. */
    public Path cert() {
        return cert;
    }

    /** {@code pkey}: the PEM private key of {@link #cert()} (PKCS#8, PKCS#1 or EC, maybe encrypted). */
    public Path pkey() {
        return pkey;
    }

    /** {@code pkey-pwd}: the password of an encrypted {@link #pkey()}, or null. */
    public String pkeyPwd() {
        return pkeyPwd;
    }

    /** {@code cipher-list}: the TLS cipher suites offered, or null for the TLS provider's defaults. */
    public String cipherList() {
        return cipherList;
    }

    /**
     * {@code proxy-protocol}: every TCP and TLS connection starts with a PROXY protocol v1 or v2 header (a
     * load balancer's), whose source address is the client's; a connection without one is closed.
     */
    public boolean proxyProtocol() {
        return proxyProtocol;
    }

    /**
     * {@code relay-ip}: the addresses relay sockets are bound to. Empty means the address the client
     * reached the server on, as in coturn, and the wildcard when the server listens on the wildcard; a
     * wildcard is only usable with an {@code external-ip} to tell clients instead.
     */
    public List<InetAddress> relayIps() {
        return relayIps;
    }

    /** {@code external-ip}: public/private mappings for a server behind a 1:1 NAT. */
    public List<ExternalIp> externalIps() {
        return externalIps;
    }

    /** {@code min-port}: the lowest relay port. */
    public int minPort() {
        return minPort;
    }

    /** {@code max-port}: the highest relay port. */
    public int maxPort() {
        return maxPort;
    }

    /** {@code realm}: the REALM of the long-term credential mechanism, by default the host name. */
    public String realm() {
        return realm;
    }

    /**
     * {@code lt-cred-mech}: the long-term credential mechanism (RFC 8489 §9.2). As in coturn, static
     * users and the REST API secret turn it on.
     */
    public boolean ltCredMech() {
        return ltCredMech;
    }

    /** {@code user NAME:PASSWORD}: static users and their passwords. */
    public Map<String, String> users() {
        return users;
    }

    /** {@code user NAME:0xKEY}: static users given by their 16-byte long-term key rather than a password. */
    public Map<String, byte[]> userKeys() {
        Map<String, byte[]> copy = new LinkedHashMap<>();
        userKeys.forEach((name, key) -> copy.put(name, key.clone()));
        return copy;
    }

    /**
     * {@code use-auth-secret}: TURN REST API credentials (user name {@code EXPIRY:USER}, password an HMAC
     * of it). A {@code static-auth-secret} turns it on, as in coturn.
     */
    public boolean useAuthSecret() {
        return useAuthSecret;
    }

    /** {@code static-auth-secret}: the REST API shared secrets, any of which may have signed a password. */
    public List<String> staticAuthSecrets() {
        return staticAuthSecrets;
    }

    /** {@code rest-api-separator}: the character between expiry and user id in a REST API user name. */
    public char restApiSeparator() {
        return restApiSeparator;
    }

    /** {@code allow-loopback-peers}: relay to 127.0.0.0/8 and ::1 (for tests; never in production). */
    public boolean allowLoopbackPeers() {
        return allowLoopbackPeers;
    }

    /** {@code allowed-peer-ip}: ranges opened despite being special-purpose (an internal media server). */
    public List<AddressRange> allowedPeerRanges() {
        return allowedPeerRanges;
    }

    /** {@code denied-peer-ip}: ranges never relayed to; they win over allowed ranges. */
    public List<AddressRange> deniedPeerRanges() {
        return deniedPeerRanges;
    }

    /**
     * {@code no-multicast-peers}: accepted for coturn configurations and otherwise without effect, since
     * turnkit never relays to multicast or broadcast addresses.
     */
    public boolean noMulticastPeers() {
        return noMulticastPeers;
    }

    /** {@code user-quota}: allocations one user may hold at once; 0 for no limit. */
    public int userQuota() {
        return userQuota;
    }

    /** {@code total-quota}: allocations the server holds at once; 0 for no limit. */
    public int totalQuota() {
        return totalQuota;
    }

    /** {@code max-bps}: bytes per second one allocation may relay each way; 0 for no limit. */
    public long maxBps() {
        return maxBps;
    }

    /** {@code max-allocate-lifetime}: the longest lifetime a client may ask for an allocation. */
    public Duration maxAllocateLifetime() {
        return maxAllocateLifetime;
    }

    /** {@code permission-lifetime}: 300 s per RFC 8656 §9; changing it is for tests. */
    public Duration permissionLifetime() {
        return permissionLifetime;
    }

    /** {@code channel-lifetime}: 600 s per RFC 8656 §12; changing it is for tests. */
    public Duration channelLifetime() {
        return channelLifetime;
    }

    /** {@code stale-nonce}: how long a nonce stays good. */
    public Duration staleNonce() {
        return staleNonce;
    }

    /** {@code no-udp}: start no UDP listener. */
    public boolean noUdp() {
        return noUdp;
    }

    /** {@code no-tcp}: start no TCP listener. */
    public boolean noTcp() {
        return noTcp;
    }

    /**
     * {@code software-attribute}: the SOFTWARE attribute (RFC 8489 §14.14) put in responses, or null for
     * none, the default: a bigger response to an unauthenticated request helps amplification attacks, and
     * the version tells attackers which holes to try.
     */
    public String softwareAttribute() {
        return softwareAttribute;
    }

    /** {@code userdb}: the file holding users and REST API secrets, unless {@code redis-userdb} is given. */
    public Path userdb() {
        return userdb;
    }

    /**
     * Where users and REST API secrets live: the Redis database of {@code redis-userdb} (with
     * {@code redis-password} and {@code redis-tls}) when given, else the {@code userdb} file.
     */
    public StoreLocation credentialStore() {
        return credentialStore;
    }

    /** {@code verbose}: debug logging. */
    public boolean verbose() {
        return verbose;
    }

    /** {@code pidfile}: the file the process writes its id to while it runs, or null for none. */
    public Path pidfile() {
        return pidfile;
    }

    /**
     * {@code log-file}: a file to log to, or coturn's words {@code stdout} and {@code syslog}; null logs to
     * stderr only.
     */
    public String logFile() {
        return logFile;
    }

    /** {@code simple-log}: write the log file under its name as given, without a daily rollover. */
    public boolean simpleLog() {
        return simpleLog;
    }

    /** {@code syslog}: log to the local syslog as well. */
    public boolean syslog() {
        return syslog;
    }

    /** {@code no-stdout-log}: no log lines on the console (stdout or stderr). */
    public boolean noStdoutLog() {
        return noStdoutLog;
    }

    /** {@code log-format}: lines for a person or JSON for a log pipeline. */
    public LogFormat logFormat() {
        return logFormat;
    }

    /** {@code server-name}: the name the server's log lines and start line give it; the realm by default. */
    public String serverName() {
        return serverName != null ? serverName : realm;
    }

    /** {@code listening-device}: the network interface whose addresses are among {@link #listeningIps()}, or null. */
    public String listeningDevice() {
        return listeningDevice;
    }

    /** {@code no-udp-relay}: refuse allocations with a UDP relayed transport. */
    public boolean noUdpRelay() {
        return noUdpRelay;
    }

    /** {@code no-tcp-relay}: refuse allocations with a TCP relayed transport (RFC 6062). */
    public boolean noTcpRelay() {
        return noTcpRelay;
    }

    /** {@code keep-address-family}: an Allocate without REQUESTED-ADDRESS-FAMILY keeps the client's family. */
    public boolean keepAddressFamily() {
        return keepAddressFamily;
    }

    /** {@code allocation-default-address-family}: the relayed family an Allocate gets when it asks for none. */
    public AddressFamily allocationDefaultAddressFamily() {
        return keepAddressFamily ? AddressFamily.KEEP : allocationDefaultAddressFamily;
    }

    /** The admin interface and the drain: {@code web-admin*} and {@code drain-timeout}. */
    public AdminSettings admin() {
        return admin;
    }

    /**
     * {@code alternate-server}: where Allocate requests over UDP and TCP are sent with 300 (Try Alternate), in
     * turn (RFC 8489 §10); empty to serve them here.
     */
    public List<InetSocketAddress> alternateServers() {
        return alternateServers;
    }

    /** {@code tls-alternate-server}: as {@link #alternateServers()}, for Allocate requests over TLS. */
    public List<InetSocketAddress> tlsAlternateServers() {
        return tlsAlternateServers;
    }

    /**
     * Whether the server does RFC 5780 NAT behavior discovery ({@code rfc5780}, or {@code alt-listening-port}
     * given, and no {@code no-rfc5780}): UDP listeners on {@link #altListeningPort()} too, and Binding responses
     * that say where the other listeners are.
     */
    public boolean rfc5780() {
        return altListeningPort != 0;
    }

    /** {@code alt-listening-port}: RFC 5780's alternate port of every listening address; 0 without RFC 5780. */
    public int altListeningPort() {
        return altListeningPort;
    }

    /** The Prometheus endpoint's settings. */
    public MetricsSettings metrics() {
        return metrics;
    }

    /** Cluster mode: the shared Redis database, the node's name, the redirect load. */
    public ClusterSettings cluster() {
        return cluster;
    }

    /** The peer policy these settings make, built once. */
    public PeerPolicy peerPolicy() {
        return peerPolicy;
    }

    /** Every setting, with user names but no password, key or secret. */
    @Override
    public String toString() {
        return "ServerConfig{listeningIps=" + addresses(listeningIps) + ", listeningPort=" + listeningPort
                + ", tlsListeningPort=" + tlsListeningPort + ", noTls=" + noTls + ", noDtls=" + noDtls + ", cert=" + cert + ", pkey=" + pkey
                + ", cipherList=" + cipherList + ", proxyProtocol=" + proxyProtocol
                + ", relayIps=" + addresses(relayIps) + ", externalIps=" + externalIps
                + ", minPort=" + minPort + ", maxPort=" + maxPort + ", realm=" + realm
                + ", ltCredMech=" + ltCredMech + ", users=" + users.keySet() + ", userKeys=" + userKeys.keySet()
                + ", useAuthSecret=" + useAuthSecret + ", staticAuthSecrets=" + staticAuthSecrets.size() + " secret(s)"
                + ", restApiSeparator=" + restApiSeparator + ", allowLoopbackPeers=" + allowLoopbackPeers
                + ", allowedPeerRanges=" + allowedPeerRanges + ", deniedPeerRanges=" + deniedPeerRanges
                + ", noMulticastPeers=" + noMulticastPeers + ", userQuota=" + userQuota + ", totalQuota=" + totalQuota
                + ", maxBps=" + maxBps + ", maxAllocateLifetime=" + maxAllocateLifetime.toSeconds() + "s"
                + ", permissionLifetime=" + permissionLifetime.toSeconds() + "s"
                + ", channelLifetime=" + channelLifetime.toSeconds() + "s"
                + ", staleNonce=" + staleNonce.toSeconds() + "s, noUdp=" + noUdp + ", noTcp=" + noTcp
                + ", softwareAttribute=" + softwareAttribute + ", credentialStore=" + credentialStore
                + ", verbose=" + verbose + ", pidfile=" + pidfile + ", logFile=" + logFile + ", simpleLog=" + simpleLog
                + ", syslog=" + syslog + ", noStdoutLog=" + noStdoutLog + ", logFormat=" + logFormat
                + ", serverName=" + serverName + ", listeningDevice=" + listeningDevice + ", noUdpRelay=" + noUdpRelay
                + ", noTcpRelay=" + noTcpRelay + ", allocationDefaultAddressFamily=" + allocationDefaultAddressFamily()
                + ", alternateServers=" + alternateServers + ", tlsAlternateServers=" + tlsAlternateServers
                + ", altListeningPort=" + altListeningPort + ", metrics=" + metrics + ", cluster=" + cluster + "}";
    }

    private static List<String> addresses(List<InetAddress> addresses) {
        List<String> texts = new ArrayList<>();
        addresses.forEach(address -> texts.add(address.getHostAddress()));
        return texts;
    }

    /**
     * Collects settings; every setter checks its value and throws {@link IllegalArgumentException}
     * ("expected …, got …") at once.
     */
    public static final class Builder {
        private final Set<InetAddress> listeningIps = new LinkedHashSet<>();
        private int listeningPort = DEFAULT_LISTENING_PORT;
        private int tlsListeningPort = DEFAULT_TLS_LISTENING_PORT;
        private boolean noTls;
        private boolean noDtls;
        private Path cert;
        private Path pkey;
        private String pkeyPwd;
        private String cipherList;
        private boolean proxyProtocol;
        private final Set<InetAddress> relayIps = new LinkedHashSet<>();
        private final List<ExternalIp> externalIps = new ArrayList<>();
        private int minPort = DEFAULT_MIN_PORT;
        private int maxPort = DEFAULT_MAX_PORT;
        private String realm;
        private boolean ltCredMech;
        private final Map<String, String> users = new LinkedHashMap<>();
        private final Map<String, byte[]> userKeys = new LinkedHashMap<>();
        private boolean useAuthSecret;
        private final List<String> staticAuthSecrets = new ArrayList<>();
        private char restApiSeparator = DEFAULT_REST_API_SEPARATOR;
        private boolean allowLoopbackPeers;
        private final List<AddressRange> allowedPeerRanges = new ArrayList<>();
        private final List<AddressRange> deniedPeerRanges = new ArrayList<>();
        private boolean noMulticastPeers;
        private int userQuota;
        private int totalQuota;
        private long maxBps;
        private Duration maxAllocateLifetime = DEFAULT_MAX_ALLOCATE_LIFETIME;
        private Duration permissionLifetime = DEFAULT_PERMISSION_LIFETIME;
        private Duration channelLifetime = DEFAULT_CHANNEL_LIFETIME;
        private Duration staleNonce = DEFAULT_STALE_NONCE;
        private boolean noUdp;
        private boolean noTcp;
        private String softwareAttribute;
        private Path userdb = defaultUserdb();
        private String redisUserdb;
        private final List<InetSocketAddress> alternateServers = new ArrayList<>();
        private final List<InetSocketAddress> tlsAlternateServers = new ArrayList<>();
        private boolean rfc5780;
        private boolean noRfc5780;
        /** 0: the listening port plus one, as coturn. */
        private int altListeningPort;
        private boolean altListeningPortGiven;
        private String redisPassword;
        private boolean redisTls;
        private boolean verbose;
        private Path pidfile;
        private String logFile;
        private boolean simpleLog;
        private boolean syslog;
        private boolean noStdoutLog;
        private LogFormat logFormat = LogFormat.TEXT;
        private String serverName;
        private String listeningDevice;
        private boolean noUdpRelay;
        private boolean noTcpRelay;
        private boolean keepAddressFamily;
        private AddressFamily allocationDefaultAddressFamily = AddressFamily.IPV4;
        private boolean webAdmin;
        private InetAddress webAdminIp = AdminSettings.defaults().webAdminIp();
        private int webAdminPort = AdminSettings.DEFAULT_WEB_ADMIN_PORT;
        private Path webAdminTokenFile;
        private Duration drainTimeout = AdminSettings.DEFAULT_DRAIN_TIMEOUT;
        private MetricsSettings metrics = MetricsSettings.DEFAULT;
        private ClusterSettings cluster = ClusterSettings.DEFAULT;

        private Builder() {
        }

        /** Adds a listening address (a repeated one counts once). */
        public Builder addListeningIp(InetAddress address) {
            listeningIps.add(required(address, "an IP address"));
            return this;
        }

        /** Replaces the listening addresses; empty listens on every interface. */
        public Builder listeningIps(List<InetAddress> addresses) {
            listeningIps.clear();
            addresses.forEach(this::addListeningIp);
            return this;
        }

        /** Sets the UDP and TCP port; 0 lets the system pick one (tests). */
        public Builder listeningPort(int port) {
            listeningPort = listeningPortNumber(port);
            return this;
        }

        /** Sets the TLS port; 0 lets the system pick one (tests). */
        public Builder tlsListeningPort(int port) {
            tlsListeningPort = listeningPortNumber(port);
            return this;
        }

        private static int listeningPortNumber(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("expected a port number 1-65535 (0: any free port), got " + port);
            }
            return port;
        }

        /** Starts no TLS listener, and refuses TLS on the TCP ones, when on. */
        public Builder noTls(boolean on) {
            noTls = on;
            return this;
        }

        /** Starts no UDP listener on the TLS port, and refuses DTLS on the UDP ones, when on. */
        public Builder noDtls(boolean on) {
            noDtls = on;
            return this;
        }

        /** Sets the PEM certificate chain file. */
        public Builder cert(Path file) {
            cert = required(file, "a file");
            return this;
        }

        /** Sets the PEM private key file. */
        public Builder pkey(Path file) {
            pkey = required(file, "a file");
            return this;
        }

        /** Sets the password of an encrypted private key. */
        public Builder pkeyPwd(String password) {
            if (password == null || password.isEmpty()) {
                throw new IllegalArgumentException("expected a password, got none");
            }
            pkeyPwd = password;
            return this;
        }

        /** Sets the TLS cipher suites, separated by ':' or ','; {@code DEFAULT} for the provider's. */
        public Builder cipherList(String ciphers) {
            if (ciphers == null || ciphers.isBlank()) {
                throw new IllegalArgumentException("expected a cipher list, got none");
            }
            cipherList = ciphers;
            return this;
        }

        /** Expects a PROXY protocol header at the start of every TCP and TLS connection when on. */
        public Builder proxyProtocol(boolean on) {
            proxyProtocol = on;
            return this;
        }

        /** Adds a relay address (a repeated one counts once). */
        public Builder addRelayIp(InetAddress address) {
            relayIps.add(required(address, "an IP address"));
            return this;
        }

        /** Replaces the relay addresses; empty relays from the address each client reached. */
        public Builder relayIps(List<InetAddress> addresses) {
            relayIps.clear();
            addresses.forEach(this::addRelayIp);
            return this;
        }

        /** Adds a public/private address mapping. */
        public Builder addExternalIp(ExternalIp externalIp) {
            externalIps.add(required(externalIp, "PUBLIC[/PRIVATE]"));
            return this;
        }

        /** Replaces the public/private address mappings. */
        public Builder externalIps(List<ExternalIp> mappings) {
            externalIps.clear();
            mappings.forEach(this::addExternalIp);
            return this;
        }

        /** Sets the lowest relay port. */
        public Builder minPort(int port) {
            minPort = relayPort(port);
            return this;
        }

        /** Sets the highest relay port. */
        public Builder maxPort(int port) {
            maxPort = relayPort(port);
            return this;
        }

        private static int relayPort(int port) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("expected a port number 1-65535, got " + port);
            }
            return port;
        }

        /** Sets the realm (RFC 8489 §14.9: under 128 characters). */
        public Builder realm(String text) {
            realm = text(text, "a realm");
            return this;
        }

        /** Turns the long-term credential mechanism on or off. */
        public Builder ltCredMech(boolean on) {
            ltCredMech = on;
            return this;
        }

        /** Adds (or replaces) a static user with a password. */
        public Builder user(String name, String password) {
            userName(name);
            if (password == null || password.isEmpty()) {
                throw new IllegalArgumentException("expected a password for user '" + name + "', got none");
            }
            userKeys.remove(name);
            users.put(name, password);
            return this;
        }

        /** Adds (or replaces) a static user with its 16-byte long-term key, MD5(name:realm:password). */
        public Builder userKey(String name, byte[] key) {
            userName(name);
            if (key == null || key.length != USER_KEY_BYTES) {
                throw new IllegalArgumentException("expected a " + USER_KEY_BYTES + "-byte key for user '" + name
                        + "', got " + (key == null ? "none" : key.length + " bytes"));
            }
            users.remove(name);
            userKeys.put(name, key.clone());
            return this;
        }

        private static void userName(String name) {
            int bytes = name == null ? 0 : name.getBytes(StandardCharsets.UTF_8).length;
            if (bytes == 0 || bytes > MAX_USERNAME_BYTES) {
                throw new IllegalArgumentException("expected a user name of 1 to " + MAX_USERNAME_BYTES
                        + " bytes, got " + bytes + " bytes");
            }
        }

        /** Turns TURN REST API credentials on or off. */
        public Builder useAuthSecret(boolean on) {
            useAuthSecret = on;
            return this;
        }

        /** Adds a REST API shared secret. */
        public Builder addStaticAuthSecret(String secret) {
            if (secret == null || secret.isEmpty()) {
                throw new IllegalArgumentException("expected a secret, got an empty one");
            }
            staticAuthSecrets.add(secret);
            return this;
        }

        /** Sets the REST API user name separator. */
        public Builder restApiSeparator(char separator) {
            if (Character.isWhitespace(separator) || Character.isISOControl(separator)) {
                throw new IllegalArgumentException("expected a printable character, got U+"
                        + String.format("%04X", (int) separator));
            }
            restApiSeparator = separator;
            return this;
        }

        /** Opens or closes loopback peers. */
        public Builder allowLoopbackPeers(boolean on) {
            allowLoopbackPeers = on;
            return this;
        }

        /** Adds an allowed peer range. */
        public Builder addAllowedPeerRange(AddressRange range) {
            allowedPeerRanges.add(required(range, "an address range"));
            return this;
        }

        /** Adds a denied peer range. */
        public Builder addDeniedPeerRange(AddressRange range) {
            deniedPeerRanges.add(required(range, "an address range"));
            return this;
        }

        /** Records coturn's no-multicast-peers; multicast peers are denied either way. */
        public Builder noMulticastPeers(boolean on) {
            noMulticastPeers = on;
            return this;
        }

        /** Sets the per-user allocation quota; 0 for none. */
        public Builder userQuota(int allocations) {
            userQuota = (int) notNegative(allocations, "a number of allocations");
            return this;
        }

        /** Sets the server-wide allocation quota; 0 for none. */
        public Builder totalQuota(int allocations) {
            totalQuota = (int) notNegative(allocations, "a number of allocations");
            return this;
        }

        /** Sets the per-allocation bandwidth cap in bytes per second; 0 for none. */
        public Builder maxBps(long bytesPerSecond) {
            maxBps = notNegative(bytesPerSecond, "bytes per second");
            return this;
        }

        /** Sets the longest allocation lifetime a client may ask for. */
        public Builder maxAllocateLifetime(Duration lifetime) {
            maxAllocateLifetime = positive(lifetime);
            return this;
        }

        /** Sets the permission lifetime (tests only: RFC 8656 §9 fixes it at 300 s). */
        public Builder permissionLifetime(Duration lifetime) {
            permissionLifetime = positive(lifetime);
            return this;
        }

        /** Sets the channel binding lifetime (tests only: RFC 8656 §12 fixes it at 600 s). */
        public Builder channelLifetime(Duration lifetime) {
            channelLifetime = positive(lifetime);
            return this;
        }

        /** Sets how long a nonce stays good. */
        public Builder staleNonce(Duration lifetime) {
            staleNonce = positive(lifetime);
            return this;
        }

        /** Starts no UDP listener when on. */
        public Builder noUdp(boolean on) {
            noUdp = on;
            return this;
        }

        /** Starts no TCP listener when on. */
        public Builder noTcp(boolean on) {
            noTcp = on;
            return this;
        }

        /** Sets the SOFTWARE attribute, or null to send none. */
        public Builder softwareAttribute(String text) {
            softwareAttribute = text == null ? null : text(text, "a SOFTWARE description");
            return this;
        }

        /** Sets the user database file. */
        public Builder userdb(Path file) {
            userdb = required(file, "a file");
            return this;
        }

        /**
         * Keeps users and secrets in Redis instead of the file: {@code redis://HOST[:PORT][/DB]}, {@code rediss://…}
         * for TLS, or coturn's {@code "ip=HOST port=PORT dbname=DB password=PASSWORD"}.
         */
        public Builder redisUserdb(String value) {
            StoreLocation.parseRedis(value, null, false);
            redisUserdb = value;
            return this;
        }

        /** Sets the Redis password; it replaces one inside the {@code redis-userdb} value. */
        public Builder redisPassword(String password) {
            if (password == null || password.isEmpty()) {
                throw new IllegalArgumentException("expected a password, got none");
            }
            redisPassword = password;
            return this;
        }

        /** Reaches Redis over TLS when on ({@code rediss://} asks for it as well). */
        public Builder redisTls(boolean on) {
            redisTls = on;
            return this;
        }

        /** Turns debug logging on or off. */
        public Builder verbose(boolean on) {
            verbose = on;
            return this;
        }

        /** Sets the pid file; null or coturn's empty value ({@code --pidfile=}) writes none. */
        public Builder pidfile(Path file) {
            pidfile = file == null || file.toString().isEmpty() ? null : file;
            return this;
        }

        /** Sets the log file, or {@code stdout} or {@code syslog}; null or empty logs to stderr only. */
        public Builder logFile(String file) {
            logFile = file == null || file.isEmpty() ? null : file;
            return this;
        }

        /** Writes the log file under its name as given, without a daily rollover, when on. */
        public Builder simpleLog(boolean on) {
            simpleLog = on;
            return this;
        }

        /** Logs to the local syslog as well when on. */
        public Builder syslog(boolean on) {
            syslog = on;
            return this;
        }

        /** Writes no log line to the console when on. */
        public Builder noStdoutLog(boolean on) {
            noStdoutLog = on;
            return this;
        }

        /** Sets the form of log lines. */
        public Builder logFormat(LogFormat format) {
            logFormat = required(format, "a log format");
            return this;
        }

        /** Sets the server's name. */
        public Builder serverName(String name) {
            serverName = text(name, "a server name");
            return this;
        }

        /** Names the network interface whose addresses the caller adds as listening addresses. */
        public Builder listeningDevice(String device) {
            listeningDevice = text(device, "a network interface name");
            return this;
        }

        /** Refuses UDP relayed transports when on. */
        public Builder noUdpRelay(boolean on) {
            noUdpRelay = on;
            return this;
        }

        /** Refuses TCP relayed transports when on. */
        public Builder noTcpRelay(boolean on) {
            noTcpRelay = on;
            return this;
        }

        /** Gives an Allocate without REQUESTED-ADDRESS-FAMILY the family the client reached the server on. */
        public Builder keepAddressFamily(boolean on) {
            keepAddressFamily = on;
            return this;
        }

        /** Turns the admin HTTP interface on. */
        public Builder webAdmin(boolean on) {
            webAdmin = on;
            return this;
        }

        /** Sets the address the admin interface listens on. */
        public Builder webAdminIp(InetAddress address) {
            webAdminIp = required(address, "an address");
            return this;
        }

        /** Sets the admin interface's TCP port; 0 for any free port. */
        public Builder webAdminPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("web-admin-port must be 0-65535, got " + port);
            }
            webAdminPort = port;
            return this;
        }

        /** Names the file that holds the admin interface's bearer token. */
        public Builder webAdminTokenFile(Path file) {
            webAdminTokenFile = required(file, "a file");
            return this;
        }

        /** Sets how long a drain waits for allocations to end. */
        public Builder drainTimeout(Duration timeout) {
            drainTimeout = positive(timeout);
            return this;
        }

        /** Sets the relayed family an Allocate gets when it asks for none. */
        public Builder allocationDefaultAddressFamily(AddressFamily family) {
            allocationDefaultAddressFamily = required(family, "an address family");
            return this;
        }

        /** Adds an alternate server for Allocate requests over UDP and TCP (repeatable: round robin). */
        public Builder addAlternateServer(InetSocketAddress server) {
            alternateServers.add(concrete(server, "alternate-server"));
            return this;
        }

        /** Adds an alternate server for Allocate requests over TLS (repeatable: round robin). */
        public Builder addTlsAlternateServer(InetSocketAddress server) {
            tlsAlternateServers.add(concrete(server, "tls-alternate-server"));
            return this;
        }

        /** Turns RFC 5780 NAT behavior discovery on, unless {@link #noRfc5780} turns it off. */
        public Builder rfc5780(boolean on) {
            rfc5780 = on;
            return this;
        }

        /** Keeps RFC 5780 NAT behavior discovery off, whatever else asks for it. */
        public Builder noRfc5780(boolean on) {
            noRfc5780 = on;
            return this;
        }

        /** Sets RFC 5780's alternate port, and so asks for RFC 5780; 0 means the listening port plus one. */
        public Builder altListeningPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("expected a port number 1-65535 (0: listening-port plus one), got "
                        + port);
            }
            altListeningPort = port;
            altListeningPortGiven = true;
            return this;
        }

        private boolean rfc5780() {
            return (rfc5780 || altListeningPortGiven) && !noRfc5780;
        }

        private int altListeningPort() {
            return altListeningPort != 0 ? altListeningPort : listeningPort + 1;
        }

        /** Serves the Prometheus endpoint ({@code prometheus}). */
        public Builder prometheus(boolean on) {
            metrics = metrics.withEnabled(on);
            return this;
        }

        /** The address the Prometheus endpoint listens on; by default every address. */
        public Builder prometheusAddress(InetAddress address) {
            metrics = metrics.withAddress(required(address, "an address"));
            return this;
        }

        /** The Prometheus endpoint's port; 0 lets the system pick one (tests). */
        public Builder prometheusPort(int port) {
            metrics = metrics.withPort(port);
            return this;
        }

        public Builder prometheusPath(String path) {
            metrics = metrics.withPath(path);
            return this;
        }

        /** Shows active allocations per user too, for the busiest users. */
        public Builder prometheusUsernameLabels(boolean on) {
            metrics = metrics.withUsernameLabels(on);
            return this;
        }

        /** Changes the cluster settings: {@code redis-statsdb}, {@code node-id}, {@code redirect-load}. */
        public Builder cluster(UnaryOperator<ClusterSettings> change) {
            cluster = Objects.requireNonNull(change.apply(cluster), "cluster settings");
            return this;
        }

        /**
         * Checks the settings against each other and makes the configuration. Without a realm, the realm is
         * the host name.
         *
         * @throws IllegalArgumentException naming the options that do not fit together
         */
        public ServerConfig build() {
            if (minPort > maxPort) {
                throw new IllegalArgumentException("min-port " + minPort + " is above max-port " + maxPort);
            }
            if (noUdp && noTcp) {
                throw new IllegalArgumentException("no-udp and no-tcp together leave nothing to listen on");
            }
            if ((cert == null) != (pkey == null)) {
                throw new IllegalArgumentException(cert == null ? "pkey needs cert" : "cert needs pkey");
            }
            if (noStdoutLog && logFile == null && !syslog) {
                throw new IllegalArgumentException("no-stdout-log without log-file or syslog leaves nowhere to log");
            }
            checkExternalIps();
            checkRelayIps();
            if (rfc5780()) {
                checkRfc5780();
            }
            return new ServerConfig(this, realm != null ? realm : localHostName(), credentialStore());
        }

        /**
         * Redis when {@code redis-userdb} is given (a {@code userdb} is then not read), else the file. A password
         * alone is no mistake: it may come from the environment for whichever command needs it.
         */
        private StoreLocation credentialStore() {
            if (redisUserdb != null) {
                return StoreLocation.parseRedis(redisUserdb, redisPassword, redisTls);
            }
            if (redisTls) {
                throw new IllegalArgumentException("redis-tls needs redis-userdb");
            }
            return StoreLocation.file(userdb);
        }

        /** coturn allows one PUBLIC without /PRIVATE; turnkit one per family, and one mapping per relay address. */
        private void checkExternalIps() {
            Set<Object> seen = new LinkedHashSet<>();
            for (ExternalIp mapping : externalIps) {
                Object key = mapping.mapsWholeFamily() ? ExternalIp.isIpv4(mapping.publicIp()) : mapping.privateIp();
                if (!seen.add(key)) {
                    throw new IllegalArgumentException("external-ip " + mapping + " maps "
                            + (mapping.mapsWholeFamily() ? "every relay address of its family" : mapping.privateIp()
                            .getHostAddress()) + " a second time");
                }
            }
        }

        /**
         * RFC 5780 §4.1: the server needs an alternate address and port, on UDP, where the four combinations of
         * address and port can be bound: a second listening address of the same family, and fixed ports.
         */
        private void checkRfc5780() {
            if (noUdp) {
                throw new IllegalArgumentException("rfc5780 needs UDP: it cannot go with no-udp");
            }
            if (listeningPort == 0 || altListeningPort() > 65535 || altListeningPort() == listeningPort) {
                throw new IllegalArgumentException("rfc5780 needs a listening-port and an alt-listening-port that "
                        + "differ, both 1-65535; got " + listeningPort + " and " + altListeningPort());
            }
            long ipv4 = listeningIps.stream().filter(ip -> !ip.isAnyLocalAddress() && ExternalIp.isIpv4(ip)).count();
            long ipv6 = listeningIps.stream().filter(ip -> !ip.isAnyLocalAddress() && !ExternalIp.isIpv4(ip)).count();
            if (ipv4 < 2 && ipv6 < 2) {
                throw new IllegalArgumentException("rfc5780 needs two listening-ip addresses of one family, the "
                        + "primary and the alternate address");
            }
        }

        private static InetSocketAddress concrete(InetSocketAddress server, String option) {
            required(server, "an address");
            if (server.isUnresolved()) {
                throw new IllegalArgumentException(option + " " + server.getHostString() + " does not resolve to an "
                        + "address");
            }
            if (server.getAddress().isAnyLocalAddress() || server.getPort() == 0) {
                throw new IllegalArgumentException(option + " " + server + " is not an address and port a client can "
                        + "reach");
            }
            return server;
        }

        /** A wildcard relay address would be told to clients as is, unless an external-ip replaces it. */
        private void checkRelayIps() {
            for (InetAddress relay : relayIps) {
                boolean mapped = externalIps.stream().anyMatch(mapping -> mapping.mapsWholeFamily()
                        && ExternalIp.isIpv4(mapping.publicIp()) == ExternalIp.isIpv4(relay));
                if (relay.isAnyLocalAddress() && !mapped) {
                    throw new IllegalArgumentException("relay-ip " + relay.getHostAddress()
                            + " is a wildcard: give the address clients can reach, or an external-ip for it");
                }
            }
        }

        private static <T> T required(T value, String expected) {
            if (value == null) {
                throw new IllegalArgumentException("expected " + expected + ", got none");
            }
            return value;
        }

        private static String text(String text, String expected) {
            if (text == null || text.isEmpty() || text.codePointCount(0, text.length()) > MAX_TEXT_CHARACTERS) {
                throw new IllegalArgumentException("expected " + expected + " of 1 to " + MAX_TEXT_CHARACTERS
                        + " characters, got " + (text == null ? "none" : "'" + text + "'"));
            }
            return text;
        }

        private static long notNegative(long value, String expected) {
            if (value < 0) {
                throw new IllegalArgumentException("expected " + expected + ", 0 or more, got " + value);
            }
            return value;
        }

        private static Duration positive(Duration lifetime) {
            if (lifetime == null || lifetime.isNegative() || lifetime.isZero()) {
                throw new IllegalArgumentException("expected a lifetime of 1 second or more, got "
                        + (lifetime == null ? "none" : lifetime.toSeconds() + " s"));
            }
            return lifetime;
        }

        private static String localHostName() {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                // The host name does not resolve (a bare container); a realm is set explicitly there anyway.
                return "localhost";
            }
        }
    }
}
