package io.turnkit.conformance.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * An independent ICE agent run as a process that speaks the interop line protocol, the one {@code turnkit ice}
 * speaks: it prints its {@code a=ice-ufrag:}, {@code a=ice-pwd:}, {@code a=candidate:} lines (RFC 8839) and
 * {@code a=end-of-candidates}; it reads the peer's lines in the same syntax on stdin; it prints
 * {@code selected: <local candidate> <remote candidate>} once a pair is selected; then each stdin line is one
 * datagram to the peer and each datagram received is a line {@code data: <text>}. EOF on stdin ends it with
 * exit 0.
 *
 * <p>Three agents are here: turnkit's ({@code turnkit ice} from the jar), libnice (a C harness compiled from the
 * test resources on first use) and Python's aioice (a script run by Debian's {@code /usr/bin/python3}, which is
 * where {@code python3-aioice} installs).
 */
public final class IceHarness implements AutoCloseable {
    /** The agents give up with exit 3 after this; the test's own waits are longer, so the harness says why. */
    private static final Duration HARNESS_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration WAIT = HARNESS_TIMEOUT.plusSeconds(10);
    private static final Duration BUILD = Duration.ofSeconds(60);
    private static final String END_OF_CANDIDATES = "a=end-of-candidates";
    private static final String SELECTED = "selected: ";
    private static final String DATA = "data: ";

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path AIOICE_MODULE = Path.of("/usr/lib/python3/dist-packages/aioice");
    private static final Path CC = Path.of("/usr/bin/cc");
    private static final Path PKG_CONFIG = Path.of("/usr/bin/pkg-config");
    private static Path libniceProgram;

    private final String name;
    private final ExternalProcess process;

    private IceHarness(String name, ExternalProcess process) {
        this.name = name;
        this.process = process;
    }

    /** libnice's agent (NICE_COMPATIBILITY_RFC5245) with the protocol's options. */
    public static IceHarness libnice(List<String> options) {
        return libnice(options, HARNESS_TIMEOUT);
    }

    /** The same, giving up after {@code timeout} without a selected pair. */
    public static IceHarness libnice(List<String> options, Duration timeout) {
        return start("libnice", List.of(libniceProgram().toString()), options, timeout);
    }

    /** turnkit's own agent, {@code turnkit ice} from the jar, with host candidates on 127.0.0.1 only. */
    public static IceHarness turnkit(List<String> options) {
        return turnkit(options, HARNESS_TIMEOUT);
    }

    /** The same, giving up after {@code timeout} without a selected pair. */
    public static IceHarness turnkit(List<String> options, Duration timeout) {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return start("turnkit", List.of(java.toString(), "-jar", TurnkitServer.turnkitJar().toString(), "ice",
                "--host-ip", LoopbackPorts.LOOPBACK_IP), options, timeout);
    }

    /** aioice's agent with the protocol's options. */
    public static IceHarness aioice(List<String> options) {
        return aioice(options, HARNESS_TIMEOUT);
    }

    /** The same, giving up after {@code timeout} without a selected pair. */
    public static IceHarness aioice(List<String> options, Duration timeout) {
        ExternalProcess.requireExecutable(PYTHON, "python3");
        if (!Files.isDirectory(AIOICE_MODULE)) {
            fail(AIOICE_MODULE + " is missing: these tests need the Debian package 'python3-aioice'");
        }
        return start("aioice", List.of(PYTHON.toString(), resource("aioice/ice_harness.py").toString()), options,
                timeout);
    }

    private static IceHarness start(String name, List<String> program, List<String> options, Duration timeout) {
        List<String> command = new ArrayList<>(program);
        command.addAll(options);
        command.addAll(List.of("--timeout", Long.toString(timeout.toSeconds())));
        return new IceHarness(name, ExternalProcess.start(name, command));
    }

    /** Its local description: the {@code a=} lines up to and including {@code a=end-of-candidates}. */
    public List<String> localDescription() {
        process.awaitLine(END_OF_CANDIDATES::equals, "'" + END_OF_CANDIDATES + "'", WAIT);
        List<String> description = new ArrayList<>();
        for (String line : process.output().split("\n")) {
            if (line.startsWith("a=")) {
                description.add(line);
            }
            if (line.equals(END_OF_CANDIDATES)) {
                return description;
            }
        }
        throw new AssertionError("unreachable: " + END_OF_CANDIDATES + " was printed" + describe());
    }

    /** Gives it the peer's description, as signalling would. */
    public void addRemoteDescription(List<String> description) {
        description.forEach(process::writeLine);
    }

    /** Waits for the selected pair and returns it. */
    public SelectedPair awaitSelected() {
        String line = process.awaitLine(text -> text.startsWith(SELECTED), "'" + SELECTED + "'", WAIT);
        return SelectedPair.parse(line.substring(SELECTED.length()), describe());
    }

    /** Sends {@code text} as one datagram on the selected pair. */
    public void send(String text) {
        process.writeLine(text);
    }

    /** Waits until it printed that it received {@code text} as one datagram. */
    public void awaitData(String text) {
        process.awaitLine((DATA + text)::equals, "'" + DATA + text + "'", WAIT);
    }

    /** Closes its stdin and asserts that it ends with exit 0, as EOF asks. */
    public void finish() {
        process.closeInput();
        assertEquals(0, awaitExit(), () -> name + "'s exit code" + describe());
    }

    /** Waits for it to end on its own and returns its exit code. */
    public int awaitExit() {
        return process.awaitExit(WAIT, () -> "");
    }

    /** Everything it printed, stdout and stderr. */
    public String output() {
        return process.output();
    }

    public String describe() {
        return process.describe();
    }

    @Override
    public void close() {
        process.close();
    }

    /**
     * The two candidates of a {@code selected:} line, each as RFC 8839 §5.1 writes an {@code a=candidate} value:
     * {@code candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type> ...}.
     */
    public record SelectedPair(Candidate local, Candidate remote) {
        private static final int FIELDS_BEFORE_TYPE = 8;

        static SelectedPair parse(String text, String context) {
            String[] fields = text.split(" ");
            // The remote candidate starts at the second field that begins with "candidate:".
            int remoteStart = -1;
            for (int i = 1; i < fields.length; i++) {
                if (fields[i].startsWith("candidate:")) {
                    remoteStart = i;
                    break;
                }
            }
            if (!fields[0].startsWith("candidate:") || remoteStart < FIELDS_BEFORE_TYPE) {
                fail("not two candidates in a selected line: " + text + context);
            }
            return new SelectedPair(Candidate.parse(Arrays.copyOfRange(fields, 0, remoteStart), context),
                    Candidate.parse(Arrays.copyOfRange(fields, remoteStart, fields.length), context));
        }
    }

    /** The fields of a candidate the tests look at. */
    public record Candidate(String transport, String address, int port, String type) {
        static Candidate parse(String[] fields, String context) {
            if (fields.length < 8 || !fields[6].equals("typ")) {
                fail("not a candidate: " + String.join(" ", fields) + context);
            }
            return new Candidate(fields[2].toLowerCase(Locale.ROOT), fields[4], Integer.parseInt(fields[5]),
                    fields[7]);
        }

        /** {@code address:port}, the transport address that a peer sees. */
        public String transportAddress() {
            return address + ":" + port;
        }

        /**
         * What the peer sees of this end of the pair: its transport address, or over TCP its address only, as the
         * port of a connection's active end is the connection's, signalled as 9 or not at all (RFC 6544 §4.5).
         */
        public String peerView() {
            return transport.equals("tcp") ? address : transportAddress();
        }
    }

    /** The libnice harness, compiled once per test run into the build directory. */
    private static synchronized Path libniceProgram() {
        if (libniceProgram != null) {
            return libniceProgram;
        }
        ExternalProcess.requireExecutable(CC, "gcc");
        ExternalProcess.requireExecutable(PKG_CONFIG, "pkg-config");
        List<String> flags = new ArrayList<>();
        try (ExternalProcess pkgConfig = ExternalProcess.start("pkg-config",
                List.of(PKG_CONFIG.toString(), "--cflags", "--libs", "nice", "gio-2.0", "glib-2.0"))) {
            int exit = pkgConfig.awaitExit(BUILD, () -> "");
            if (exit != 0) {
                fail("pkg-config finds no libnice: these tests need the Debian package 'libnice-dev'"
                        + pkgConfig.describe());
            }
            flags.addAll(Arrays.asList(pkgConfig.output().trim().split("\\s+")));
        }
        Path program = Path.of(System.getProperty("interop.build.dir", "target/interop"), "libnice-ice-harness");
        List<String> command = new ArrayList<>(List.of(CC.toString(), "-O1", "-Wall", "-o", program.toString(),
                resource("libnice/ice_harness.c").toString()));
        command.addAll(flags);
        try {
            Files.createDirectories(program.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + program.getParent(), e);
        }
        try (ExternalProcess compiler = ExternalProcess.start("cc", command)) {
            assertEquals(0, compiler.awaitExit(BUILD, () -> ""), () -> "cannot build the libnice harness"
                    + compiler.describe());
        }
        libniceProgram = program;
        return program;
    }

    /** A file of the interop test resources. */
    static Path resource(String name) {
        URL url = IceHarness.class.getResource("/interop/" + name);
        if (url == null) {
            throw new IllegalStateException("test resource interop/" + name + " is missing");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("test resource interop/" + name + " is not a file: " + url, e);
        }
    }
}
