package io.turnkit.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import picocli.CommandLine;

/**
 * One run of the {@code turnkit} command line in this JVM, as {@code main} runs it, with its exit code and what it
 * printed; passwords come from a {@link FakeTerminal} and {@code credentials} reads the time from a fixed clock.
 */
record TurnkitRun(int exitCode, String out, String err) {
    static TurnkitRun run(String... args) {
        return run(FakeTerminal.withStdin(""), Clock.systemUTC(), args);
    }

    static TurnkitRun run(Terminal terminal, String... args) {
        return run(terminal, Clock.systemUTC(), args);
    }

    static TurnkitRun run(Clock clock, String... args) {
        return run(FakeTerminal.withStdin(""), clock, args);
    }

    static TurnkitRun run(Terminal terminal, Clock clock, String... args) {
        CommandLine commandLine = Turnkit.commandLine(new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                if (type == PasswordOptions.class) {
                    return type.cast(new PasswordOptions(terminal));
                }
                if (type == CredentialsCommand.class) {
                    return type.cast(new CredentialsCommand(clock));
                }
                return CommandLine.defaultFactory().create(type);
            }
        });
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute(args);
        return new TurnkitRun(exitCode, out.toString(), err.toString());
    }

    /** {@code command args... appended...}: a command line ending in the options every run of a test repeats. */
    static String[] line(String command, String[] args, String... appended) {
        List<String> line = new ArrayList<>();
        line.add(command);
        line.addAll(List.of(args));
        line.addAll(List.of(appended));
        return line.toArray(String[]::new);
    }

    /** Everything printed, for failure messages. */
    String describe() {
        return "exit " + exitCode + "\n--- stdout:\n" + out + "--- stderr:\n" + err;
    }
}
