package io.turnkit.cli;

import java.io.IOException;
import java.util.Arrays;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The password of {@code turnkit user add|passwd}: {@code -p PASSWORD}, one line of standard input with
 * {@code --password-stdin} (for scripts: the password stays out of the process list and the shell history), or
 * typed twice at the terminal without echo. The password only lives long enough to derive the keys from it.
 */
final class PasswordOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = {"-p", "--password"}, paramLabel = "PASSWORD",
            description = "The password. Prefer --password-stdin or the prompt: a command line is visible to "
                    + "other users of the machine.")
    String password;

    @Option(names = "--password-stdin", description = "Read the password from the first line of standard input.")
    boolean passwordStdin;

    private final Terminal terminal;

    PasswordOptions() {
        this(Terminal.Standard.INSTANCE);
    }

    PasswordOptions(Terminal terminal) {
        this.terminal = terminal;
    }

    /**
     * The password from wherever it was given.
     *
     * @throws ParameterException when none was given, or two ways at once
     * @throws CommandFailure when standard input cannot be read or the two passwords typed differ
     */
    String password(String username) {
        if (password != null && passwordStdin) {
            throw usage("give -p or --password-stdin, not both");
        }
        String given = password != null ? password : passwordStdin ? fromStandardInput() : typed(username);
        if (given.isEmpty()) {
            throw usage("the password must not be empty");
        }
        return given;
    }

    private String fromStandardInput() {
        try {
            String line = terminal.readLine();
            if (line == null) {
                throw usage("--password-stdin: standard input is empty");
            }
            return line;
        } catch (IOException e) {
            throw CommandFailure.because("cannot read the password from standard input", e);
        }
    }

    private String typed(String username) {
        char[] first = terminal.readPassword("Password for " + username + ": ");
        if (first == null) {
            throw usage("no password: give -p PASSWORD or --password-stdin, or run in a terminal to type it");
        }
        char[] second = terminal.readPassword("Retype the password: ");
        try {
            if (second == null || !Arrays.equals(first, second)) {
                throw new CommandFailure("the passwords typed differ; nothing was changed");
            }
            return new String(first);
        } finally {
            Arrays.fill(first, '\0');
            if (second != null) {
                Arrays.fill(second, '\0');
            }
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(command.commandLine(), message);
    }
}
