/**
 * What a server runs with: {@link io.turnkit.server.config.ServerConfig}, a record of groups cut by what each
 * setting governs, so a reader of one concern finds all of its settings together and each group checks its own
 * values where it is made (its compact constructor), with messages that start with coturn's option name.
 *
 * <ul>
 *   <li>{@link io.turnkit.server.config.Listeners}: sockets clients reach (addresses, ports, transports, TLS,
 *       PROXY, RFC 5780's alternate port): what binds at start.</li>
 *   <li>{@link io.turnkit.server.config.Relay}: relay addresses and ports, NAT mappings, relayed transports and
 *       families, bandwidth and alternate servers: what an Allocate gets, or where it is sent.</li>
 *   <li>{@link io.turnkit.server.config.Auth}: realm, static users, REST API secrets, nonces and the credential
 *       store: who may allocate.</li>
 *   <li>{@link io.turnkit.server.config.Peers}: which peers may be relayed to; it makes the
 *       {@link io.turnkit.server.policy.PeerPolicy}.</li>
 *   <li>{@link io.turnkit.server.config.Limits}: quotas, lifetimes and the TCP and DTLS guards: how much and how
 *       long.</li>
 *   <li>{@link io.turnkit.server.config.Logging}: log destinations, format, verbosity and the pid file: what the
 *       command sets up around the server.</li>
 *   <li>{@link io.turnkit.server.config.AdminSettings} and {@link io.turnkit.server.config.MetricsSettings}: the
 *       two HTTP endpoints beside the server.</li>
 *   <li>{@link io.turnkit.server.config.ClusterSettings}: the Redis database a cluster's nodes share, this node's
 *       name and the load above which it redirects.</li>
 * </ul>
 *
 * <p>Each group has a builder whose setters only record a value; the configuration's builder hands them out one
 * group at a time ({@code builder.relay(r -> r.minPort(50000))}), so a setting is written once in its record, once
 * in its builder, and nowhere in {@code ServerConfig}. The cut is not the one of what a reload may change: that
 * crosses groups (quotas change live, the realm does not), and {@code RestartOnlySettings} names it setting by
 * setting.
 */
package io.turnkit.server.config;
