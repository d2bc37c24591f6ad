package io.turnkit.conformance.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The browser test's web server on 127.0.0.1: it serves one page (a test resource, {@value #PAGE} unless
 * another is named) and takes the one result the page POSTs to {@code /result} as a form. A page that signals
 * with an agent outside the browser POSTs its session description to {@code /description} and polls
 * {@code GET /description} for the peer's (204 until the test has given it).
 */
public final class WebRtcTestPage implements AutoCloseable {
    public static final String PAGE = "relay-data-channel.html";

    private final HttpServer http;
    private final String name;
    private final byte[] page;
    private final CompletableFuture<Map<String, String>> result = new CompletableFuture<>();
    private final CompletableFuture<String> fromPage = new CompletableFuture<>();
    private final CompletableFuture<String> toPage = new CompletableFuture<>();

    private WebRtcTestPage(HttpServer http, String name, byte[] page) {
        this.http = http;
        this.name = name;
        this.page = page;
    }

    public static WebRtcTestPage start() {
        return start(PAGE);
    }

    /** Serves the test resource {@code name}. */
    public static WebRtcTestPage start(String name) {
        byte[] page;
        try (InputStream in = WebRtcTestPage.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("test resource " + name + " is missing");
            }
            page = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(LoopbackPorts.LOOPBACK, 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the test page's HTTP server", e);
        }
        WebRtcTestPage testPage = new WebRtcTestPage(http, name, page);
        http.createContext("/", testPage::handle);
        http.start();
        return testPage;
    }

    /** The page's address with {@code query} as its (encoded) query string. */
    public URI uri(Map<String, String> query) {
        String encoded = query.entrySet().stream()
                .map(entry -> encode(entry.getKey()) + "=" + encode(entry.getValue()))
                .collect(Collectors.joining("&"));
        return URI.create("http://" + LoopbackPorts.LOOPBACK_IP + ":" + http.getAddress().getPort() + "/" + name
                + "?" + encoded);
    }

    /**
     * Waits for the page's result. Fails, with {@code browser}'s output, when the browser exits first or the
     * time runs out.
     */
    public Map<String, String> awaitResult(Duration timeout, ExternalProcess browser) {
        return await(result, "a result", timeout, browser);
    }

    /** Waits for the session description the page POSTs, as {@link #awaitResult} waits. */
    public String awaitDescription(Duration timeout, ExternalProcess browser) {
        return await(fromPage, "a session description", timeout, browser);
    }

    /** Gives the page the peer's session description. */
    public void sendDescription(String sdp) {
        toPage.complete(sdp);
    }

    private static <T> T await(CompletableFuture<T> what, String noun, Duration timeout, ExternalProcess browser) {
        try {
            CompletableFuture.anyOf(what, browser.exited()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            fail("the page gave no " + noun + " within " + timeout + browser.describe());
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for the page", e);
        }
        if (!what.isDone()) {
            fail("the browser exited before the page gave " + noun + browser.describe());
        }
        return what.join();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/" + name) && exchange.getRequestMethod().equals("GET")) {
                exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
                exchange.sendResponseHeaders(200, page.length);
                try (OutputStream body = exchange.getResponseBody()) {
                    body.write(page);
                }
            } else if (path.equals("/result") && exchange.getRequestMethod().equals("POST")) {
                String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                result.complete(parseForm(form));
                exchange.sendResponseHeaders(204, -1);
            } else if (path.equals("/description") && exchange.getRequestMethod().equals("POST")) {
                fromPage.complete(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                exchange.sendResponseHeaders(204, -1);
            } else if (path.equals("/description") && exchange.getRequestMethod().equals("GET")) {
                if (toPage.isDone()) {
                    byte[] sdp = toPage.join().getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().set("Content-Type", "application/sdp");
                    exchange.sendResponseHeaders(200, sdp.length);
                    try (OutputStream body = exchange.getResponseBody()) {
                        body.write(sdp);
                    }
                } else {
                    exchange.sendResponseHeaders(204, -1);
                }
            } else {
                exchange.sendResponseHeaders(404, -1);
            }
        }
    }

    private static Map<String, String> parseForm(String form) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : form.split("&")) {
            int equals = pair.indexOf('=');
            if (equals > 0) {
                fields.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
            }
        }
        return fields;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
