package io.turnkit.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code turnkit} command. Without a subcommand it prints usage, as git does.
 */
@Command(name = "turnkit",
        mixinStandardHelpOptions = true,
        versionProvider = ManifestVersion.class,
        description = "STUN/TURN/ICE NAT-traversal server and tools.",
        subcommands = {CommandLine.HelpCommand.class, ServeCommand.class})
public final class Turnkit implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    /** Builds the command line with the exit-code mapping every entry point shares. */
    public static CommandLine commandLine() {
        return commandLine(CommandLine.defaultFactory());
    }

    /** As {@link #commandLine()}, with subcommands made by {@code factory} (tests start no real server). */
    static CommandLine commandLine(CommandLine.IFactory factory) {
        CommandLine commandLine = new CommandLine(new Turnkit(), factory);
        // A usage error is one line naming the option and the expected form; --help has the rest.
        commandLine.setParameterExceptionHandler((error, args) -> {
            error.getCommandLine().getErr().println("turnkit: " + error.getMessage());
            return error.getCommandLine().getCommandSpec().exitCodeOnInvalidInput();
        });
        return commandLine;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
