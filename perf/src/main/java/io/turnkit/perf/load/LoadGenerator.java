package io.turnkit.perf.load;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The load generator's command line: {@code load}, {@code churn}, {@code binding} and {@code idle}
 * against one TURN server on this machine. A usage error or a failed run is one line on stderr.
 */
@Command(name = "turnkit-bench", mixinStandardHelpOptions = true,
        description = {"Load generator for TURN servers (turnkit, coturn, any other), and the JMH benchmarks.",
                "  jmh ARGS...  runs the JMH benchmarks with JMH's own options (jmh -h, jmh -l)."},
        subcommands = {RelayLoadCommand.class, ChurnCommand.class, BindingCommand.class, IdleCommand.class})
public final class LoadGenerator implements Runnable {
    @picocli.CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The command line, with errors reported in one line each and mapped to exit codes 2 and 1. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new LoadGenerator());
        commandLine.setParameterExceptionHandler((error, args) -> {
            error.getCommandLine().getErr().println("turnkit-bench: " + error.getMessage());
            return error.getCommandLine().getCommandSpec().exitCodeOnInvalidInput();
        });
        commandLine.setExecutionExceptionHandler((error, failed, parsed) -> {
            failed.getErr().println("turnkit-bench " + failed.getCommandName() + ": " + LoadRig.reason(error));
            return failed.getCommandSpec().exitCodeOnExecutionException();
        });
        return commandLine;
    }
}
