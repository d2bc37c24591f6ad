package io.turnkit.server.metrics;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * Serves a registry's meters in Prometheus' text format on one path, GET or HEAD, over the JDK's HTTP server on
 * threads of its own: a scrape sums the event loops' counters and never runs on one.
 */
public final class PrometheusEndpoint implements AutoCloseable {
    /** The text exposition format, version 0.0.4: what every Prometheus and its agents read. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /** Scrapes are rare (every few seconds) and short: two threads keep a slow one from holding the next. */
    private static final int THREADS = 2;
    private static final int STOP_SECONDS = 1;

    private final HttpServer http;
    private final ExecutorService executor;

    private PrometheusEndpoint(HttpServer http, ExecutorService executor) {
        this.http = http;
        this.executor = executor;
    }

    /**
     * Listens on {@code address} and serves {@code registry} on {@code path}.
     *
     * @param beforeScrape what to bring up to date before each scrape (meters whose tags change)
     * @throws IOException when the address cannot be bound
     */
    public static PrometheusEndpoint start(InetSocketAddress address, String path, PrometheusMeterRegistry registry,
            Runnable beforeScrape) throws IOException {
        HttpServer http = HttpServer.create(address, 0);
        AtomicInteger threads = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(THREADS, task -> {
            Thread thread = new Thread(task, "turnkit-metrics-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        http.setExecutor(executor);
        // A context matches every path it prefixes: the handler answers its own path only.
        http.createContext("/", exchange -> answer(exchange, path, registry, beforeScrape));
        http.start();
        return new PrometheusEndpoint(http, executor);
    }

    private static void answer(HttpExchange exchange, String path, PrometheusMeterRegistry registry,
            Runnable beforeScrape) throws IOException {
        try (exchange) {
            if (!exchange.getRequestURI().getPath().equals(path)) {
                send(exchange, 404, "not found: metrics are at " + path + "\n");
                return;
            }
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                send(exchange, 405, "method not allowed\n");
                return;
            }
            beforeScrape.run();
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            if (method.equals("HEAD")) {
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static void send(HttpExchange exchange, int status, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** The address bound (the port the system chose, when asked for port 0). */
    public InetSocketAddress address() {
        return http.getAddress();
    }

    @Override
    public void close() {
        http.stop(STOP_SECONDS);
        executor.shutdownNow();
    }
}
