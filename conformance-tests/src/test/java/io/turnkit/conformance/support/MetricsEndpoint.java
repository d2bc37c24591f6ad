package io.turnkit.conformance.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import io.turnkit.server.metrics.PrometheusText;

/**
 * The Prometheus endpoint of a {@code turnkit serve} process, on a free port of 127.0.0.1: the options that open
 * it, and scrapes of {@code /metrics}, each parsed by the text format's rules.
 */
public final class MetricsEndpoint {
    /** A scrape on a busy two-core machine; generous, since its speed is not what is tested. */
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    private final int port;

    private MetricsEndpoint(int port) {
        this.port = port;
    }

    /** An endpoint on a port free now, for a server started with {@link #options()}. */
    public static MetricsEndpoint onFreePort() {
        return new MetricsEndpoint(LoopbackPorts.freeUdpAndTcpPort());
    }

    /** serve's options that open the endpoint. */
    public List<String> options() {
        return List.of("--prometheus", "--prometheus-address", LoopbackPorts.LOOPBACK_IP, "--prometheus-port",
                Integer.toString(port));
    }

    /** One scrape, parsed line by line by the exposition format's rules: a line that breaks one fails the test. */
    public PrometheusText scrape() throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://"
                + LoopbackPorts.LOOPBACK_IP + ":" + port + "/metrics")).timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response::body);
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
        return PrometheusText.parse(response.body());
    }
}
