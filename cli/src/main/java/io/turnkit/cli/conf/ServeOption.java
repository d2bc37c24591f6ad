package io.turnkit.cli.conf;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;

import io.turnkit.server.config.AddressFamily;
import io.turnkit.server.config.Auth;
import io.turnkit.server.config.ExternalIp;
import io.turnkit.server.config.Listeners;
import io.turnkit.server.config.LogFormat;
import io.turnkit.server.config.ServerConfig;
import io.turnkit.server.policy.AddressRange;
import io.turnkit.server.policy.IpLiteral;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every option of {@code turnkit serve}, under coturn's names. The same table makes the command line's
 * options and reads {@code turnserver.conf} lines, so a name, its value syntax and its check exist once;
 * every name of an option ({@code --userdb}, {@code --db}, {@code -b}…) is also a key in the file,
 * without its dashes.
 */
public enum ServeOption {
    LISTENING_DEVICE(Kind.VALUE, "DEVICE", "Listen on the addresses of this network interface (eth0), as "
            + "--listening-ip with each of them.", ServeOption::listeningDevice, "--listening-device", "-d"),
    LISTENING_IP(Kind.LIST, "ADDRESS", "Address to listen on for UDP and TCP (repeatable). Default: every "
            + "interface.", (config, value) -> config.listeners(ls -> ls.addListeningIp(IpLiteral.parse(value))),
            "--listening-ip", "-L"),
    LISTENING_PORT(Kind.VALUE, "PORT", "UDP and TCP port. Default: ${DEFAULT-VALUE}.",
            (config, value) -> config.listeners(ls -> ls.listeningPort(port(value, 0))), "--listening-port", "-p"),
    ALT_LISTENING_PORT(Kind.VALUE, "PORT", "RFC 5780 NAT behavior discovery, with this alternate UDP port on every "
            + "listening address; 0: --listening-port plus one. Needs two --listening-ip of one family.",
            (config, value) -> config.listeners(ls -> ls.altListeningPort(port(value, 0))), "--alt-listening-port"),
    RFC5780(Kind.FLAG, "", "RFC 5780 NAT behavior discovery on the alternate port (--alt-listening-port).",
            flag((config, on) -> config.listeners(ls -> ls.rfc5780(on))), "--rfc5780"),
    NO_RFC5780(Kind.FLAG, "", "No RFC 5780 NAT behavior discovery, whatever else asks for it (the default).",
            flag((config, on) -> config.listeners(ls -> ls.noRfc5780(on))), "--no-rfc5780"),
    TLS_LISTENING_PORT(Kind.VALUE, "PORT", "TURN over TLS (turns:) and DTLS port, TCP and UDP; every port also "
            + "takes TLS and DTLS. Default: ${DEFAULT-VALUE}.",
            (config, value) -> config.listeners(ls -> ls.tlsListeningPort(port(value, 0))),
            "--tls-listening-port"),
    NO_TLS(Kind.FLAG, "", "No TLS listener, and TLS refused on the TCP ones.", flag((config, on) -> config.listeners(ls -> ls.noTls(on))),
            "--no-tls"),
    NO_DTLS(Kind.FLAG, "", "No DTLS listener on the TLS port, and DTLS refused on the UDP ones.",
            flag((config, on) -> config.listeners(ls -> ls.noDtls(on))), "--no-dtls"),
    DTLS(Kind.FLAG, "", "DTLS on every UDP listener and on the TLS port (the default; newer coturn needs it "
            + "asked for); --dtls=off is --no-dtls.", flag((config, on) -> config.listeners(ls -> ls.noDtls(!on))), "--dtls"),
    CERT(Kind.VALUE, "FILE", "PEM certificate chain for TLS, the server's certificate first; reloaded when it "
            + "changes. Default: a self-signed certificate made at start.",
            (config, value) -> config.listeners(ls -> ls.cert(Path.of(value))), "--cert"),
    PKEY(Kind.VALUE, "FILE", "PEM private key of --cert (PKCS#8, PKCS#1 or EC, maybe encrypted).",
            (config, value) -> config.listeners(ls -> ls.pkey(Path.of(value))), "--pkey"),
    PKEY_PWD(Kind.VALUE, "PASSWORD", "Password of an encrypted --pkey.", (config, value) -> config.listeners(ls -> ls.pkeyPwd(value)),
            "--pkey-pwd"),
    CIPHER_LIST(Kind.VALUE, "SUITES", "TLS cipher suites by their IANA names, separated by ':'. Default: DEFAULT, "
            + "the JDK's.", (config, value) -> config.listeners(ls -> ls.cipherList(value)), "--cipher-list"),
    PROXY_PROTOCOL(Kind.FLAG, "", "TCP and TLS connections start with a PROXY protocol v1/v2 header (HAProxy, AWS "
            + "NLB) giving the client's address; connections without one are closed.",
            flag((config, on) -> config.listeners(ls -> ls.proxyProtocol(on))), "--proxy-protocol"),
    RELAY_IP(Kind.LIST, "ADDRESS", "Address relay sockets are bound to (repeatable). Default: the address the "
            + "client reached.", (config, value) -> config.relay(rl -> rl.addRelayIp(IpLiteral.parse(value))), "--relay-ip", "-E"),
    EXTERNAL_IP(Kind.LIST, "PUBLIC[/PRIVATE]", "Public address to give clients when behind a 1:1 NAT "
            + "(repeatable, one per private relay address).",
            (config, value) -> config.relay(rl -> rl.addExternalIp(ExternalIp.parse(value))), "--external-ip", "-X"),
    MIN_PORT(Kind.VALUE, "PORT", "Lowest relay port. Default: ${DEFAULT-VALUE}.",
            (config, value) -> config.relay(rl -> rl.minPort(port(value, 1))), "--min-port"),
    MAX_PORT(Kind.VALUE, "PORT", "Highest relay port. Default: ${DEFAULT-VALUE}.",
            (config, value) -> config.relay(rl -> rl.maxPort(port(value, 1))), "--max-port"),
    REALM(Kind.VALUE, "REALM", "Realm of the long-term credentials. Default: the host name.",
            (config, value) -> config.auth(au -> au.realm(value)), "--realm", "-r"),
    LT_CRED_MECH(Kind.FLAG, "", "Long-term credential mechanism (on anyway with --user or a REST API secret).",
            flag((config, on) -> refuseOff(on, "turnkit has no unauthenticated relay: give --user or --use-auth-secret")),
            "--lt-cred-mech", "-a"),
    USER(Kind.LIST, "NAME:PASSWORD", "Static user (repeatable); NAME:0xKEY gives its MD5 key instead of a "
            + "password.", ServeOption::user, "--user", "-u"),
    USE_AUTH_SECRET(Kind.FLAG, "", "TURN REST API credentials: user EXPIRY:ID, password an HMAC of it.",
            flag((config, on) -> config.auth(au -> au.useAuthSecret(on))), "--use-auth-secret"),
    STATIC_AUTH_SECRET(Kind.LIST, "SECRET", "REST API shared secret (repeatable, to rotate secrets).",
            (config, value) -> config.auth(au -> au.addStaticAuthSecret(value)), "--static-auth-secret"),
    REST_API_SEPARATOR(Kind.VALUE, "CHAR", "Separator between expiry and id in REST API user names. Default: '${DEFAULT-VALUE}'.",
            (config, value) -> config.auth(au -> au.restApiSeparator(character(value))), "--rest-api-separator", "-C"),
    ALLOW_LOOPBACK_PEERS(Kind.FLAG, "", "Relay to 127.0.0.0/8 and ::1 (tests only, never in production).",
            flag((config, on) -> config.peers(pe -> pe.allowLoopbackPeers(on))), "--allow-loopback-peers"),
    NO_LOOPBACK_PEERS(Kind.FLAG, "", "Deny loopback peers (the default); it undoes --allow-loopback-peers.",
            flag((config, on) -> config.peers(pe -> pe.allowLoopbackPeers(!on))), "--no-loopback-peers"),
    ALLOWED_PEER_IP(Kind.LIST, "RANGE", "Open a special-purpose peer range: ADDRESS, CIDR or FIRST-LAST "
            + "(repeatable).", (config, value) -> config.peers(pe -> pe.addAllowedPeerRange(AddressRange.parse(value))),
            "--allowed-peer-ip"),
    DENIED_PEER_IP(Kind.LIST, "RANGE", "Never relay to this range; it wins over allowed ranges (repeatable).",
            (config, value) -> config.peers(pe -> pe.addDeniedPeerRange(AddressRange.parse(value))), "--denied-peer-ip"),
    NO_MULTICAST_PEERS(Kind.FLAG, "", "Accepted for coturn; multicast peers are always denied.",
            flag((config, on) -> refuseOff(on, "turnkit never relays to multicast or broadcast peers")),
            "--no-multicast-peers"),
    USER_QUOTA(Kind.VALUE, "N", "Allocations one user may hold at once; 0: no limit. Default: ${DEFAULT-VALUE}.",
            (config, value) -> config.limits(lm -> lm.userQuota(allocations(value))), "--user-quota", "-q"),
    TOTAL_QUOTA(Kind.VALUE, "N", "Allocations the server holds at once; 0: no limit. Default: ${DEFAULT-VALUE}.",
            (config, value) -> config.limits(lm -> lm.totalQuota(allocations(value))), "--total-quota", "-Q"),
    MAX_BPS(Kind.VALUE, "BYTES", "Bytes per second one allocation may relay each way; 0: no limit. Default: ${DEFAULT-VALUE}.",
            (config, value) -> config.relay(rl -> rl.maxBps(number(value, 0, Long.MAX_VALUE, "bytes per second, 0 or more"))),
            "--max-bps", "-s"),
    MAX_ALLOCATE_LIFETIME(Kind.VALUE, "SECONDS", "Longest allocation lifetime a client may ask for. Default: ${DEFAULT-VALUE}.",
            (config, value) -> config.limits(lm -> lm.maxAllocateLifetime(seconds(value))), "--max-allocate-lifetime"),
    MAX_TCP_CONNECTIONS(Kind.VALUE, "N", "TCP and TLS connections held at once; more are closed as they come. "
            + "Default: ${DEFAULT-VALUE}.", (config, value) -> config.limits(lm ->
            lm.maxTcpConnections((int) number(value, 1, Integer.MAX_VALUE, "a number of connections, 1 or more"))),
            "--max-tcp-connections"),
    TCP_IDLE_TIMEOUT(Kind.VALUE, "SECONDS", "Close a TCP or TLS client stalled mid-message after this long, and one "
            + "that never allocates after a few times this. Default: ${DEFAULT-VALUE}.",
            (config, value) -> config.limits(lm -> lm.tcpIdleTimeout(seconds(value))), "--tcp-idle-timeout"),
    PERMISSION_LIFETIME(Kind.VALUE, "SECONDS", "Permission lifetime; RFC 8656 fixes it at ${DEFAULT-VALUE} (tests only).",
            (config, value) -> config.limits(lm -> lm.permissionLifetime(seconds(value))), "--permission-lifetime"),
    CHANNEL_LIFETIME(Kind.VALUE, "SECONDS", "Channel binding lifetime; RFC 8656 fixes it at ${DEFAULT-VALUE} (tests only).",
            (config, value) -> config.limits(lm -> lm.channelLifetime(seconds(value))), "--channel-lifetime"),
    STALE_NONCE(Kind.OPTIONAL_VALUE, "SECONDS", "How long a nonce stays good. Default: ${DEFAULT-VALUE}.",
            (config, value) -> config.auth(au -> au.staleNonce(seconds(value))), "--stale-nonce"),
    NO_UDP(Kind.FLAG, "", "Start no UDP listener.", flag((config, on) -> config.listeners(ls -> ls.noUdp(on))), "--no-udp"),
    NO_TCP(Kind.FLAG, "", "Start no TCP listener.", flag((config, on) -> config.listeners(ls -> ls.noTcp(on))), "--no-tcp"),
    NO_UDP_RELAY(Kind.FLAG, "", "Refuse UDP relayed transports (RFC 8656 §7.2: 442).",
            flag((config, on) -> config.relay(rl -> rl.noUdpRelay(on))), "--no-udp-relay"),
    NO_TCP_RELAY(Kind.FLAG, "", "Refuse TCP relayed transports (RFC 6062: 442).",
            flag((config, on) -> config.relay(rl -> rl.noTcpRelay(on))), "--no-tcp-relay"),
    KEEP_ADDRESS_FAMILY(Kind.FLAG, "", "An Allocate that names no address family gets the family the client "
            + "reached the server on (as --allocation-default-address-family keep).", flag((config, on) -> config.relay(rl -> rl.keepAddressFamily(on))), "--keep-address-family", "-K"),
    ALLOCATION_DEFAULT_ADDRESS_FAMILY(Kind.VALUE, "ipv4|ipv6|keep", "Relayed address family of an Allocate that "
            + "names none. Default: ${DEFAULT-VALUE}.",
            (config, value) -> config.relay(rl -> rl.allocationDefaultAddressFamily(AddressFamily.parse(value))),
            "--allocation-default-address-family", "-A"),
    ALTERNATE_SERVER(Kind.LIST, "ADDRESS[:PORT]", "Answer every Allocate over UDP or TCP with 300 Try Alternate "
            + "naming this server, of the client's address family (repeatable: in turn). PORT defaults to "
            + Listeners.DEFAULT_LISTENING_PORT + ".",
            (config, value) -> config.relay(rl -> rl.addAlternateServer(IpLiteral.parseWithPort(value,
                    Listeners.DEFAULT_LISTENING_PORT))), "--alternate-server"),
    TLS_ALTERNATE_SERVER(Kind.LIST, "HOST[:PORT]", "As --alternate-server, for Allocate requests over TLS and DTLS; "
            + "HOST may be a host name, looked up at start and sent in ALTERNATE-DOMAIN for the client to check the "
            + "alternate's certificate. PORT defaults to " + Listeners.DEFAULT_TLS_LISTENING_PORT + ".",
            (config, value) -> config.relay(rl -> rl.addTlsAlternateServer(IpLiteral.parseHostWithPort(value,
                    Listeners.DEFAULT_TLS_LISTENING_PORT))), "--tls-alternate-server"),
    SOFTWARE_ATTRIBUTE(Kind.OPTIONAL_VALUE, "TEXT", "Name the software in responses (SOFTWARE attribute); "
            + "TEXT defaults to turnkit/VERSION. Default: no SOFTWARE attribute.",
            ServerConfig.Builder::softwareAttribute, "--software-attribute"),
    NO_SOFTWARE_ATTRIBUTE(Kind.FLAG, "", "No SOFTWARE attribute in responses (the default).",
            flag((config, on) -> config.softwareAttribute(on ? null : ServerConfig.defaultSoftwareAttribute())),
            "--no-software-attribute", "--prod"),
    USERDB(Kind.VALUE, "FILE", "File of users and REST API secrets. Default: ~/.local/share/turnkit/userdb.",
            (config, value) -> config.auth(au -> au.userdb(Path.of(value))), "--userdb", "--db", "-b"),
    REDIS_USERDB(Kind.VALUE, "URI", "Keep users and REST API secrets in Redis, shared by every server, instead of "
            + "the file: redis://HOST[:PORT][/DB] (rediss:// for TLS), coturn's \"ip=HOST port=PORT dbname=DB "
            + "password=PASSWORD\", redis-sentinel://HOST[:PORT][,HOST[:PORT]]/[DB]#MASTER or "
            + "redis-cluster://HOST[:PORT][,HOST[:PORT]].", (config, value) -> config.auth(au -> au.redisUserdb(value)), "--redis-userdb", "-N"),
    REDIS_PASSWORD(Kind.VALUE, "PASSWORD", "Password of the Redis server; it replaces one in --redis-userdb. "
            + "Default: $" + ServeOption.REDIS_PASSWORD_ENVIRONMENT + ".", (config, value) -> config.auth(au -> au.redisPassword(value)),
            "--redis-password"),
    REDIS_TLS(Kind.FLAG, "", "Reach the Redis server over TLS, as rediss:// does.",
            flag((config, on) -> config.auth(au -> au.redisTls(on))), "--redis-tls"),
    REDIS_STATSDB(Kind.VALUE, "URI", "Run as a node of a cluster sharing this Redis database: registrations, "
            + "per-user allocation counts, the nonce secret (docs/cluster.md). The forms of --redis-userdb.",
            (config, value) -> config.cluster(cluster -> cluster.statsdb(value)), "--redis-statsdb", "-O"),
    NODE_ID(Kind.VALUE, "NAME", "This node's name in the cluster. Default: the host name and the listening port.",
            (config, value) -> config.cluster(cluster -> cluster.nodeId(value)), "--node-id"),
    REDIRECT_LOAD(Kind.VALUE, "FRACTION|COUNT", "Above this load a cluster node sends new allocations (300) to the "
            + "least loaded node: a fraction of its capacity with a point (0.8), or a number of allocations (5000). "
            + "Default: only when full or draining.",
            (config, value) -> config.cluster(cluster -> cluster.redirectLoad(value)), "--redirect-load"),
    SERVER_NAME(Kind.VALUE, "NAME", "The server's name in its start and stop lines. Default: the realm.",
            ServerConfig.Builder::serverName, "--server-name"),
    PIDFILE(Kind.OPTIONAL_VALUE, "FILE", "Write the process id to FILE while running; empty: no pid file. "
            + "Default: none.", (config, value) -> config.logging(lg -> lg.pidfile(Path.of(value))), "--pidfile"),
    LOG_FILE(Kind.VALUE, "FILE", "Log to FILE (a new file each day, FILE with the date before its extension, "
            + "unless --simple-log), or to stdout or syslog. Default: stderr.", (config, value) -> config.logging(lg -> lg.logFile(value)),
            "--log-file", "-l"),
    SIMPLE_LOG(Kind.FLAG, "", "Write the log file under the name given, without a daily rollover.",
            flag((config, on) -> config.logging(lg -> lg.simpleLog(on))), "--simple-log"),
    SYSLOG(Kind.FLAG, "", "Log to the local syslog as well (UDP to localhost:514, where rsyslog takes it).", flag((config, on) -> config.logging(lg -> lg.syslog(on))),
            "--syslog"),
    NO_STDOUT_LOG(Kind.FLAG, "", "No log lines on the console, only in the log file or syslog.",
            flag((config, on) -> config.logging(lg -> lg.noStdoutLog(on))), "--no-stdout-log"),
    LOG_FORMAT(Kind.VALUE, "text|json", "Log lines for a person (ISO-8601 time, level, message) or one JSON "
            + "object a line. Default: ${DEFAULT-VALUE}.", (config, value) -> config.logging(lg -> lg.logFormat(logFormat(value))),
            "--log-format"),
    WEB_ADMIN(Kind.FLAG, "", "Serve the admin page and its JSON API over HTTP (docs/operations.md).",
            flag((config, on) -> config.admin(ad -> ad.webAdmin(on))), "--web-admin"),
    WEB_ADMIN_IP(Kind.VALUE, "ADDRESS", "Address of the admin interface. Default: ${DEFAULT-VALUE}.",
            (config, value) -> config.admin(ad -> ad.webAdminIp(IpLiteral.parse(value))), "--web-admin-ip"),
    WEB_ADMIN_PORT(Kind.VALUE, "PORT", "Port of the admin interface. Default: ${DEFAULT-VALUE}.",
            (config, value) -> config.admin(ad -> ad.webAdminPort(port(value, 0))), "--web-admin-port"),
    WEB_ADMIN_TOKEN_FILE(Kind.VALUE, "FILE", "File whose first line is the admin interface's bearer token. "
            + "Default: a random token made at start, printed once in the page's address.",
            (config, value) -> config.admin(ad -> ad.tokenFile(Path.of(value))), "--web-admin-token-file"),
    DRAIN_TIMEOUT(Kind.VALUE, "SECONDS", "How long a drain (SIGUSR1, POST /api/drain) waits for the last allocation "
            + "to end before the server stops anyway. Default: ${DEFAULT-VALUE}.",
            (config, value) -> config.admin(ad -> ad.drainTimeout(seconds(value))), "--drain-timeout"),
    PROMETHEUS(Kind.FLAG, "", "Serve metrics for Prometheus over HTTP (docs/operations.md lists them).",
            flag((config, on) -> config.metrics(mt -> mt.enabled(on))), "--prometheus"),
    PROMETHEUS_ADDRESS(Kind.VALUE, "ADDRESS", "Address of the metrics endpoint. Default: every address.",
            (config, value) -> config.metrics(mt -> mt.address(IpLiteral.parse(value))), "--prometheus-address"),
    PROMETHEUS_PORT(Kind.VALUE, "PORT", "TCP port of the metrics endpoint. Default: ${DEFAULT-VALUE}.",
            (config, value) -> config.metrics(mt -> mt.port(port(value, 0))), "--prometheus-port"),
    PROMETHEUS_PATH(Kind.VALUE, "PATH", "HTTP path of the metrics. Default: ${DEFAULT-VALUE}.",
            (config, value) -> config.metrics(mt -> mt.path(value)), "--prometheus-path"),
    PROMETHEUS_USERNAME_LABELS(Kind.FLAG, "", "Show active allocations per user too (the busiest users only).",
            flag((config, on) -> config.metrics(mt -> mt.usernameLabels(on))), "--prometheus-username-labels"),
    VERBOSE(Kind.FLAG, "", "Debug logging, and stack traces with errors.", flag((config, on) -> config.logging(lg -> lg.verbose(on))),
            "--verbose", "--Verbose", "-v", "-V");

    /** How an option takes its value, on the command line and in the file. */
    private enum Kind {
        /** On when named; the file may say {@code flag=off}. */
        FLAG,
        /** One value, required; named again, the last value wins. */
        VALUE,
        /** One value per use, repeatable; the command line's list replaces the file's. */
        LIST,
        /** A value that may be left out for its default ({@code --software-attribute[=TEXT]}). */
        OPTIONAL_VALUE
    }

    /**
     * Where {@code --redis-password} comes from when not given: a command line is visible to every local user
     * ({@code ps}), the environment is not.
     */
    public static final String REDIS_PASSWORD_ENVIRONMENT = "TURNKIT_REDIS_PASSWORD";

    /** picocli's variable for an option's default in its description. */
    private static final String DEFAULT_VALUE = "${DEFAULT-VALUE}";

    private static final Map<String, ServeOption> BY_FILE_KEY = new HashMap<>();

    static {
        for (ServeOption option : values()) {
            for (String name : option.names) {
                if (name.startsWith("--")) {
                    BY_FILE_KEY.put(name.substring(2), option);
                }
            }
        }
    }

    private final Kind kind;
    private final String label;
    private final String description;
    private final BiConsumer<ServerConfig.Builder, String> setter;
    private final String[] names;

    ServeOption(Kind kind, String label, String description, BiConsumer<ServerConfig.Builder, String> setter,
            String... names) {
        this.kind = kind;
        this.label = label;
        this.description = description;
        this.setter = setter;
        this.names = names;
    }

    /** The option whose name (without dashes) is {@code key} in a config file, or null. */
    public static ServeOption forFileKey(String key) {
        return BY_FILE_KEY.get(key);
    }


    /** Every name, long ones with their dashes: {@code --listening-ip}, {@code -L}. */
    public List<String> names() {
        return List.of(names);
    }

    /** The first and longest name, {@code --max-allocate-lifetime}: what messages call the option. */
    public String longName() {
        return names[0];
    }

    /**
     * The picocli option this option is on the command line. A description that says {@code ${DEFAULT-VALUE}} shows
     * {@code defaultValue} there: what the option is set to when not given, taken from the settings' own defaults,
     * so help never repeats a number the code holds.
     */
    public OptionSpec toOptionSpec(String defaultValue) {
        OptionSpec.Builder option = OptionSpec.builder(names).description(description);
        if (description.contains(DEFAULT_VALUE)) {
            // Only the help shows it: serve reads the options matched, never picocli's defaults.
            option.defaultValue(defaultValue);
        }
        switch (kind) {
            case FLAG:
                return option.arity("0").type(boolean.class).build();
            case LIST:
                return option.arity("1").paramLabel(label).type(List.class).auxiliaryTypes(String.class).build();
            case OPTIONAL_VALUE:
                return option.arity("0..1").paramLabel(label).type(String.class).fallbackValue(fallback()).build();
            default:
                return option.arity("1").paramLabel(label).type(String.class).build();
        }
    }

    /** The value meant when none is written: "on" for a flag, the default for an optional value. */
    private String fallback() {
        switch (kind) {
            case FLAG:
                return "on";
            case OPTIONAL_VALUE:
                return switch (this) {
                    case STALE_NONCE -> String.valueOf(Auth.DEFAULT_STALE_NONCE.toSeconds());
                    // coturn: an empty pidfile writes none (Debian's unit says --pidfile=).
                    case PIDFILE -> "";
                    default -> ServerConfig.defaultSoftwareAttribute();
                };
            default:
                return null;
        }
    }

    /**
     * Builds a server configuration from settings applied in order, so a later setting of a single-value
     * option wins and list options add up.
     *
     * @throws ConfigException naming the setting that is wrong, or the options that do not fit together
     */
    public static ServerConfig toServerConfig(List<ConfigEntry> entries) throws ConfigException {
        ServerConfig.Builder config = ServerConfig.builder();
        String redisPassword = System.getenv(REDIS_PASSWORD_ENVIRONMENT);
        if (redisPassword != null && !redisPassword.isEmpty()) {
            config.auth(au -> au.redisPassword(redisPassword));
        }
        for (ConfigEntry entry : entries) {
            entry.option().apply(config, entry);
        }
        try {
            return config.build();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    private void apply(ServerConfig.Builder config, ConfigEntry entry) throws ConfigException {
        String value = entry.value() != null ? entry.value() : fallback();
        if (value == null) {
            throw new ConfigException(entry.origin() + ": missing value, expected " + label);
        }
        try {
            setter.accept(config, value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(entry.origin() + ": " + e.getMessage());
        }
    }

    /** An option whose only meaning in turnkit is its default: turned the other way, it is refused. */
    private static void refuseOff(boolean on, String why) {
        if (!on) {
            throw new IllegalArgumentException("cannot be turned off: " + why);
        }
    }

    private static BiConsumer<ServerConfig.Builder, String> flag(BiConsumer<ServerConfig.Builder, Boolean> setter) {
        return (config, value) -> setter.accept(config, bool(value));
    }

    /** coturn's boolean words: a flag line may say {@code no-udp=off}. */
    static boolean bool(String value) {
        switch (value.toLowerCase(Locale.ROOT)) {
            case "1": case "on": case "yes": case "true": case "t": case "y":
                return true;
            case "0": case "off": case "no": case "false": case "f": case "n":
                return false;
            default:
                throw new IllegalArgumentException("expected on/off, yes/no, true/false or 1/0, got '" + value + "'");
        }
    }

    /** A decimal number in {@code min..max}, else "expected EXPECTED, got 'VALUE'". */
    static long number(String value, long min, long max, String expected) {
        boolean digits = !value.isEmpty() && value.length() <= 18 && value.chars().allMatch(c -> c >= '0' && c <= '9');
        long number = digits ? Long.parseLong(value) : -1;
        if (!digits || number < min || number > max) {
            throw new IllegalArgumentException("expected " + expected + ", got '" + value + "'");
        }
        return number;
    }

    /** A port number; {@code lowest} 0 lets the system pick a free port (the listening port, in tests). */
    private static int port(String value, int lowest) {
        return (int) number(value, lowest, 65535, "a port number 1-65535" + (lowest == 0 ? " (0: any free port)" : ""));
    }

    private static int allocations(String value) {
        return (int) number(value, 0, Integer.MAX_VALUE, "a number of allocations, 0 or more");
    }

    private static Duration seconds(String value) {
        return Duration.ofSeconds(number(value, 1, Integer.MAX_VALUE, "a lifetime in seconds, 1 or more"));
    }

    /**
     * coturn binds its listeners to the device (SO_BINDTODEVICE, which needs CAP_NET_RAW); turnkit listens on the
     * device's addresses, which reaches the same clients without the privilege.
     */
    private static void listeningDevice(ServerConfig.Builder config, String device) {
        config.listeners(ls -> ls.listeningDevice(device));
        NetworkInterface nic;
        try {
            nic = NetworkInterface.getByName(device);
        } catch (SocketException e) {
            throw new IllegalArgumentException("cannot list the network interfaces: " + e.getMessage());
        }
        if (nic == null) {
            throw new IllegalArgumentException("no network interface '" + device + "' ('ip link' lists them)");
        }
        List<InetAddress> addresses = nic.inetAddresses().filter(address -> !address.isLinkLocalAddress()).toList();
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("network interface '" + device + "' has no address to listen on");
        }
        config.listeners(ls -> addresses.forEach(ls::addListeningIp));
    }

    private static LogFormat logFormat(String value) {
        switch (value.toLowerCase(Locale.ROOT)) {
            case "text":
                return LogFormat.TEXT;
            case "json":
                return LogFormat.JSON;
            default:
                throw new IllegalArgumentException("expected text or json, got '" + value + "'");
        }
    }

    private static char character(String value) {
        if (value.length() != 1) {
            throw new IllegalArgumentException("expected one character, got '" + value + "'");
        }
        return value.charAt(0);
    }

    /**
     * {@code NAME:PASSWORD}, or coturn's {@code NAME:0xKEY} with the 32 hex digits of MD5(name:realm:password).
     * Messages never repeat the value: it holds a password.
     */
    private static void user(ServerConfig.Builder config, String value) {
        int colon = value.indexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw new IllegalArgumentException("expected NAME:PASSWORD or NAME:0xKEY");
        }
        String name = value.substring(0, colon);
        String secret = value.substring(colon + 1);
        if (!secret.startsWith("0x")) {
            config.auth(au -> au.user(name, secret));
            return;
        }
        String hex = secret.substring(2);
        if (hex.length() != 32 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new IllegalArgumentException("expected NAME:0xKEY with the 32 hex digits of the MD5 key for user '"
                    + name + "'");
        }
        config.auth(au -> au.userKey(name, HexFormat.of().parseHex(hex)));
    }
}
