package io.turnkit.server.config;

import java.util.function.Consumer;

import io.turnkit.server.policy.PeerPolicy;

/**
 * Everything a TURN server runs with, in groups by concern (the package's description says why this cut). Names
 * are coturn's options in camelCase ({@code max-allocate-lifetime} is {@code limits().maxAllocateLifetime()})
 * and so are the defaults, except where turnkit is safer: nonces always expire ({@code stale-nonce} 600 s),
 * responses carry no SOFTWARE attribute, and special-purpose peer addresses are denied ({@link PeerPolicy}).
 *
 * <p>Immutable; made by {@link #builder()}. Each group checks its values where it is made, with messages that
 * start with coturn's name of the setting, so a command line can show them as they are.
 *
 * @param listeners         where and how clients reach the server
 * @param relay             what the server relays from, and where it sends Allocate requests instead
 * @param auth              who may allocate
 * @param peers             which peers a client may relay to
 * @param limits            quotas, lifetimes and the guards against idle clients
 * @param logging           log lines and the pid file
 * @param admin             the admin interface and the drain
 * @param metrics           the Prometheus endpoint
 * @param cluster           the cluster this node is part of, if any
 * @param softwareAttribute {@code software-attribute}: the SOFTWARE attribute (RFC 8489 §14.14) put in responses,
 *                          or null for none, the default: a bigger response to an unauthenticated request helps
 *                          amplification attacks, and the version tells attackers which holes to try
 * @param serverName        {@code server-name}: the name the server's log lines and start line give it; the realm
 *                          unless given
 */
public record ServerConfig(Listeners listeners, Relay relay, Auth auth, Peers peers, Limits limits, Logging logging,
        AdminSettings admin, MetricsSettings metrics, ClusterSettings cluster, String softwareAttribute,
        String serverName) {
    /** @throws IllegalArgumentException naming the setting that is wrong */
    public ServerConfig {
        Check.text("software-attribute", softwareAttribute, true);
        Check.text("server-name", serverName, false);
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

    /**
     * Collects settings group by group: {@code builder.listeners(l -> l.listeningPort(0)).auth(a -> a.realm("r"))}.
     * Each group's setters only record a value; {@link #build()} makes the groups, which check their values.
     */
    public static final class Builder {
        private final Listeners.Builder listeners = new Listeners.Builder();
        private final Relay.Builder relay = new Relay.Builder();
        private final Auth.Builder auth = new Auth.Builder();
        private final Peers.Builder peers = new Peers.Builder();
        private final Limits.Builder limits = new Limits.Builder();
        private final Logging.Builder logging = new Logging.Builder();
        private final AdminSettings.Builder admin = new AdminSettings.Builder();
        private final MetricsSettings.Builder metrics = new MetricsSettings.Builder();
        private final ClusterSettings.Builder cluster = new ClusterSettings.Builder();
        private String softwareAttribute;
        private String serverName;

        private Builder() {
        }

        public Builder listeners(Consumer<Listeners.Builder> settings) {
            settings.accept(listeners);
            return this;
        }

        public Builder relay(Consumer<Relay.Builder> settings) {
            settings.accept(relay);
            return this;
        }

        public Builder auth(Consumer<Auth.Builder> settings) {
            settings.accept(auth);
            return this;
        }

        public Builder peers(Consumer<Peers.Builder> settings) {
            settings.accept(peers);
            return this;
        }

        public Builder limits(Consumer<Limits.Builder> settings) {
            settings.accept(limits);
            return this;
        }

        public Builder logging(Consumer<Logging.Builder> settings) {
            settings.accept(logging);
            return this;
        }

        public Builder admin(Consumer<AdminSettings.Builder> settings) {
            settings.accept(admin);
            return this;
        }

        public Builder metrics(Consumer<MetricsSettings.Builder> settings) {
            settings.accept(metrics);
            return this;
        }

        public Builder cluster(Consumer<ClusterSettings.Builder> settings) {
            settings.accept(cluster);
            return this;
        }

        /** The SOFTWARE attribute, or null to send none. */
        public Builder softwareAttribute(String text) {
            softwareAttribute = text;
            return this;
        }

        public Builder serverName(String name) {
            serverName = name;
            return this;
        }

        /**
         * Makes every group, each checking its settings, and the configuration. Without a realm, the realm is the
         * host name.
         *
         * @throws IllegalArgumentException naming the setting that is wrong, or the settings that do not fit together
         */
        public ServerConfig build() {
            Auth authentication = auth.build();
            return new ServerConfig(listeners.build(), relay.build(), authentication, peers.build(), limits.build(),
                    logging.build(), admin.build(), metrics.build(), cluster.build(), softwareAttribute,
                    serverName != null ? serverName : authentication.realm());
        }
    }
}
