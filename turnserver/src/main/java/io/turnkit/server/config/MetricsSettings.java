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

    /** @throws IllegalArgumentException naming the setting that is wrong */
    public MetricsSettings {
        Check.listeningPort("prometheus-port", port);
        if (path == null || !path.startsWith("/") || path.chars().anyMatch(c -> c <= ' ' || c == '?' || c == '#')) {
            throw Check.wrong("prometheus-path", "an HTTP path starting with /, without spaces, ? or #",
                    "'" + path + "'");
        }
    }

    /** The socket address to bind: {@link #address()} (or every address) and {@link #port()}. */
    public InetSocketAddress socketAddress() {
        return address == null ? new InetSocketAddress(port) : new InetSocketAddress(address, port);
    }

    /** Collects the endpoint's settings: off, on port 9641 of every address when turned on. */
    public static final class Builder {
        private boolean enabled;
        private InetAddress address;
        private int port = DEFAULT_PORT;
        private String path = DEFAULT_PATH;
        private boolean usernameLabels;

        Builder() {
        }

        public Builder enabled(boolean on) {
            enabled = on;
            return this;
        }

        public Builder address(InetAddress newAddress) {
            address = newAddress;
            return this;
        }

        public Builder port(int newPort) {
            port = newPort;
            return this;
        }

        public Builder path(String newPath) {
            path = newPath;
            return this;
        }

        public Builder usernameLabels(boolean on) {
            usernameLabels = on;
            return this;
        }

        public MetricsSettings build() {
            return new MetricsSettings(enabled, address, port, path, usernameLabels);
        }
    }
}
