package io.turnkit.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.turnkit.server.auth.RestApiCredentials;
import io.turnkit.server.config.Listeners;
import io.turnkit.store.credential.CredentialStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code turnkit credentials}: mints a TURN REST API credential (draft-uberti-behave-turn-rest-00), as the web
 * service of a WebRTC app does for each visitor: username {@code <expiry>:<user>}, password
 * base64(HMAC-SHA1(secret, username)), signed with the realm's newest secret in the user database or with
 * {@code --static-auth-secret}. A server run with {@code --use-auth-secret} accepts it until it expires.
 */
@Command(name = "credentials",
        mixinStandardHelpOptions = true,
        versionProvider = ManifestVersion.class,
        description = "Make a TURN REST API credential and print it as a WebRTC iceServers entry.")
public final class CredentialsCommand extends StoreCommand {
    @Option(names = {"-u", "--user"}, required = true, paramLabel = "NAME",
            description = "Who the credential is for; it goes into the username after the expiry.")
    String user;

    @Option(names = "--ttl", paramLabel = "TTL", defaultValue = "24h", converter = TimeToLive.class,
            description = "How long the credential is good: 90s, 10m, 24h, 7d. Default: ${DEFAULT-VALUE}.")
    Duration ttl;

    @Option(names = "--uri", paramLabel = "URI",
            description = "TURN URI for the entry (repeatable). Default: turn:HOST:3478 over UDP and over TCP, "
                    + "HOST the host name.")
    List<String> uris;

    @Mixin
    RealmOption realm;

    @Option(names = "--static-auth-secret", paramLabel = "SECRET",
            description = "Sign with this secret, as serve's option, instead of the realm's newest in the user "
                    + "database.")
    String staticAuthSecret;

    @Option(names = "--rest-api-separator", paramLabel = "CHAR", defaultValue = ":",
            description = "Between expiry and user in the username, as serve's option. Default: '${DEFAULT-VALUE}'.")
    char separator;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "json", converter = IceServer.Format.Names.class,
            completionCandidates = IceServer.Format.Names.class,
            description = "${COMPLETION-CANDIDATES}: an iceServers entry, shell assignments TURN_USERNAME, "
                    + "TURN_PASSWORD and TURN_URIS, or text to read. Default: ${DEFAULT-VALUE}.")
    IceServer.Format format;

    private final Clock clock;

    public CredentialsCommand() {
        this(Clock.systemUTC());
    }

    CredentialsCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Integer call() {
        String secret = staticAuthSecret != null ? staticAuthSecret : newestSecret();
        Instant expires = clock.instant().plus(ttl);
        String username = RestApiCredentials.username(expires.getEpochSecond(), separator, user);
        IceServer server = new IceServer(uris != null ? uris : defaultUris(), username,
                RestApiCredentials.password(secret, username), expires);
        PrintWriter out = spec.commandLine().getOut();
        format.print(server, out);
        out.flush();
        return 0;
    }

    /** The secret the server tries first for the realm (the newest added). */
    private String newestSecret() {
        String realmName = realm.realm();
        try (CredentialStore credentials = store.open()) {
            List<String> secrets = credentials.secrets(realmName);
            if (secrets.isEmpty()) {
                throw new CommandFailure("no REST API secret for realm " + realmName + " in " + store.describe()
                        + ": add one with 'turnkit secret add', or give --static-auth-secret");
            }
            return secrets.get(0);
        }
    }

    private static List<String> defaultUris() {
        String server = "turn:" + RealmOption.hostName() + ":" + Listeners.DEFAULT_LISTENING_PORT;
        return List.of(server + "?transport=udp", server + "?transport=tcp");
    }
}
