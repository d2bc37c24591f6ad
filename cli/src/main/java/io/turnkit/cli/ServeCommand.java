package io.turnkit.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.util.ResourceLeakDetector;
import io.turnkit.cli.conf.ConfigEntry;
import io.turnkit.cli.conf.ConfigException;
import io.turnkit.cli.conf.ConfigFile;
import io.turnkit.cli.conf.ServeOption;
import io.turnkit.cli.conf.UnsupportedOption;
import io.turnkit.cli.log.LogSetup;
import io.turnkit.server.ServerStartException;
import io.turnkit.server.TurnServer;
import io.turnkit.server.config.ServerConfig;
import io.turnkit.server.policy.AddressRange;
import picocli.CommandLine.Command;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * {@code turnkit serve}: runs the TURN server with coturn's options, from the command line and from a
 * coturn-style {@code turnserver.conf} ({@code -c}). An option on the command line replaces the file's
 * setting of it; for a repeatable option ({@code --user}, {@code --denied-peer-ip}…) the command line's
 * list replaces the file's whole list, so no stale entry survives.
 *
 * <p>Exit codes: 0 once the server has stopped (SIGTERM, Ctrl-C), 2 for a configuration that cannot run
 * (a bad value, an unknown option in the file, options that do not fit together), 1 when the file or the pid
 * file cannot be read or written or the server cannot start (a port taken, a bad certificate, an unreachable
 * store). Failures go the way of every command's ({@link FailureReporter}): one line on stderr, and the stack
 * trace with {@code --verbose} on the command line.
 */
@Command(name = "serve",
        versionProvider = ManifestVersion.class,
        sortOptions = false,
        modelTransformer = ServeCommand.Options.class,
        description = "Run the TURN server. Options and defaults are coturn's; a turnserver.conf (-c) takes the "
                + "same names without the dashes, and the command line wins over it. coturn's other options are "
                + "accepted with a warning or refused with what to use instead (docs/configuration.md).")
public final class ServeCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);
    /** How long the shutdown hook waits for serve to see the server closed before the JVM's own exit. */
    private static final long SHUTDOWN_WAIT_SECONDS = 10;

    @Spec
    CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    // coturn's -V is --Verbose, so the version has its long name only.
    @Option(names = "--version", versionHelp = true, description = "Print version information and exit.")
    boolean version;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "coturn-style turnserver.conf to read; command-line options win over it.")
    Path configFile;

    @Option(names = "-n", description = "Read no config file, even with -c (coturn's -n).")
    boolean noConfigFile;

    private final Launcher launcher;

    /** The command as {@code turnkit} runs it: it starts a {@link TurnServer}. */
    public ServeCommand() {
        this(TurnServerLauncher.INSTANCE);
    }

    ServeCommand(Launcher launcher) {
        this.launcher = launcher;
    }

    /** Starts a server; tests hand in one that binds nothing. */
    @FunctionalInterface
    interface Launcher {
        Running launch(ServerConfig config);
    }

    /** A started server, as serve waits for it, drains it, reloads it and stops it. */
    interface Running {
        void awaitClose() throws InterruptedException;

        void close();

        /** Refuses new allocations; the server closes itself once the last one has ended. */
        void drain();

        /** Applies what may change live of {@code next}; returns the options that changed but need a restart. */
        List<String> reload(ServerConfig next);

        /** Why the server closed itself (a drain), or null. */
        String closeReason();
    }

    /**
     * Adds every {@link ServeOption} to the command, so the table is the one list of options, with the defaults
     * help shows read from a configuration of defaults as {@code turnkit config check} prints it.
     */
    public static final class Options implements IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec command) {
            // The realm's default is the host name, which help names in words: no lookup for every command line.
            ServerConfig defaults = ServerConfig.builder().auth(auth -> auth.realm("default")).build();
            for (ServeOption option : ServeOption.values()) {
                command.addOption(option.toOptionSpec(EffectiveSettings.value(option, defaults)));
            }
            for (UnsupportedOption option : UnsupportedOption.values()) {
                option.names().forEach(name -> command.addOption(option.toOptionSpec(name)));
            }
            // As in coturn and in the file, naming an option twice keeps the last value.
            command.parser().overwrittenOptionsAllowed(true);
            return command;
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        ServerConfig config;
        try {
            config = serverConfig();
        } catch (ConfigException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        } catch (IOException e) {
            throw CommandFailure.because("cannot read " + configFile, e);
        }
        LogSetup.apply(config);
        PidFile pidFile;
        try {
            pidFile = PidFile.write(config.logging().pidfile());
        } catch (IOException e) {
            throw CommandFailure.because("cannot write pid file " + config.logging().pidfile(), e);
        }
        // Handlers first: a SIGHUP that comes as soon as the server says it is serving must find them in place.
        try (StopSignals signals = StopSignals.install()) {
            LOG.info("turnkit {} starting as {} (pid {})", ManifestVersion.version(), config.serverName(),
                    ProcessHandle.current().pid());
            Running server;
            try {
                server = launcher.launch(config);
            } catch (ServerStartException e) {
                LOG.info("turnkit stopped: cannot start: {}", e.getMessage());
                throw CommandFailure.because(e);
            }
            return serve(server, signals);
        } finally {
            pidFile.close();
        }
    }

    /**
     * The configuration the command line and the config file make, without starting anything. Warnings
     * (ignored coturn options, ranges that overlap) go to stderr.
     *
     * @throws ConfigException for a configuration that cannot run
     * @throws IOException when the config file cannot be read
     */
    ServerConfig serverConfig() throws ConfigException, IOException {
        List<ConfigEntry> fromCommandLine = commandLineEntries(spec.commandLine().getParseResult());
        Set<ServeOption> named = EnumSet.noneOf(ServeOption.class);
        fromCommandLine.forEach(entry -> named.add(entry.option()));
        warnAboutUnsupportedOptions(spec.commandLine().getParseResult());
        List<ConfigEntry> entries = new ArrayList<>();
        if (configFile != null && !noConfigFile) {
            ConfigFile file = ConfigFile.read(configFile);
            file.warnings().forEach(this::warn);
            for (ConfigEntry entry : file.entries()) {
                if (!named.contains(entry.option())) {
                    entries.add(entry);
                }
            }
        }
        entries.addAll(fromCommandLine);
        ServerConfig config = ServeOption.toServerConfig(entries);
        warnAboutShadowedAllowances(config);
        return config;
    }

    private static List<ConfigEntry> commandLineEntries(ParseResult parsed) {
        List<ConfigEntry> entries = new ArrayList<>();
        for (ServeOption option : ServeOption.values()) {
            OptionSpec matched = parsed.matchedOption(option.longName());
            if (matched != null) {
                for (String value : matched.stringValues()) {
                    entries.add(new ConfigEntry(option, value, option.longName()));
                }
            }
        }
        return entries;
    }

    /** coturn's options turnkit does not have: a warning for an ignored one, the error for a refused one. */
    private void warnAboutUnsupportedOptions(ParseResult parsed) throws ConfigException {
        for (UnsupportedOption option : UnsupportedOption.values()) {
            for (String name : option.names()) {
                if (parsed.matchedOption(name) == null) {
                    continue;
                }
                if (option.refused()) {
                    throw new ConfigException(option.message(name));
                }
                warn(option.message(name));
            }
        }
    }

    /** coturn lets an allowed range win over a denied one; turnkit does not, so say where that matters. */
    private void warnAboutShadowedAllowances(ServerConfig config) {
        for (AddressRange allowed : config.peers().allowedPeerRanges()) {
            for (AddressRange denied : config.peers().deniedPeerRanges()) {
                if (allowed.overlaps(denied)) {
                    warn("allowed-peer-ip " + allowed + " overlaps denied-peer-ip " + denied
                            + ": the denied range wins in turnkit (in coturn the allowed one did)");
                }
            }
        }
    }

    private void warn(String warning) {
        spec.commandLine().getErr().println("turnkit: warning: " + warning);
    }

    /**
     * Waits for the server to close. SIGTERM and Ctrl-C run the shutdown hook, which closes it; the JVM
     * would then exit with 128 + the signal (143) however cleanly the server stopped, so once serve has
     * seen the server closed the hook halts with 0, the exit service managers expect of a clean stop.
     */
    private int serve(Running server, StopSignals signals) throws InterruptedException {
        CountDownLatch closed = new CountDownLatch(1);
        signals.stop(server, () -> reload(server));
        Thread hook = new Thread(() -> {
            server.close();
            try {
                if (closed.await(SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS)) {
                    Runtime.getRuntime().halt(0);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "turnkit-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            server.awaitClose();
        } finally {
            signals.close();
            LOG.info("turnkit stopped: {}", signals.reason() != null ? signals.reason()
                    : server.closeReason() != null ? server.closeReason() : "the server closed");
            closed.countDown();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The JVM is stopping and the hook is running: it ends the process.
        }
        return 0;
    }

    /**
     * SIGHUP: the config file and the command line read again, as at start. A file that cannot be read or does not
     * make a valid configuration changes nothing; otherwise what may change live is applied, the log settings too,
     * and what needs a restart is named in one line.
     */
    private void reload(Running server) {
        ServerConfig next;
        try {
            next = serverConfig();
        } catch (ConfigException e) {
            LOG.warn("SIGHUP: reload refused, still serving with the previous settings: {}", e.getMessage());
            return;
        } catch (IOException e) {
            LOG.warn("SIGHUP: reload refused, still serving with the previous settings: cannot read {}: {}",
                    configFile, CommandFailure.reason(e));
            return;
        }
        List<String> restartOnly = server.reload(next);
        LogSetup.apply(next);
        LOG.info("SIGHUP: reloaded {}; {}", configFile != null && !noConfigFile ? configFile : "the command line",
                restartOnly.isEmpty() ? "every setting in effect"
                        : "not changed until a restart: " + String.join(", ", restartOnly));
    }

    /** Starts the real server. */
    private enum TurnServerLauncher implements Launcher {
        INSTANCE;

        /** Netty's property for the leak detector's level, when the operator sets it. */
        private static final String LEAK_DETECTION_PROPERTY = "io.netty.leakDetection.level";

        @Override
        public Running launch(ServerConfig config) {
            if (System.getProperty(LEAK_DETECTION_PROPERTY) == null) {
                // Netty's default samples one buffer in 128 and records a stack trace for it: thousands of
                // stack traces a second on a busy relay. The tests look for leaks; a server runs without
                // the sampling unless started with -Dio.netty.leakDetection.level=simple (or higher).
                ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
            }
            TurnServer server = TurnServer.start(config);
            return new Running() {
                @Override
                public void awaitClose() throws InterruptedException {
                    server.awaitClose();
                }

                @Override
                public void close() {
                    server.close();
                }

                @Override
                public void drain() {
                    server.drain();
                }

                @Override
                public List<String> reload(ServerConfig next) {
                    return server.reload(next);
                }

                @Override
                public String closeReason() {
                    return server.closeReason();
                }
            };
        }
    }
}
