package io.turnkit.cli;

import java.io.PrintWriter;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code turnkit} command. Without a subcommand it prints usage on stderr and exits 2, as git does: a
 * script that forgot the command must not pass for one that ran.
 */
@Command(name = "turnkit",
        mixinStandardHelpOptions = true,
        versionProvider = ManifestVersion.class,
        description = "STUN/TURN/ICE NAT-traversal server and tools.",
        subcommands = {CommandLine.HelpCommand.class, ServeCommand.class, UserCommand.class, SecretCommand.class,
            CredentialsCommand.class, ConfigCommand.class, StunCommand.class, ProbeCommand.class, IceCommand.class,
            SessionsCommand.class, CompletionCommand.class})
public final class Turnkit extends CommandGroup {
    /** Builds the command line with the exit-code mapping every entry point shares. */
    public static CommandLine commandLine() {
        return commandLine(CommandLine.defaultFactory());
    }

    /** As {@link #commandLine()}, with subcommands made by {@code factory} (tests start no real server). */
    static CommandLine commandLine(CommandLine.IFactory factory) {
        CommandLine commandLine = new CommandLine(new Turnkit(), factory);
        commandLine.setHelpFactory(new SpaceWrappedHelp());
        // One line names the problem. An unknown command or option, or a missing one, is followed by the
        // command's usage in short; a bad value needs only its line, which names the expected form.
        commandLine.setParameterExceptionHandler((error, args) -> {
            CommandLine failed = error.getCommandLine();
            PrintWriter err = failed.getErr();
            err.println("turnkit: " + error.getMessage());
            if (error instanceof CommandLine.UnmatchedArgumentException unmatched) {
                // "Did you mean": picocli's nearest command or option names.
                CommandLine.UnmatchedArgumentException.printSuggestions(unmatched, err);
            }
            if (error instanceof CommandLine.UnmatchedArgumentException
                    || error instanceof CommandLine.MissingParameterException) {
                err.print("Usage: " + failed.getHelp().abbreviatedSynopsis());
                err.println("Try '" + failed.getCommandSpec().qualifiedName() + " --help' for more information.");
            }
            return failed.getCommandSpec().exitCodeOnInvalidInput();
        });
        commandLine.setExecutionExceptionHandler(new FailureReporter());
        return commandLine;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
