package io.turnkit.conformance.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Debian's Chromium driven through Debian's chromedriver (W3C WebDriver over HTTP on 127.0.0.1), for a page the
 * test does not write: open it, run scripts in it, read its console and take a screenshot. Chromium runs with the
 * flags of {@link Chromium}; chromedriver and every process it starts stop with it.
 */
public final class WebDriverChromium implements AutoCloseable {
    public static final Path PROGRAM = Path.of("/usr/bin/chromedriver");
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern VALUE_START = Pattern.compile("\"value\"\\s*:\\s*\"");
    private static final Pattern SESSION = Pattern.compile("\"sessionId\"\\s*:\\s*\"([^\"]+)\"");

    private final TemporaryDirectory home;
    private final ExternalProcess driver;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final URI session;

    private WebDriverChromium(TemporaryDirectory home, ExternalProcess driver, URI session) {
        this.home = home;
        this.driver = driver;
        this.session = session;
    }

    public static WebDriverChromium start() {
        ExternalProcess.requireExecutable(PROGRAM, "chromium-driver");
        ExternalProcess.requireExecutable(Chromium.PROGRAM, "chromium");
        TemporaryDirectory home = TemporaryDirectory.create("turnkit-webdriver-");
        int port = LoopbackPorts.freeUdpAndTcpPort();
        ExternalProcess driver = ExternalProcess.start("chromedriver", List.of(PROGRAM.toString(), "--port=" + port,
                "--allowed-ips=" + LoopbackPorts.LOOPBACK_IP), Chromium.environment(home.path()));
        try {
            driver.awaitLineContaining("started successfully", TIMEOUT);
            URI base = URI.create("http://" + LoopbackPorts.LOOPBACK_IP + ":" + port + "/");
            // Tall enough for the whole page in the screenshot.
            String args = Stream.concat(Chromium.flags(home.path()).stream(), Stream.of("--window-size=1280,1400"))
                    .map(WebDriverChromium::quote).collect(Collectors.joining(","));
            String created = post(HttpClient.newHttpClient(), base.resolve("session"),
                    "{\"capabilities\":{\"alwaysMatch\":{\"browserName\":\"chrome\",\"goog:chromeOptions\":{"
                            + "\"binary\":" + quote(Chromium.PROGRAM.toString()) + ",\"args\":[" + args + "]},"
                            + "\"goog:loggingPrefs\":{\"browser\":\"ALL\"}}}}");
            Matcher id = SESSION.matcher(created);
            if (!id.find()) {
                throw new AssertionError("chromedriver made no session: " + created + driver.describe());
            }
            return new WebDriverChromium(home, driver, base.resolve("session/" + id.group(1) + "/"));
        } catch (RuntimeException | AssertionError e) {
            driver.close();
            home.close();
            throw e;
        }
    }

    /** Opens {@code page}, returning once it has loaded. */
    public void open(URI page) {
        post(http, session.resolve("url"), "{\"url\":" + quote(page.toString()) + "}");
    }

    /** The value {@code script} (a function body) returns, as WebDriver's JSON text of it. */
    public String execute(String script) {
        return post(http, session.resolve("execute/sync"), "{\"script\":" + quote(script) + ",\"args\":[]}");
    }

    /** The string {@code script} returns; fails when it returns no string. */
    public String string(String script) {
        return valueString(execute(script)).replace("\\\"", "\"").replace("\\\\", "\\").replace("\\n", "\n");
    }

    /**
     * Waits until {@code condition} (a function body) returns true, checked by the page itself every 100 ms; fails
     * after {@code timeout}.
     */
    public void awaitTrue(String condition, String what, Duration timeout) {
        long millis = timeout.toMillis();
        post(http, session.resolve("timeouts"), "{\"script\":" + (millis + TIMEOUT.toMillis()) + "}");
        String script = "const done = arguments[arguments.length - 1];"
                + "const deadline = Date.now() + " + millis + ";"
                + "const check = () => { let ok = false; try { ok = (() => { " + condition + " })(); } catch (e) {}"
                + "  if (ok === true) { done(true); } else if (Date.now() > deadline) { done(false); }"
                + "  else { setTimeout(check, 100); } };"
                + "check();";
        String answer = post(http, session.resolve("execute/async"), "{\"script\":" + quote(script) + ",\"args\":[]}");
        if (!answer.replace(" ", "").contains("\"value\":true")) {
            throw new AssertionError("the page did not show " + what + " within " + timeout + ": " + answer);
        }
    }

    /** The browser console's entries so far, as WebDriver's JSON. */
    public String consoleLog() {
        return post(http, session.resolve("se/log"), "{\"type\":\"browser\"}");
    }

    /** Saves a PNG of the page at {@code file}. */
    public void screenshot(Path file) throws IOException {
        HttpResponse<String> response = send(http, HttpRequest.newBuilder(session.resolve("screenshot")).GET());
        Files.createDirectories(file.getParent());
        Files.write(file, Base64.getMimeDecoder().decode(valueString(response.body()).replace("\\n", "")));
    }

    /**
     * The JSON string of {@code "value"} in a WebDriver answer, still escaped; found by hand, as a screenshot's is
     * megabytes long.
     */
    private static String valueString(String answer) {
        Matcher start = VALUE_START.matcher(answer);
        if (!start.find()) {
            throw new AssertionError("WebDriver answered no string: " + answer);
        }
        int end = start.end();
        while (end < answer.length() && answer.charAt(end) != '"') {
            end += answer.charAt(end) == '\\' ? 2 : 1;
        }
        return answer.substring(start.end(), end);
    }

    static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    private static String post(HttpClient http, URI uri, String json) {
        HttpResponse<String> response = send(http, HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
        if (response.statusCode() != 200) {
            throw new AssertionError("WebDriver " + uri.getPath() + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return response.body();
    }

    private static HttpResponse<String> send(HttpClient http, HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("WebDriver request failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    @Override
    public void close() {
        try {
            send(http, HttpRequest.newBuilder(session).DELETE());
        } catch (AssertionError e) {
            // The browser is gone already; stopping chromedriver below ends what is left.
        } finally {
            try {
                driver.close();
            } finally {
                home.close();
            }
        }
    }
}
