package io.turnkit.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.turnkit.ice.agent.IceConfig;
import io.turnkit.ice.agent.IceEvent;
import io.turnkit.ice.agent.IceRole;
import io.turnkit.ice.driver.CandidateSources;
import io.turnkit.ice.driver.IceDriver;
import io.turnkit.ice.driver.IceSession;
import io.turnkit.ice.driver.RelayServer;
import io.turnkit.ice.sdp.CandidateSdp;
import io.turnkit.ice.sdp.IceDescription;
import io.turnkit.ice.sdp.SdpParseException;
import io.turnkit.ice.stun.ServerUri;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code turnkit ice}: an ICE agent (RFC 8445) on stdin and stdout, for debugging and interop. It prints its local
 * description as it is gathered (trickle, RFC 8838), reads the peer's in the same syntax, prints the selected pair,
 * then carries lines as datagrams both ways. The line protocol is the one the interop harnesses of other agents
 * speak, so that any two of them connect by piping each one's stdout to the other's stdin.
 */
@Command(name = "ice",
        mixinStandardHelpOptions = true,
        versionProvider = ManifestVersion.class,
        sortOptions = false,
        description = {
            "Run an ICE agent on stdin and stdout. It prints its a=ice-ufrag:, a=ice-pwd:, a=candidate: lines "
                    + "(RFC 8839) and a=end-of-candidates as they are gathered, and reads the peer's lines in the "
                    + "same syntax. Once a pair is selected it prints 'selected: <local candidate> <remote "
                    + "candidate>'; then each further stdin line is sent as one datagram, and each datagram "
                    + "received is printed as 'data: <text>'. End of input ends it."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:End of input.",
            "1:A malformed peer line, or another failure.",
            "2:A wrong command line.",
            "3:No candidate pair selected (or gathering not done) within --timeout."})
public final class IceCommand implements Callable<Integer> {
    static final int EXIT_NOT_SELECTED = 3;
    private static final String END_OF_CANDIDATES = "a=end-of-candidates";
    private static final String SELECTED = "selected: ";
    private static final String DATA = "data: ";
    /** How often the main thread looks whether stdin ended or failed while it waits for the selected pair. */
    private static final Duration POLL = Duration.ofMillis(100);

    @Spec
    CommandSpec spec;

    @ArgGroup(multiplicity = "1")
    Role role;

    static final class Role {
        @Option(names = "--controlling", required = true, description = "Take the controlling role (it nominates).")
        boolean controlling;

        @Option(names = "--controlled", required = true, description = "Take the controlled role.")
        boolean controlled;
    }

    @Option(names = "--stun", paramLabel = "URI", description = "A STUN server for a server-reflexive candidate: "
            + "stun:HOST[:PORT] or HOST[:PORT].")
    String stun;

    @Option(names = "--turn", paramLabel = "URI", description = "A TURN server for a relayed candidate (RFC 7065): "
            + "turn:HOST[:PORT][?transport=udp|tcp], turns:HOST[:PORT] (TLS), or HOST[:PORT]. Needs -u and -p.")
    String turn;

    @Option(names = {"-u", "--user"}, paramLabel = "NAME", description = "The TURN server's user name.")
    String user;

    @Option(names = {"-p", "--password"}, paramLabel = "PASSWORD", description = "The TURN user's password.")
    String password;

    @Option(names = "--insecure", description = "Trust any certificate of a turns: server (tests only).")
    boolean insecure;

    @Option(names = "--relay-only", description = "Only a relayed candidate: no host or server-reflexive ones.")
    boolean relayOnly;

    @Option(names = "--mdns", description = "mDNS candidates: hide the host candidates behind generated "
            + "<uuid>.local names, answered on port 5353, and resolve the peer's .local names.")
    boolean mdns;

    @Option(names = "--tcp", description = "ICE-TCP host candidates too (RFC 6544): a passive one on a listening "
            + "port and an active one on each host address, framed per RFC 4571.")
    boolean tcp;

    @Option(names = "--tcp-so", description = "With --tcp, a simultaneous-open ICE-TCP candidate too on each host "
            + "address (RFC 6544): it connects to the peer's and accepts the peer's connection on the same port.")
    boolean tcpSimultaneousOpen;

    @Option(names = "--lite", description = "Be an ICE-lite agent (RFC 8445 §2.5): host candidates, no checks sent.")
    boolean lite;

    @Option(names = "--host-ip", paramLabel = "IP", description = "Gather host candidates on this address only "
            + "(repeatable); by default on every address of every interface that is up, loopback left out.")
    List<String> hostIps = new ArrayList<>();

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s",
            converter = Seconds.class,
            description = "Give up with exit code 3 when no pair is selected in this time; a bare number is seconds, "
                    + "as the other agents' harnesses take it. Default: ${DEFAULT-VALUE}.")
    Duration timeout;

    /** A duration such as 1.5s or 2m, or a bare number of seconds. */
    static final class Seconds extends ClientOptions.AnyDuration {
        @Override
        public Duration convert(String value) {
            return super.convert(value.matches("[0-9]{1,9}(\\.[0-9]{1,9})?") ? value + "s" : value);
        }
    }

    @Option(names = {"-v", VerboseOption.LONG_NAME}, description = "Print the agent's events and check list on "
            + "stderr, and the stack trace of a failure.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        CandidateSources sources = sources();
        IceConfig config = IceConfig.builder()
                .role(role.controlling ? IceRole.CONTROLLING : IceRole.CONTROLLED)
                .lite(lite)
                .build();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (IceDriver driver = IceDriver.create(1);
             IceSession session = open(driver, config, sources, err)) {
            PeerInput peer = new PeerInput(session);
            Thread reader = new Thread(peer, "turnkit-ice-stdin");
            reader.setDaemon(true);
            reader.start();
            long deadline = System.nanoTime() + timeout.toNanos();
            String line = "";
            while (!line.equals(END_OF_CANDIDATES) && !peer.exit.isDone()) {
                if (deadline - System.nanoTime() <= 0) {
                    print(err, "turnkit: error: gathering took longer than " + timeout.toSeconds() + " s");
                    return EXIT_NOT_SELECTED;
                }
                String next = session.nextLocalLine(min(POLL, remaining(deadline)));
                if (next != null) {
                    line = next;
                    print(out, line);
                }
            }
            IceEvent.SelectedPairChanged pair = awaitSelected(session, peer, deadline);
            if (pair == null) {
                if (peer.exit.isDone()) {
                    return exitCode(peer);
                }
                printCheckList(session, err);
                print(err, "turnkit: error: no candidate pair selected within " + timeout.toSeconds() + " s");
                return EXIT_NOT_SELECTED;
            }
            print(out, SELECTED + CandidateSdp.format(pair.local()) + " " + CandidateSdp.format(pair.remote()));
            if (verbose) {
                printCheckList(session, err);
            }
            peer.selected.complete(null);
            Thread receiver = new Thread(() -> printData(session, out), "turnkit-ice-data");
            receiver.setDaemon(true);
            receiver.start();
            return exitCode(peer);
        }
    }

    private IceSession open(IceDriver driver, IceConfig config, CandidateSources sources, PrintWriter err) {
        try {
            return IceSession.open(driver, config, sources, line -> {
                if (verbose || line.startsWith("warning: ")) {
                    print(err, "turnkit: " + line);
                }
            });
        } catch (UnknownHostException e) {
            throw new CommandFailure("cannot resolve the TURN server " + turn + ": " + e.getMessage());
        }
    }

    private CandidateSources sources() {
        if (relayOnly && turn == null) {
            throw new ParameterException(spec.commandLine(), "--relay-only needs --turn");
        }
        if (tcpSimultaneousOpen && !tcp) {
            throw new ParameterException(spec.commandLine(), "--tcp-so needs --tcp");
        }
        if (turn != null && (user == null || password == null)) {
            throw new ParameterException(spec.commandLine(), "--turn needs -u and -p");
        }
        try {
            CandidateSources sources = CandidateSources.HOST;
            List<InetAddress> hosts = new ArrayList<>();
            for (String ip : hostIps) {
                hosts.add(ipLiteral(ip));
            }
            sources = sources.withHostAddresses(hosts.toArray(InetAddress[]::new)).withMdns(mdns).withTcp(tcp)
                    .withTcpSimultaneousOpen(tcpSimultaneousOpen);
            if (stun != null) {
                sources = sources.withStunServer(ServerUri.parse(stun, ServerUri.STUN).resolve());
            }
            if (turn != null) {
                ServerUri uri = ServerUri.parseTurn(turn);
                sources = sources.withRelay(new RelayServer(uri, user, password,
                        insecure ? InsecureTrustManagerFactory.INSTANCE : null))
                        .withRelayOnly(relayOnly);
            }
            return sources;
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        } catch (UnknownHostException e) {
            throw new ParameterException(spec.commandLine(), "unknown host: " + e.getMessage());
        }
    }

    private InetAddress ipLiteral(String ip) {
        if (!ip.matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) {
            throw new ParameterException(spec.commandLine(), "--host-ip takes an IP address, got '" + ip + "'");
        }
        try {
            return InetAddress.getByName(ip);
        } catch (UnknownHostException e) {
            throw new ParameterException(spec.commandLine(), "--host-ip takes an IP address, got '" + ip + "'");
        }
    }

    /** The selected pair, or null when the deadline passed or stdin ended first. */
    private static IceEvent.SelectedPairChanged awaitSelected(IceSession session, PeerInput peer, long deadline)
            throws InterruptedException {
        while (!peer.exit.isDone() && deadline - System.nanoTime() > 0) {
            try {
                return session.awaitSelected(min(POLL, remaining(deadline)));
            } catch (TimeoutException e) {
                // Look at stdin again, then wait on.
            }
        }
        return null;
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static int exitCode(PeerInput peer) throws InterruptedException {
        try {
            return peer.exit.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof CommandFailure failure ? failure
                    : new CommandFailure("reading stdin failed: " + e.getCause().getMessage());
        }
    }

    private void printCheckList(IceSession session, PrintWriter err) throws InterruptedException {
        if (!verbose) {
            return;
        }
        CompletableFuture<List<String>> pairs = new CompletableFuture<>();
        session.agent().execute(agent -> pairs.complete(agent.describeCheckList()));
        try {
            for (String pair : pairs.get(1, TimeUnit.SECONDS)) {
                print(err, "turnkit: check " + pair);
            }
        } catch (ExecutionException | TimeoutException e) {
            print(err, "turnkit: the check list is not available: " + e);
        }
    }

    private static void printData(IceSession session, PrintWriter out) {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                byte[] data = session.receive(Duration.ofSeconds(1));
                if (data != null) {
                    print(out, DATA + new String(data, StandardCharsets.UTF_8));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void print(PrintWriter writer, String line) {
        synchronized (writer) {
            writer.println(line);
            writer.flush();
        }
    }

    /**
     * Reads stdin: the peer's lines, each applied as it comes (trickle) up to {@code a=end-of-candidates}, then data
     * lines, each sent once a pair is selected. Completes {@link #exit} with 0 at end of input, or exceptionally
     * with a {@link CommandFailure} for a malformed line.
     */
    private static final class PeerInput implements Runnable {
        final CompletableFuture<Integer> exit = new CompletableFuture<>();
        final CompletableFuture<Void> selected = new CompletableFuture<>();
        private final IceSession session;
        /** RFC 8839 §5.4: the ufrag and password apply together; each line may come first. */
        private String ufragLine;
        private String passwordLine;

        PeerInput(IceSession session) {
            this.session = session;
        }

        @Override
        public void run() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                boolean remoteComplete = false;
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (!remoteComplete) {
                        remoteComplete = applyPeerLine(line.strip());
                    } else {
                        selected.join();
                        session.send(line.getBytes(StandardCharsets.UTF_8));
                    }
                }
                exit.complete(0);
            } catch (CommandFailure e) {
                exit.completeExceptionally(e);
            } catch (IOException e) {
                exit.completeExceptionally(CommandFailure.because("cannot read stdin", e));
            }
        }

        /** True once the peer's description is complete. */
        private boolean applyPeerLine(String line) {
            if (line.isEmpty()) {
                return false;
            }
            if (!line.startsWith("a=")) {
                throw new CommandFailure("expected the peer's a= lines before a=end-of-candidates, got '" + line
                        + "'");
            }
            try {
                IceDescription description = IceDescription.parse(List.of(line));
                if (description.ufrag() != null) {
                    ufragLine = line;
                } else if (description.password() != null) {
                    passwordLine = line;
                }
                if (ufragLine != null && passwordLine != null && (description.ufrag() != null
                        || description.password() != null)) {
                    description = IceDescription.parse(List.of(ufragLine, passwordLine));
                }
                session.agent().addRemoteDescription(description);
                return description.endOfCandidates();
            } catch (SdpParseException e) {
                throw new CommandFailure("malformed peer line: " + e.getMessage());
            }
        }
    }
}
