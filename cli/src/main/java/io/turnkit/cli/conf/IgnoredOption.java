package io.turnkit.cli.conf;

import java.util.HashMap;
import java.util.Map;

/**
 * coturn options a {@code turnserver.conf} may hold that turnkit reads past with a warning: each asks for
 * something turnkit does not have, so leaving it out can neither make turnkit less safe nor make it do
 * other than the file asks. Anything else turnkit does not know stops the server: a silently dropped
 * {@code proc-user} or {@code mobility} would change what the operator gets.
 */
public enum IgnoredOption {
    FINGERPRINT("turnkit does not take FINGERPRINT as a setting", "fingerprint"),
    NO_CLI("turnkit has no telnet admin interface", "no-cli", "cli-ip", "cli-port", "cli-password",
            "cli-max-output-sessions"),
    LOGGING("turnkit logs to stderr; redirect it, or let the service manager keep it", "log-file", "simple-log",
            "no-stdout-log", "syslog", "new-log-timestamp"),
    PIDFILE("turnkit writes no pid file; the service manager tracks the process", "pidfile"),
    NO_DTLS("turnkit serve starts no DTLS listener", "no-dtls"),
    OLD_TLS("turnkit never offers SSL 3, TLS 1.0 or TLS 1.1", "no-sslv2", "no-sslv3", "no-tlsv1", "no-tlsv1_1"),
    NO_RFC5780("turnkit serve does no RFC 5780 NAT behaviour discovery", "no-rfc5780"),
    NO_LOOPBACK_PEERS("loopback peers are denied unless allow-loopback-peers is set", "no-loopback-peers"),
    NO_DYNAMIC_IP_LIST("turnkit has no database peer lists; use allowed-peer-ip and denied-peer-ip",
            "no-dynamic-ip-list"),
    SERVER_NAME("coturn uses it only for oAuth, which turnkit does not support", "server-name");

    private static final Map<String, IgnoredOption> BY_KEY = new HashMap<>();

    static {
        for (IgnoredOption option : values()) {
            for (String key : option.keys) {
                BY_KEY.put(key, option);
            }
        }
    }

    private final String reason;
    private final String[] keys;

    IgnoredOption(String reason, String... keys) {
        this.reason = reason;
        this.keys = keys;
    }

    /** The ignored option named {@code key} in a config file, or null. */
    public static IgnoredOption forFileKey(String key) {
        return BY_KEY.get(key);
    }

    /** Why ignoring the option changes nothing, for the warning. */
    public String reason() {
        return reason;
    }
}
