package io.turnkit.server.admin;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.turnkit.server.config.AdminSettings;
import io.turnkit.server.relay.SessionSnapshot;
import io.turnkit.server.transport.TransportAddresses;
import io.turnkit.store.cluster.ClusterSession;

/**
 * The admin interface: a JSON API and the page that uses it, served by the JDK's HTTP server on its own two
 * threads, never an event loop's. Every {@code /api/} request must carry {@code Authorization: Bearer TOKEN};
 * the page's static files carry no data and need none. The token is the first line of the token file, or a
 * random one made at start and printed once, in the page's URL (after {@code #}, so it never reaches a server
 * log or a Referer header).
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
    /** The page's files, by the name a URL gives them, and their media types. */
    private static final Map<String, String> PAGE_FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "admin.js", "text/javascript; charset=utf-8",
            "admin.css", "text/css; charset=utf-8");
    private static final String PAGE_RESOURCES = "web/";
    private static final int THREADS = 2;
    /** How long a request waits for the event loops' copies of their allocations. */
    private static final long LOOP_WAIT_SECONDS = 5;
    private static final int RANDOM_TOKEN_BYTES = 24;
    private static final String SESSIONS = "/api/sessions";

    private final HttpServer http;
    private final ExecutorService executor;
    private final byte[] token;
    private final ServerAdmin server;

    private AdminServer(HttpServer http, ExecutorService executor, byte[] token, ServerAdmin server) {
        this.http = http;
        this.executor = executor;
        this.token = token;
        this.server = server;
    }

    /**
     * Listens on the settings' address and port and serves {@code server}; logs the page's address, with the
     * token when it was made here.
     *
     * @throws IOException when the address cannot be bound or the token file read
     */
    public static AdminServer start(AdminSettings settings, ServerAdmin server) throws IOException {
        String fromFile = settings.tokenFile() == null ? null : readToken(settings.tokenFile());
        String token = fromFile != null ? fromFile : randomToken();
        HttpServer http = HttpServer.create(new InetSocketAddress(settings.webAdminIp(), settings.webAdminPort()), 0);
        AtomicInteger threads = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(THREADS, task -> {
            Thread thread = new Thread(task, "turnkit-admin-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        AdminServer admin = new AdminServer(http, executor, token.getBytes(StandardCharsets.UTF_8), server);
        http.setExecutor(executor);
        http.createContext("/", admin::page);
        http.createContext("/api/", admin::api);
        http.start();
        String page = "http://" + TransportAddresses.format(http.getAddress()) + "/";
        if (fromFile != null) {
            LOG.info("admin interface on {} (token from {})", page, settings.tokenFile());
        } else {
            LOG.info("admin interface on {}#token={} (a token made for this run: --web-admin-token-file keeps one)",
                    page, token);
        }
        return admin;
    }

    /** The address the interface listens on (useful when the settings asked for port 0). */
    public InetSocketAddress address() {
        return http.getAddress();
    }

    private static String readToken(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        String token = lines.isEmpty() ? "" : lines.get(0).strip();
        if (token.isEmpty()) {
            throw new IOException("web-admin-token-file " + file + " holds no token on its first line");
        }
        return token;
    }

    private static String randomToken() {
        byte[] bytes = new byte[RANDOM_TOKEN_BYTES];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private void page(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String name = path.equals("/") ? "index.html" : path.substring(1);
            String type = PAGE_FILES.get(name);
            if (type == null) {
                send(exchange, 404, "text/plain; charset=utf-8", "not found\n");
                return;
            }
            if (!exchange.getRequestMethod().equals("GET")) {
                send(exchange, 405, "text/plain; charset=utf-8", "GET only\n");
                return;
            }
            byte[] body;
            try (InputStream in = AdminServer.class.getResourceAsStream(PAGE_RESOURCES + name)) {
                body = in.readAllBytes();
            }
            send(exchange, 200, type, body);
        }
    }

    private void api(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!authorized(exchange)) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"turnkit admin\"");
                sendJson(exchange, 401, new Json().beginObject().member("error", "a valid bearer token is required")
                        .endObject());
                return;
            }
            route(exchange, exchange.getRequestMethod(), exchange.getRequestURI().getPath());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("admin request {} failed: {}", exchange.getRequestURI().getPath(), e.toString());
            sendError(exchange, 503, "the event loops did not answer in time");
        }
    }

    private void route(HttpExchange exchange, String method, String path)
            throws IOException, InterruptedException, ExecutionException, TimeoutException {
        if (path.equals("/api/status")) {
            if (allow(exchange, method, "GET")) {
                sendJson(exchange, 200, status(server.status()));
            }
        } else if (path.equals(SESSIONS)) {
            if (allow(exchange, method, "GET")) {
                sendJson(exchange, 200, sessions(server.sessions().get(LOOP_WAIT_SECONDS, TimeUnit.SECONDS),
                        server.nodeId(), server.otherNodesSessions()));
            }
        } else if (path.startsWith(SESSIONS + "/")) {
            int id = sessionId(path.substring(SESSIONS.length() + 1));
            if (id < 0) {
                sendError(exchange, 404, "no such session");
            } else if (allow(exchange, method, "DELETE")) {
                boolean closed = server.closeSession(id).get(LOOP_WAIT_SECONDS, TimeUnit.SECONDS);
                if (closed) {
                    sendJson(exchange, 200, new Json().beginObject().member("closed", id).endObject());
                } else {
                    sendError(exchange, 404, "no such session");
                }
            }
        } else if (path.equals("/api/drain")) {
            if (allow(exchange, method, "POST")) {
                server.drain();
                sendJson(exchange, 200, status(server.status()));
            }
        } else if (path.equals("/api/ice-servers")) {
            if (allow(exchange, method, "POST")) {
                sendJson(exchange, 200, iceServers(server.iceServer()));
            }
        } else {
            sendError(exchange, 404, "no such endpoint");
        }
    }

    /** A relay port, 1-65535; -1 for anything else (the id is hostile text). */
    private static int sessionId(String text) {
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        int id = Integer.parseInt(text);
        return id >= 1 && id <= 65535 ? id : -1;
    }

    /** Compared in constant time, so the time of a refusal says nothing about how much of the token was right. */
    private boolean authorized(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        String prefix = "Bearer ";
        if (header == null || !header.regionMatches(true, 0, prefix, 0, prefix.length())) {
            return false;
        }
        return MessageDigest.isEqual(token, header.substring(prefix.length()).strip().getBytes(StandardCharsets.UTF_8));
    }

    private static boolean allow(HttpExchange exchange, String method, String allowed) throws IOException {
        if (method.equals(allowed)) {
            return true;
        }
        exchange.getResponseHeaders().set("Allow", allowed);
        sendError(exchange, 405, allowed + " only");
        return false;
    }

    private static Json status(ServerStatus status) {
        Json json = new Json().beginObject()
                .member("version", status.version())
                .member("uptimeSeconds", status.uptimeSeconds())
                .name("listeners").beginArray();
        status.listeners().forEach(json::value);
        return json.endArray()
                .member("allocations", status.allocations())
                .name("load").beginObject()
                .member("loadAverage", status.loadAverage())
                .member("processors", status.processors())
                .endObject()
                .member("relayedToPeer", status.relayedToPeer())
                .member("relayedToClient", status.relayedToClient())
                .member("draining", status.draining())
                .endObject();
    }

    /**
     * This node's sessions in full; in a cluster each with its {@code node}, followed by the other nodes' as they
     * registered them in Redis (without peers and counts, which stay on their node).
     */
    private static Json sessions(List<SessionSnapshot> sessions, String nodeId, List<ClusterSession> otherNodes) {
        Json json = new Json().beginObject().name("sessions").beginArray();
        for (SessionSnapshot session : sessions) {
            json.beginObject().member("id", session.id());
            if (nodeId != null) {
                json.member("node", nodeId);
            }
            json.member("user", session.username())
                    .member("client", TransportAddresses.format(session.client()))
                    .member("transport", session.transport().name().toLowerCase(java.util.Locale.ROOT))
                    .name("relayed").beginArray();
            session.relayed().forEach(relayed -> json.value(TransportAddresses.format(relayed)));
            json.endArray()
                    .name("peers").beginArray();
            session.peers().forEach(peer -> json.value(peer.getHostAddress()));
            json.endArray()
                    .name("toPeers").beginObject()
                    .member("bytes", session.bytesToPeers()).member("packets", session.packetsToPeers()).endObject()
                    .name("toClient").beginObject()
                    .member("bytes", session.bytesToClient()).member("packets", session.packetsToClient()).endObject()
                    .member("ageSeconds", session.ageSeconds())
                    .endObject();
        }
        long now = System.currentTimeMillis() / 1000;
        for (ClusterSession session : otherNodes) {
            json.beginObject().member("id", session.id()).member("node", session.node())
                    .member("user", session.user()).member("client", session.client())
                    .member("transport", session.transport()).name("relayed").beginArray();
            session.relayed().forEach(json::value);
            json.endArray().member("ageSeconds", session.ageSeconds(now)).endObject();
        }
        return json.endArray().endObject();
    }

    private static Json iceServers(IceServer server) {
        Json json = new Json().beginObject().name("iceServers").beginArray().beginObject().name("urls").beginArray();
        server.urls().forEach(json::value);
        return json.endArray()
                .member("username", server.username())
                .member("credential", server.credential())
                .endObject().endArray()
                .member("ttlSeconds", server.ttlSeconds())
                .endObject();
    }

    private static void sendError(HttpExchange exchange, int status, String message) throws IOException {
        sendJson(exchange, status, new Json().beginObject().member("error", message).endObject());
    }

    private static void sendJson(HttpExchange exchange, int status, Json json) throws IOException {
        send(exchange, status, "application/json; charset=utf-8", json.toString());
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        send(exchange, status, type, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", type);
        headers.set("Cache-Control", "no-store");
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Referrer-Policy", "no-referrer");
        // The page's scripts and styles are its own files: nothing inline, nothing from elsewhere.
        headers.set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        http.stop(0);
        executor.shutdownNow();
    }
}
