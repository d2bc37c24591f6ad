package io.turnkit.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyAllocatorMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.PooledByteBufAllocator;
import io.turnkit.server.auth.AuthEvent;
import io.turnkit.server.config.MetricsSettings;
import io.turnkit.server.metrics.CounterMeters;
import io.turnkit.server.metrics.KernelUdpErrors;
import io.turnkit.server.metrics.PrometheusEndpoint;
import io.turnkit.server.metrics.ServerCounter;
import io.turnkit.server.protocol.TurnServices;
import io.turnkit.server.relay.AllocationKind;
import io.turnkit.server.relay.RelayResources;
import io.turnkit.server.transport.Transports;

/**
 * A server's meters: its counters, gauges over its allocations, ports and connections, the JVM's and the
 * buffer pool's; and the Prometheus endpoint that serves them. Every meter reads when scraped, off the event
 * loops (docs/operations.md lists them).
 */
final class ServerMetrics implements AutoCloseable {
    /**
     * With username labels, the users shown: the ones holding most allocations. A bound, as every label's values
     * must be: each user is a time series, and REST API usernames are new every few minutes.
     */
    static final int MAX_USER_LABELS = 100;

    private final JvmGcMetrics gc;
    private final PrometheusEndpoint endpoint;

    private ServerMetrics(JvmGcMetrics gc, PrometheusEndpoint endpoint) {
        this.gc = gc;
        this.endpoint = endpoint;
    }

    /**
     * Binds the meters and serves them as {@code settings} say.
     *
     * @throws ServerStartException when the endpoint's address cannot be bound
     */
    static ServerMetrics start(MetricsSettings settings, ServerContext context) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        bindServer(registry, context);
        JvmGcMetrics gc = bindJvm(registry);
        Runnable beforeScrape = settings.usernameLabels() ? userAllocations(registry, context.services().relays())
                : () -> { };
        try {
            return new ServerMetrics(gc, PrometheusEndpoint.start(settings.socketAddress(), settings.path(), registry,
                    beforeScrape));
        } catch (IOException e) {
            gc.close();
            throw new ServerStartException("cannot listen on prometheus " + settings.socketAddress().getAddress()
                    .getHostAddress() + " port " + settings.port() + ": " + e.getMessage(), e);
        }
    }

    /** The server's own meters, over its counters and state: what a scrape sums. */
    static void bindServer(MeterRegistry registry, ServerContext context) {
        TurnServices services = context.services();
        CounterMeters.counters(registry, ServerCounter.class, services.counters()::get);
        CounterMeters.counters(registry, AuthEvent.class, services.authenticator()::count);
        RelayResources relays = services.relays();
        CounterMeters.gauges(registry, AllocationKind.class, relays::active);
        Gauge.builder("turnkit.relay.ports.used", relays, RelayResources::portsInUse)
                .description("Relay ports taken by allocations and reservations").register(registry);
        Gauge.builder("turnkit.relay.ports.capacity", relays, r -> r.ports().capacity())
                .description("Relay ports from min-port to max-port").register(registry);
        Gauge.builder("turnkit.connections.open", context.tcpConnections(), c -> c.open())
                .description("TCP and TLS connections open").register(registry);
        if (context.cluster() != null) {
            Gauge.builder("turnkit.cluster.redis.reachable", context.cluster(), c -> c.reachable() ? 1 : 0)
                    .description("1 while the cluster's Redis answers, 0 while this node serves from what it knows")
                    .register(registry);
        }
        KernelUdpErrors.bindTo(registry);
    }

    private static JvmGcMetrics bindJvm(MeterRegistry registry) {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        if (Transports.ALLOCATOR instanceof PooledByteBufAllocator pooled) {
            new NettyAllocatorMetrics(pooled).bindTo(registry);
        }
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        return gc;
    }

    /**
     * A gauge of allocations per user, for the {@link #MAX_USER_LABELS} users holding most; the returned task
     * brings it up to date before a scrape.
     */
    static Runnable userAllocations(MeterRegistry registry, RelayResources relays) {
        MultiGauge users = MultiGauge.builder("turnkit.user.allocations")
                .description("Allocations now of the users holding most (prometheus-username-labels)")
                .register(registry);
        return () -> {
            List<MultiGauge.Row<?>> rows = relays.quotas().byUser().entrySet().stream()
                    .sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder())
                            .thenComparing(Map.Entry.comparingByKey()))
                    .limit(MAX_USER_LABELS)
                    .<MultiGauge.Row<?>>map(user -> MultiGauge.Row.of(Tags.of("user", user.getKey()), user.getValue()))
                    .toList();
            users.register(rows, true);
        };
    }

    /** The address the endpoint listens on. */
    InetSocketAddress address() {
        return endpoint.address();
    }

    @Override
    public void close() {
        endpoint.close();
        gc.close();
    }
}
