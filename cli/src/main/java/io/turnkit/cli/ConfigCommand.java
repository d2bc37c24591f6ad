package io.turnkit.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.turnkit.cli.conf.ConfigException;
import io.turnkit.server.config.ServerConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code turnkit config check}: what to do with a {@code turnserver.conf} before serve runs it. */
@Command(name = "config",
        mixinStandardHelpOptions = true,
        versionProvider = ManifestVersion.class,
        description = "Check a turnserver.conf.",
        subcommands = ConfigCommand.Check.class)
public final class ConfigCommand extends CommandGroup {
    /**
     * Reads the file exactly as {@code turnkit serve -c FILE} would, through serve's own code, and prints the
     * settings the server would run with, defaults included ({@link EffectiveSettings}). Exit 0 when serve would
     * accept the file, 2 with serve's one-line error when it would refuse it, 1 when the file cannot be read.
     * Warnings (ignored coturn options) go to stderr, as serve prints them.
     */
    @Command(name = "check", mixinStandardHelpOptions = true, versionProvider = ManifestVersion.class,
            description = "Check a turnserver.conf as serve reads it and print the settings it makes, one "
                    + "'name = value' a line; passwords and secrets show as (set).")
    static final class Check implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "The configuration file.")
        Path file;

        @Mixin
        VerboseOption verbose;

        @Override
        public Integer call() {
            CommandLine serve = new CommandLine(new ServeCommand());
            serve.setErr(spec.commandLine().getErr());
            serve.parseArgs("--config=" + file);
            ServerConfig config;
            try {
                config = ((ServeCommand) serve.getCommand()).serverConfig();
            } catch (ConfigException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            } catch (IOException e) {
                throw CommandFailure.because("cannot read " + file, e);
            }
            PrintWriter out = spec.commandLine().getOut();
            EffectiveSettings.lines(config).forEach(out::println);
            out.flush();
            return 0;
        }
    }
}
