package io.turnkit.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import io.turnkit.server.config.ServerConfig;
import picocli.CommandLine;

/** Stands in for the TURN server: records the configuration serve would start, binds nothing. */
final class FakeLauncher implements ServeCommand.Launcher {
    final List<ServerConfig> launched = new ArrayList<>();
    private final RuntimeException failure;
    private final boolean runUntilClosed;

    private FakeLauncher(RuntimeException failure, boolean runUntilClosed) {
        this.failure = failure;
        this.runUntilClosed = runUntilClosed;
    }

    /** A server that stops as soon as it starts. */
    static FakeLauncher stoppingAtOnce() {
        return new FakeLauncher(null, false);
    }

    /** A server that runs until close() (the shutdown hook) stops it. */
    static FakeLauncher runningUntilClosed() {
        return new FakeLauncher(null, true);
    }

    /** A server that cannot start. */
    static FakeLauncher failing(RuntimeException failure) {
        return new FakeLauncher(failure, false);
    }

    /** The turnkit command line, with serve starting this fake. */
    CommandLine commandLine() {
        return Turnkit.commandLine(new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                return type == ServeCommand.class ? type.cast(new ServeCommand(FakeLauncher.this))
                        : CommandLine.defaultFactory().create(type);
            }
        });
    }

    @Override
    public ServeCommand.Running launch(ServerConfig config) {
        launched.add(config);
        if (failure != null) {
            throw failure;
        }
        CountDownLatch closed = new CountDownLatch(runUntilClosed ? 1 : 0);
        return new ServeCommand.Running() {
            @Override
            public void awaitClose() throws InterruptedException {
                System.out.println("serving");
                System.out.flush();
                closed.await();
            }

            @Override
            public void close() {
                closed.countDown();
            }

            @Override
            public void drain() {
                closed.countDown();
            }

            @Override
            public List<String> reload(ServerConfig next) {
                launched.add(next);
                return List.of();
            }

            @Override
            public String closeReason() {
                return null;
            }
        };
    }

    /** Runs {@code turnkit serve ARGS} with a server that runs until SIGTERM; ServeCommandTest starts it. */
    public static void main(String[] args) {
        System.exit(runningUntilClosed().commandLine().execute(args));
    }
}
