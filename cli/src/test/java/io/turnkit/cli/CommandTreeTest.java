package io.turnkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import picocli.CommandLine;

/** What every command of the tree offers: --help and --version, and the same one-line usage errors. */
class CommandTreeTest {
    /** Every command path, {@code [user, add]}, help excepted (it takes a command name, not options). */
    static Stream<List<String>> commands() {
        List<List<String>> paths = new ArrayList<>();
        collect(Turnkit.commandLine(), new ArrayList<>(), paths);
        return paths.stream();
    }

    private static void collect(CommandLine command, List<String> path, List<List<String>> paths) {
        paths.add(List.copyOf(path));
        command.getSubcommands().forEach((name, sub) -> {
            if (!name.equals("help")) {
                List<String> subPath = new ArrayList<>(path);
                subPath.add(name);
                collect(sub, subPath, paths);
            }
        });
    }

    private static TurnkitRun run(List<String> path, String option) {
        List<String> args = new ArrayList<>(path);
        args.add(option);
        return TurnkitRun.run(args.toArray(String[]::new));
    }

    @ParameterizedTest
    @MethodSource("commands")
    void shouldPrintHelp(List<String> path) {
        TurnkitRun run = run(path, "--help");

        assertEquals(0, run.exitCode(), run.describe());
        assertTrue(run.out().startsWith("Usage: turnkit" + (path.isEmpty() ? "" : " " + String.join(" ", path))),
                run.describe());
    }

    @ParameterizedTest
    @MethodSource("commands")
    void shouldPrintTheVersion(List<String> path) {
        TurnkitRun run = run(path, "--version");

        assertEquals(0, run.exitCode(), run.describe());
        assertTrue(run.out().startsWith("turnkit "), run.describe());
    }

    @ParameterizedTest
    @MethodSource("commands")
    void shouldRejectAnUnknownFlagWithItsUsageAndExit2(List<String> path) {
        TurnkitRun run = run(path, "--no-such-flag");

        // A command with a required option names that first; the error line, then the usage in short, exit 2.
        String command = "turnkit" + (path.isEmpty() ? "" : " " + String.join(" ", path));
        assertEquals(2, run.exitCode(), run.describe());
        assertTrue(run.err().matches("turnkit: (Unknown option: '--no-such-flag'|Missing required )[^\\n]*\\R"
                + "(Possible solutions: [^\\n]*\\R)?"
                + "Usage: " + command + " [^\\n]*\\R"
                + "Try '" + command + " --help' for more information\\.\\R"), run.describe());
    }

    @Test
    void shouldRejectAnUnknownCommandWithTheUsageAndExit2() {
        TurnkitRun run = TurnkitRun.run("users");

        assertEquals(2, run.exitCode(), run.describe());
        assertTrue(run.err().startsWith("turnkit: Unmatched argument at index 0: 'users'"), run.describe());
        assertTrue(run.err().contains(System.lineSeparator() + "Usage: turnkit "), run.describe());
    }

    @Test
    void shouldSuggestTheCommandMeantByATypo() {
        TurnkitRun run = TurnkitRun.run("users");

        assertTrue(run.err().contains("Did you mean: turnkit user or "), run.describe());
    }

    @Test
    void shouldSuggestTheOptionMeantByATypo() {
        TurnkitRun run = TurnkitRun.run("serve", "--verbos");

        assertEquals(2, run.exitCode(), run.describe());
        assertTrue(run.err().matches("(?s).*Possible solutions: [^\\n]*--verbose\\b.*"), run.describe());
    }

    @Test
    void shouldPrintUsageOnStderrAndExit2WithoutACommand() {
        TurnkitRun run = TurnkitRun.run();

        assertEquals(2, run.exitCode(), run.describe());
        assertTrue(run.err().startsWith("Usage: turnkit") && run.err().contains("credentials"), run.describe());
        assertEquals("", run.out());
    }
}
