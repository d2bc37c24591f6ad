package io.turnkit.perf.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * perf/soak.sh for ten minutes against the built jar: the server, under mixed load, holds no more memory,
 * descriptors, threads or relay ports at the end than it settled at, and gives every port back once the
 * load stops. The one-hour run is the same script without SOAK_MINUTES.
 */
@Tag("slow")
class SoakTest {
    private static final int MINUTES = 10;
    /** The load, the drain of up to two allocation lifetimes and the JVM's start on a busy machine. */
    private static final long LIMIT_MINUTES = MINUTES + 10;

    @Test
    void shouldHoldSteadyForTenMinutesOfMixedLoad() throws IOException, InterruptedException {
        Path dir = Path.of("target", "soak").toAbsolutePath();
        ProcessBuilder soak = new ProcessBuilder("bash", Path.of("soak.sh").toAbsolutePath().toString())
                .redirectErrorStream(true)
                .redirectOutput(Files.createDirectories(dir).resolve("soak.out").toFile());
        soak.environment().put("SOAK_MINUTES", Integer.toString(MINUTES));
        soak.environment().put("SOAK_DIR", dir.toString());
        soak.environment().put("TURNKIT_JAR", System.getProperty("turnkit.jar"));
        // The load generator from this module's classes, built or not into its jar yet.
        soak.environment().put("BENCH_CLASSPATH", System.getProperty("java.class.path"));
        soak.environment().put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Process process = soak.start();
        boolean done = process.waitFor(LIMIT_MINUTES, TimeUnit.MINUTES);
        if (!done) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
        }
        String output = Files.readString(dir.resolve("soak.out"), StandardCharsets.UTF_8);

        assertTrue(done, "soak.sh finished within " + LIMIT_MINUTES + " minutes\n" + output);
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.lines().anyMatch(line -> line.equals("PASS")), output);
        List<String> rows = Files.readAllLines(dir.resolve("soak.csv"));
        long underLoad = rows.stream().filter(row -> row.contains(",load,")).count();
        assertTrue(underLoad >= MINUTES - 1, "a sample a minute under load:\n" + String.join("\n", rows));
        assertTrue(rows.get(rows.size() - 1).contains(",drained,"), String.join("\n", rows));
    }
}
