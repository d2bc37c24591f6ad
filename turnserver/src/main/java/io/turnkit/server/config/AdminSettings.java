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
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(3600);

    /** Off, on 127.0.0.1:8080 when turned on, with a random token; a drain waits an hour at most. */
    public static AdminSettings defaults() {
        return new AdminSettings(false, InetAddress.getLoopbackAddress(), DEFAULT_WEB_ADMIN_PORT, null,
                DEFAULT_DRAIN_TIMEOUT);
    }
}
