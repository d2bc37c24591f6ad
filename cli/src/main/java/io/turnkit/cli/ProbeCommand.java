package io.turnkit.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.turnkit.ice.probe.ProbeReport;
import io.turnkit.ice.probe.RelayProbe;
import io.turnkit.ice.probe.RoundTripTimes;
import io.turnkit.ice.stun.Addresses;
import io.turnkit.ice.stun.ServerUri;
import io.turnkit.ice.turn.LongTermCredentials;
import io.turnkit.ice.turn.TurnClient;
import io.turnkit.server.auth.RestApiCredentials;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code turnkit probe turn:HOST:PORT}: a {@link RelayProbe} with the credentials given, or TURN REST API ones made
 * from {@code --secret}; a summary on stdout, a progress bar on a terminal's stderr while it runs. The loss decides
 * the exit code, so that the command can watch a relay from a cron job or a health check.
 */
@Command(name = "probe",
        mixinStandardHelpOptions = true,
        versionProvider = ManifestVersion.class,
        sortOptions = false,
        description = {
            "Measure a TURN relay end to end: allocate, give a local UDP echo peer a permission and a channel, send "
                    + "packets through the relay to it and time each one's return. Prints the allocation time, the "
                    + "round-trip percentiles and the loss.",
            "The echo peer listens on this machine's address towards the relayed address (the loopback address "
                    + "for a relay on loopback), and the server must let its relay send there: a turnkit server on "
                    + "127.0.0.1 needs --allow-loopback-peers."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:The packets came back, the loss within --max-loss.",
            "1:A request refused (wrong credentials, peer forbidden…), no answer, or more loss than --max-loss.",
            "2:A wrong command line."})
public final class ProbeCommand implements Callable<Integer> {
    /** How long a REST API credential made from --secret is good: the probe's own run, with room to spare. */
    private static final Duration REST_CREDENTIAL_LIFETIME = Duration.ofHours(1);

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "URI", description = "turn:HOST[:PORT][?transport=udp|tcp]: port 3478 and UDP unless "
            + "given; the relay is UDP either way.")
    String uri;

    @Option(names = {"-u", "--user"}, paramLabel = "NAME",
            description = "The user name; with --secret, the user id in the REST API username (optional).")
    String user;

    @Option(names = {"-p", "--password"}, paramLabel = "PASSWORD", description = "The password.")
    String password;

    @Option(names = "--secret", paramLabel = "SECRET",
            description = "A TURN REST API secret (serve's --static-auth-secret) instead of -p: the username is "
                    + "EXPIRY:NAME, good for an hour, and the password is derived from it.")
    String secret;

    @Option(names = {"-n", "--count"}, paramLabel = "N", defaultValue = "100",
            description = "How many packets. Default: ${DEFAULT-VALUE}.")
    int count;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "20ms",
            converter = ClientOptions.AnyDuration.class,
            description = "From one packet to the next. Default: ${DEFAULT-VALUE}.")
    Duration interval;

    @Option(names = "--size", paramLabel = "BYTES", defaultValue = "100",
            description = "Bytes of data in each packet, " + RelayProbe.Settings.MIN_SIZE + " to "
                    + RelayProbe.Settings.MAX_SIZE + ". Default: ${DEFAULT-VALUE}.")
    int size;

    @Option(names = "--max-loss", paramLabel = "PERCENT", defaultValue = "0",
            description = "The loss, in percent, above which the probe fails. Default: ${DEFAULT-VALUE}.")
    double maxLoss;

    @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "2s", converter = ClientOptions.AnyDuration.class,
            description = "How long to wait for the last packets after sending. Default: ${DEFAULT-VALUE}.")
    Duration wait;

    @Mixin
    ClientOptions client;

    @Override
    public Integer call() {
        ServerUri server = serverUri();
        RelayProbe.Settings settings = settings();
        LongTermCredentials credentials = credentials();
        ProgressBar progress = ProgressBar.ifTerminal(spec.commandLine().getErr());
        ProbeReport report;
        String serverAddress;
        // RFC 8489 §10: a node that is draining or full sends the Allocate on, once, over the same transport.
        try (TurnClient turn = new TurnClient(client.connect(server), credentials,
                alternate -> client.connect(server.transport(), alternate))) {
            report = new RelayProbe(turn, settings, progress).run();
            // After the run: the server that allocated, which a redirect may have changed.
            serverAddress = turn.stun().transport().toString();
        } catch (IOException e) {
            throw ClientOptions.failure(server, e);
        } finally {
            progress.clear();
        }
        print(serverAddress, report);
        if (report.lossPercent() > maxLoss) {
            spec.commandLine().getErr().println("turnkit: " + percent(report.lossPercent()) + " loss is above "
                    + "--max-loss " + percent(maxLoss));
            return FailureReporter.EXIT_FAILED;
        }
        return 0;
    }

    private void print(String serverAddress, ProbeReport report) {
        PrintWriter out = spec.commandLine().getOut();
        ClientOptions.row(out, "server", serverAddress);
        ClientOptions.row(out, "relayed address", Addresses.format(report.allocation().relayedAddress()));
        ClientOptions.row(out, "echo peer", Addresses.format(report.peer()));
        ClientOptions.row(out, "allocate", ClientOptions.millis(report.allocateTime()));
        ClientOptions.row(out, "packets", report.sent() + " sent, " + report.reachedPeer() + " reached the peer, "
                + report.received() + " came back: " + percent(report.lossPercent()) + " loss");
        RoundTripTimes times = report.roundTrips();
        ClientOptions.row(out, "round trip", times.count() == 0 ? "none came back"
                : "p50 " + ClientOptions.millis(times.percentile(50)) + ", p90 "
                        + ClientOptions.millis(times.percentile(90)) + ", p99 "
                        + ClientOptions.millis(times.percentile(99)) + ", max " + ClientOptions.millis(times.max()));
        out.flush();
    }

    private static String percent(double value) {
        return String.format(Locale.ROOT, "%.1f%%", value);
    }

    private ServerUri serverUri() {
        try {
            return ServerUri.parse(uri, ServerUri.TURN);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    private RelayProbe.Settings settings() {
        if (maxLoss < 0 || maxLoss > 100) {
            throw usage("--max-loss: expected a percentage 0-100, got " + maxLoss);
        }
        try {
            return new RelayProbe.Settings(count, interval, size, wait);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    /** -u and -p as given, or a REST API username and password made with --secret (RestApiCredentials). */
    private LongTermCredentials credentials() {
        if (secret != null && password != null) {
            throw usage("give -p PASSWORD or --secret SECRET, not both");
        }
        String name = user;
        String pass = password;
        if (secret != null) {
            long expiry = Instant.now().plus(REST_CREDENTIAL_LIFETIME).getEpochSecond();
            name = RestApiCredentials.username(expiry, RestApiCredentials.DEFAULT_SEPARATOR, user);
            pass = RestApiCredentials.password(secret, name);
        } else if (user == null || password == null) {
            throw usage("give -u USER and -p PASSWORD, or --secret SECRET");
        }
        try {
            return new LongTermCredentials(name, pass);
        } catch (IllegalArgumentException e) {
            throw usage("the user name or password is not usable: " + e.getMessage());
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
