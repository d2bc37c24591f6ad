package io.turnkit.server.config;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The admin interface and the way the server drains: {@code web-admin}, {@code web-admin-ip}, {@code
 * web-admin-port} (coturn's names), {@code web-admin-token-file} and {@code drain-timeout}.
 *
 * @param webAdmin      whether the admin HTTP interface runs (off by default, as in coturn)
 * @param webAdminIp    the address it listens on: loopback unless the operator opens it wider
 * @param webAdminPort  its TCP port; 0 for any free port
 * @param tokenFile     the file whose first line is the bearer token, or null for a random token made at start
 * @param drainTimeout  how long a draining server waits for its allocations to end before it stops anyway
 */
public record AdminSettings(boolean webAdmin, InetAddress webAdminIp, int webAdminPort, Path tokenFile,
        Duration drainTimeout) {
    /** coturn's web-admin-port. */
    public static final int DEFAULT_WEB_ADMIN_PORT = 8080;
    /** Allocations live an hour at most unless refreshed (the default max-allocate-lifetime). */
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Limits.DEFAULT_MAX_ALLOCATE_LIFETIME;

    /** @throws IllegalArgumentException naming the setting that is wrong */
    public AdminSettings {
        Check.required("web-admin-ip", webAdminIp, "an address");
        Check.listeningPort("web-admin-port", webAdminPort);
        Check.seconds("drain-timeout", drainTimeout);
    }

    /** Collects the admin settings: off, on 127.0.0.1:8080 when turned on, with a random token. */
    public static final class Builder {
        private boolean webAdmin;
        private InetAddress webAdminIp = InetAddress.getLoopbackAddress();
        private int webAdminPort = DEFAULT_WEB_ADMIN_PORT;
        private Path tokenFile;
        private Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;

        Builder() {
        }

        public Builder webAdmin(boolean on) {
            webAdmin = on;
            return this;
        }

        public Builder webAdminIp(InetAddress address) {
            webAdminIp = address;
            return this;
        }

        public Builder webAdminPort(int port) {
            webAdminPort = port;
            return this;
        }

        public Builder tokenFile(Path file) {
            tokenFile = file;
            return this;
        }

        public Builder drainTimeout(Duration timeout) {
            drainTimeout = timeout;
            return this;
        }

        public AdminSettings build() {
            return new AdminSettings(webAdmin, webAdminIp, webAdminPort, tokenFile, drainTimeout);
        }
    }
}
