package io.turnkit.conformance.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The admin interface of a running turnkit, as an operator's script reaches it: the page's address and token
 * taken from the line the server prints at start, and requests with {@code Authorization: Bearer TOKEN}.
 */
public final class AdminClient {
    private static final Pattern PAGE = Pattern.compile("admin interface on (http://\\S+/)(?:#token=(\\S+))?");
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final URI page;
    private final String token;

    private AdminClient(URI page, String token) {
        this.page = page;
        this.token = token;
    }

    /** The admin interface {@code server} printed, with the token it printed (null when it read one from a file). */
    public static AdminClient of(TurnkitServer server) {
        String line = server.awaitLine(PAGE.asPredicate(), "the admin interface's address", Duration.ofSeconds(30));
        Matcher matcher = PAGE.matcher(line);
        if (!matcher.find()) {
            throw new AssertionError("no admin address in " + line);
        }
        return new AdminClient(URI.create(matcher.group(1)), matcher.group(2));
    }

    /** The page's address with the token after {@code #}, as the server prints it. */
    public URI pageWithToken() {
        return URI.create(page + "#token=" + token);
    }

    public URI page() {
        return page;
    }

    public String token() {
        return token;
    }

    /** {@code method path} with the printed token. */
    public HttpResponse<String> send(String method, String path) {
        return send(method, path, token);
    }

    /** {@code method path} with {@code bearer} as the token, or no Authorization header when it is null. */
    public HttpResponse<String> send(String method, String path, String bearer) {
        HttpRequest.Builder request = HttpRequest.newBuilder(page.resolve(path)).timeout(TIMEOUT)
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** The body of a {@code method path} that must answer 200. */
    public String ok(String method, String path) {
        HttpResponse<String> response = send(method, path);
        if (response.statusCode() != 200) {
            throw new AssertionError(method + " " + path + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return response.body();
    }
}
