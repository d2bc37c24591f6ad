package io.turnkit.conformance.support;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One run of a {@code turnkit} command other than serve, {@code java -jar turnkit.jar user add ...}, as an operator
 * runs it next to a server: its exit code and everything it printed, stdout and stderr merged.
 *
 * @param command  the command line, for failure messages
 * @param exitCode the process exit code
 * @param output   what it printed
 */
public record TurnkitCommand(String command, int exitCode, String output) {
    /** A JVM start and a file write on a busy two-core machine; the deadline only bounds a hang. */
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    public static TurnkitCommand run(String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", TurnkitServer.turnkitJar().toString()));
        command.addAll(List.of(args));
        try (ExternalProcess process = ExternalProcess.start("turnkit " + args[0], command)) {
            int exitCode = process.awaitExit(DEADLINE, () -> "");
            return new TurnkitCommand(String.join(" ", command), exitCode, process.output());
        }
    }

    /** Runs the command and returns its output; fails the test when it does not exit with 0. */
    public static String succeed(String... args) {
        TurnkitCommand run = run(args);
        if (run.exitCode() != 0) {
            throw new AssertionError(run.describe());
        }
        return run.output();
    }

    public String describe() {
        return "\n--- " + command + "\n--- exit " + exitCode + ":\n" + output + "\n---";
    }
}
