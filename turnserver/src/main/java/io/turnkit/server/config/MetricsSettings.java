package io.turnkit.server.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The Prometheus endpoint's settings, under coturn's names: {@code prometheus} (on or off),
 * {@code prometheus-address}, {@code prometheus-port}, {@code prometheus-path} and
 * {@code prometheus-username-labels}.
 *
 * @param enabled        whether the endpoint is served
 * @param address        the address to listen on; null: every address, as coturn
 * @param port           the TCP port; 0 lets the system pick one (tests)
 * @param path           the HTTP path of the metrics, starting with {@code /}
 * @param usernameLabels whether active allocations are also shown per user (the busiest users only)
 */
public record MetricsSettings(boolean enabled, InetAddress address, int port, String path, boolean usernameLabels) {
    /** coturn's port for its Prometheus exporter. */
    public static final int DEFAULT_PORT = 9641;
    public static final String DEFAULT_PATH = "/metrics";
    public static final MetricsSettings DEFAULT = new MetricsSettings(false, null, DEFAULT_PORT, DEFAULT_PATH, false);

    public MetricsSettings {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("expected a port number 1-65535 (0: any free port), got " + port);
        }
        if (path == null || !path.startsWith("/") || path.chars().anyMatch(c -> c <= ' ' || c == '?' || c == '#')) {
            throw new IllegalArgumentException("expected an HTTP path starting with /, without spaces, ? or #, got '"
                    + path + "'");
        }
    }

    /** The socket address to bind: {@link #address()} (or every address) and {@link #port()}. */
    public InetSocketAddress socketAddress() {
        return address == null ? new InetSocketAddress(port) : new InetSocketAddress(address, port);
    }

    public MetricsSettings withEnabled(boolean on) {
        return new MetricsSettings(on, address, port, path, usernameLabels);
    }

    public MetricsSettings withAddress(InetAddress newAddress) {
        return new MetricsSettings(enabled, newAddress, port, path, usernameLabels);
    }

    public MetricsSettings withPort(int newPort) {
        return new MetricsSettings(enabled, address, newPort, path, usernameLabels);
    }

    public MetricsSettings withPath(String newPath) {
        return new MetricsSettings(enabled, address, port, newPath, usernameLabels);
    }

    public MetricsSettings withUsernameLabels(boolean on) {
        return new MetricsSettings(enabled, address, port, path, on);
    }
}
