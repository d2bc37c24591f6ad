package io.turnkit.cli.conf;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.turnkit.server.link.TcpClientLink;
import picocli.CommandLine.Model.OptionSpec;

/**
 * coturn's options that turnkit does not implement, each with its answer. An option is <em>ignored</em>, with a
 * warning saying why, when leaving it out can neither make turnkit less safe nor make it do other than the
 * operator asked in a way that matters (an admin setting before turnkit has an admin interface, a tuning knob
 * turnkit sets itself). It is <em>refused</em>, naming what to use instead, when ignoring it would change what the
 * operator gets: a silently dropped {@code proc-user} or {@code stun-only} would run with more rights or more
 * service than asked. Options coturn does not have either are unknown.
 */
public enum UnsupportedOption {
    TLS_KEY_EXCHANGE(null, "turnkit's TLS key exchanges are the JDK's", true, "--dh-file", "--ec-curve-name"),
    TLS_KEY_EXCHANGE_FLAGS(null, "turnkit's TLS key exchanges are the JDK's", false, "--dh566", "--dh1066"),
    OLD_TLS(null, "turnkit never offers SSL 3, TLS 1.0 or TLS 1.1 (RFC 8996)", false, "--tlsv1", "--tlsv1_1",
            "--no-tlsv1", "--no-tlsv1_1", "--no-sslv2", "--no-sslv3"),
    RAW_PUBLIC_KEYS(null, "turnkit's TLS presents X.509 certificates only", false, "--raw-public-keys"),
    METRICS_TLS_VALUES(null, "turnkit's metrics endpoint speaks plain HTTP: keep it on a private address, or put a "
            + "TLS proxy in front", true, "--prometheus-cert", "--prometheus-key"),
    METRICS_TLS_FLAGS(null, "turnkit's metrics endpoint speaks plain HTTP: keep it on a private address, or put a "
            + "TLS proxy in front", false, "--prometheus-tls"),
    ADMIN_VALUES(null, "turnkit has no telnet admin interface; --web-admin serves an HTTP one", true, "--cli-ip",
            "--cli-port", "--cli-password", "--cli-max-output-sessions"),
    ADMIN_FLAGS(null, "turnkit has no telnet admin interface; --web-admin serves an HTTP one", false, "--no-cli",
            "--cli"),
    WEB_ADMIN_WORKERS(null, "turnkit's admin interface has threads of its own, never the relay's", false,
            "--web-admin-listen-on-workers"),
    CLUSTER_VALUES(null, "turnkit has no auxiliary servers (a cluster shares --redis-statsdb instead), and its "
            + "drain waits for the last allocation", true, "--udp-alternate-server", "--tcp-alternate-server",
            "--aux-server", "--drain-min-allocations"),
    CLUSTER_FLAGS(null, "turnkit has no auxiliary servers (a cluster shares --redis-statsdb instead), and its "
            + "drain waits for the last allocation", false,
            "--udp-self-balance"),
    RFC5780_TLS(null, "turnkit's RFC 5780 NAT behavior discovery is over UDP, where CHANGE-REQUEST can be answered; "
            + "it binds no alternate TLS or DTLS port", true, "--alt-tls-listening-port"),
    RESPONSE_ORIGIN(null, "turnkit sends RESPONSE-ORIGIN only with RFC 5780 anyway", false,
            "--response-origin-only-with-rfc5780"),
    NO_CLASSIC_STUN(null, "turnkit never speaks RFC 3489's classic STUN", false, "--no-stun-backward-compatibility"),
    FINGERPRINT(null, "turnkit adds FINGERPRINT to the response when the request has one (RFC 8489 §7.3)", false,
            "--fingerprint", "-f"),
    DAEMON(null, "turnkit stays in the foreground: run it under systemd, or start-stop-daemon --background",
            false, "--daemon", "-o"),
    THREADS(null, "turnkit runs one event loop per processor it may use; limit them with taskset or systemd's "
            + "CPUAffinity=", true, "--relay-threads", "-m", "--cpus"),
    SOCKETS_VALUES(null, "turnkit sizes its socket buffers itself", true, "--sock-buf-size"),
    SOCKETS_FLAGS(null, "turnkit uses recvmmsg, sendmmsg and UDP GSO wherever the system has them", false,
            "--udp-recvmmsg", "--udp-recvmmsg-log", "--udp-sendmmsg-log", "--udp-gso"),
    LOG_TIMESTAMP(null, "turnkit's log timestamps are always ISO-8601; --log-format json suits log pipelines",
            false, "--new-log-timestamp"),
    LOG_TIMESTAMP_FORMAT(null, "turnkit's log timestamps are always ISO-8601; --log-format json suits log "
            + "pipelines", true, "--new-log-timestamp-format"),
    LOG_LEVEL(null, "turnkit logs at info level, or at debug with --verbose", true, "--log-min-level"),
    SYSLOG_FACILITY(null, "turnkit's syslog lines go to the user facility", true, "--syslog-facility"),
    LOG_BINDING(null, "Binding requests are logged at debug level (--verbose)", false, "--log-binding"),
    DATABASE_FLAGS(null, "turnkit reads realms and peer lists from its settings, never from the user database, and "
            + "pings no database", false, "--no-auth-pings", "--no-dynamic-ip-list", "--no-dynamic-realms"),
    ALLOCATE_TIMEOUT(null, "turnkit closes a TCP connection that makes no allocation after "
            + TcpClientLink.IDLE_PERIODS_WITHOUT_ALLOCATION + " times --tcp-idle-timeout", true,
            "--max-allocate-timeout"),
    SERVER_RELAY(null, "turnkit has no in-process relay clients", false, "--server-relay"),
    HTTP_VALUES(null, "turnkit answers no HTTP on its TURN ports", true, "--acme-redirect"),
    HTTP_FLAGS(null, "turnkit answers no HTTP on its TURN ports", false, "--respond-http-unsupported"),
    INVALID_PACKETS(null, "turnkit always drops and counts malformed packets", false, "--drop-invalid-packets",
            "--drop-invalid-packets-log"),
    REASON_STRING(null, "turnkit's error responses always carry a reason phrase", false, "--include-reason-string"),
    RATE_LIMIT_FLAGS(null, "turnkit always rate-limits authentication failures per client address", false,
            "--unauthorized-ratelimit"),
    RATE_LIMIT_VALUES(null, "turnkit always rate-limits authentication failures per client address", true,
            "--unauthorized-ratelimit-rps"),
    NONCE_FLAGS(null, "turnkit makes its own nonces; stale-nonce sets their lifetime", false, "--stateless-nonce"),
    NONCE_VALUES(null, "turnkit makes its own nonces; stale-nonce sets their lifetime", true,
            "--stateless-nonce-secret"),
    PROXY_PORT(null, "turnkit has no listener of its own for load balancers; --proxy-protocol reads PROXY headers "
            + "on every TCP and TLS listener", true, "--tcp-proxy-port"),
    MULTIPLEX_FLAGS(null, "turnkit gives each allocation a relay port of its own", false, "--multiplex-peer"),
    MULTIPLEX_VALUES(null, "turnkit gives each allocation a relay port of its own", true, "--multiplex-peer-port",
            "--multiplex-peer-max-peers"),

    NO_AUTH("remove it and give users (--user, --userdb) or a REST API secret",
            "turnkit always authenticates TURN requests", false, "--no-auth", "-z"),
    STUN_ONLY("block the relay port range in a firewall", "turnkit serve has no STUN-only mode", false,
            "--stun-only", "-S"),
    NO_STUN("remove it", "turnkit always answers Binding requests: ICE needs them", false, "--no-stun"),
    SECURE_STUN("remove it", "turnkit answers Binding requests without authentication, as RFC 8489 lets it", false,
            "--secure-stun"),
    ORIGIN("remove it", "turnkit does not check the ORIGIN attribute", false, "--check-origin-consistency"),
    SQL_USERDB("--userdb FILE or --redis-userdb URI, filled with turnkit user add",
            "turnkit keeps users in a file or in Redis, not in SQL or MongoDB", true, "--psql-userdb",
            "--sql-userdb", "-e", "--mysql-userdb", "-M", "--mongo-userdb", "-J"),
    SECRET_KEY_FILE("remove it: turnkit's user database keeps derived keys, never passwords",
            "turnkit has no encrypted passwords to decrypt", true, "--secret-key-file"),
    PROCESS_USER("run turnkit under systemd's User= and Group=", "turnkit does not change its user or group", true,
            "--proc-user", "--proc-group"),
    MOBILITY("remove it: a client whose address changes makes a new allocation",
            "turnkit does not support RFC 8016 mobility", false, "--mobility"),
    OAUTH("--use-auth-secret (the TURN REST API)", "turnkit does not support RFC 7635 third-party authorization",
            false, "--oauth"),
    RELAY_DEVICE("--relay-ip with the address of the interface", "turnkit binds relay sockets to addresses",
            true, "--relay-device", "-i"),
    BPS_CAPACITY("--max-bps (per allocation) with --total-quota", "turnkit has no server-wide bandwidth cap", true,
            "--bps-capacity", "-B"),
    CLASSIC_STUN("remove it", "turnkit speaks RFC 5389/8489 STUN only, never RFC 3489's", false,
            "--stun-backward-compatibility", "--rfc3489-compatibility"),
    CLIENT_CERTIFICATES("remove it: TURN credentials authenticate clients",
            "turnkit asks TLS clients for no certificate", true, "--CA-file"),
    NO_TLS_1_2("remove it", "turnkit offers TLS 1.2 and TLS 1.3 both", false, "--no-tlsv1_2"),
    OLD_CHANNELS("remove it", "turnkit takes RFC 8656's channel numbers 0x4000-0x4FFF only", false,
            "--rfc5766-channel-numbers");

    private static final Map<String, UnsupportedOption> BY_FILE_KEY = new HashMap<>();

    static {
        for (UnsupportedOption option : values()) {
            for (String name : option.names) {
                if (name.startsWith("--")) {
                    BY_FILE_KEY.put(name.substring(2), option);
                }
            }
        }
    }

    private final String instead;
    private final String reason;
    private final boolean takesValue;
    private final String[] names;

    UnsupportedOption(String instead, String reason, boolean takesValue, String... names) {
        this.instead = instead;
        this.reason = reason;
        this.takesValue = takesValue;
        this.names = names;
    }

    /** The unsupported option named {@code key} in a config file (its long name without dashes), or null. */
    public static UnsupportedOption forFileKey(String key) {
        return BY_FILE_KEY.get(key);
    }

    /** True when turnkit stops rather than run without it. */
    public boolean refused() {
        return instead != null;
    }

    /** Every name, long ones with their dashes. */
    public List<String> names() {
        return List.of(names);
    }

    /** Why turnkit ignores or refuses the option. */
    public String reason() {
        return reason;
    }

    /** What to use instead of a refused option, null for an ignored one. */
    public String instead() {
        return instead;
    }

    /**
     * What turnkit says about {@code name} ({@code proc-user}, or {@code --proc-user} on the command line): a
     * warning's text for an ignored option, an error's for a refused one.
     */
    public String message(String name) {
        return refused() ? "'" + name + "' is not supported: " + reason + "; instead: " + instead
                : "ignoring '" + name + "': " + reason;
    }

    /**
     * One hidden picocli option for {@code name}, so coturn's command lines parse and the answer comes from
     * serve instead of picocli's unknown option; help lists turnkit's own options only.
     */
    public OptionSpec toOptionSpec(String name) {
        OptionSpec.Builder option = OptionSpec.builder(name).hidden(true).type(String.class);
        // coturn's flags take an optional on/off value (--no-tls=off); picocli's fallback covers the bare name.
        return takesValue ? option.arity("1").paramLabel("VALUE").build()
                : option.arity("0..1").fallbackValue("on").build();
    }
}
