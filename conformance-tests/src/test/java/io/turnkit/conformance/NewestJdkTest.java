package io.turnkit.conformance;

import static io.turnkit.conformance.support.LoopbackPorts.LOOPBACK_IP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.turnkit.conformance.support.TurnkitServer;
import io.turnkit.conformance.support.TurnutilsPeer;
import io.turnkit.conformance.support.TurnutilsUclient;


/**
 * The server on the newest JDK this machine has beside the one the tests run on (Debian's 17 here, Temurin's 25
 * next to it): users run the jar on whatever JDK they have. From JDK 24 on, the JVM prints warnings at start for
 * JNI libraries loaded without native access and for sun.misc.Unsafe's memory-access methods (JEP 472, JEP 498);
 * the jar asks for native access in its manifest and uses no Unsafe of its own, so it starts without a warning.
 * It also relays on the same transport as on the tests' JDK (our own UDP sockets where the library is built).
 */
class NewestJdkTest {
    private static final Path JVMS = Path.of("/usr/lib/jvm");
    /** JDK 24 is the first to warn of both. */
    private static final int FIRST_WARNING_JDK = 24;
    /** The release file's JAVA_VERSION="25.0.3". */
    private static final Pattern FEATURE = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)");
    /** The start line names the transport in parentheses: "tcp 127.0.0.1:3478 (epoll with native UDP);". */
    private static final Pattern TRANSPORT = Pattern.compile("turnkit serving on .*?\\(([^)]+)\\);");
    private static final String USER = "alice";
    private static final String PASSWORD = "conformance-password";
    private static final int MESSAGES = 50;

    @Test
    void shouldStartWithoutJvmWarningsAndRelayOnTheSameTransport() {
        Optional<Jdk> newest = newestJdk();
        assumeTrue(newest.isPresent() && newest.get().feature() >= FIRST_WARNING_JDK,
                () -> "no JDK " + FIRST_WARNING_JDK + " or later under " + JVMS + ": " + newest);
        String expected;
        try (TurnkitServer usual = TurnkitServer.withLongTermCredentials(USER, PASSWORD)) {
            expected = transport(usual);
        }
        try (TurnutilsPeer peer = TurnutilsPeer.start();
                TurnkitServer server = TurnkitServer.onJava(newest.get().java(), USER, PASSWORD)) {
            List<String> warnings = server.output().lines().filter(line -> line.startsWith("WARNING:")).toList();
            assertTrue(warnings.isEmpty(), "JDK " + newest.get().feature() + " warned at start:\n"
                    + String.join("\n", warnings) + server.describe());
            assertEquals(expected, transport(server), "the transport on JDK " + newest.get().feature());
            TurnutilsUclient.run(server, List.of("-e", LOOPBACK_IP, "-r", Integer.toString(peer.port()),
                            "-n", Integer.toString(MESSAGES), "-u", USER, "-w", PASSWORD))
                    .assertAllDelivered(2 * MESSAGES, server.describe());
        }
    }

    private static String transport(TurnkitServer server) {
        Matcher matcher = TRANSPORT.matcher(server.output());
        assertTrue(matcher.find(), "the start line names the transport" + server.describe());
        return matcher.group(1);
    }

    private record Jdk(Path java, int feature) {
    }

    /** The JDK under /usr/lib/jvm with the highest feature release and a java program. */
    private static Optional<Jdk> newestJdk() {
        if (!Files.isDirectory(JVMS)) {
            return Optional.empty();
        }
        try (Stream<Path> homes = Files.list(JVMS)) {
            return homes.filter(home -> Files.isExecutable(home.resolve("bin/java")))
                    .flatMap(home -> feature(home).map(feature -> new Jdk(home.resolve("bin/java"), feature)).stream())
                    .max(Comparator.comparingInt(Jdk::feature));
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + JVMS, e);
        }
    }

    private static Optional<Integer> feature(Path home) {
        try {
            Matcher matcher = FEATURE.matcher(Files.readString(home.resolve("release")));
            return matcher.find() ? Optional.of(Integer.parseInt(matcher.group(1))) : Optional.empty();
        } catch (IOException e) {
            // Not a JDK home (no release file): a link or a JRE directory.
            return Optional.empty();
        }
    }
}
