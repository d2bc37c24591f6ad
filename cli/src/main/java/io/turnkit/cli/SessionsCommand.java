package io.turnkit.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;

import io.lettuce.core.RedisException;
import io.turnkit.store.cluster.ClusterSession;
import io.turnkit.store.cluster.RedisCluster;
import io.turnkit.store.credential.RedisCredentialStore;
import io.turnkit.store.credential.StoreLocation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code turnkit sessions list|kill}: the allocations of every node of a cluster, as the nodes register them in
 * the cluster's Redis database (docs/cluster.md), and closing one on whichever node holds it.
 */
@Command(name = "sessions",
        mixinStandardHelpOptions = true,
        versionProvider = ManifestVersion.class,
        description = "List the allocations of every node of a cluster, or close one.",
        subcommands = {SessionsCommand.ListSessions.class, SessionsCommand.Kill.class})
public final class SessionsCommand extends CommandGroup {
    /** What list and kill share: the cluster's database, opened once per command. */
    abstract static class ClusterCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = {"--redis-statsdb", "-O"}, required = true, paramLabel = "URI",
                description = "The cluster's Redis database, as serve's --redis-statsdb.")
        String statsdb;

        /** Runs {@code work} on the cluster's database; an unreachable Redis is the one line that names it. */
        Integer withCluster(ClusterWork work) {
            RedisCluster cluster;
            try {
                cluster = RedisCluster.observe(StoreLocation.parseRedis(statsdb, null, false));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--redis-statsdb: " + e.getMessage());
            } catch (IOException e) {
                throw new CommandFailure(e.getMessage());
            }
            try (cluster) {
                return work.run(cluster);
            } catch (RedisException e) {
                throw new CommandFailure("cannot read " + cluster.describe() + ": " + RedisCredentialStore.reason(e));
            }
        }

        PrintWriter out() {
            return spec.commandLine().getOut();
        }
    }

    /** A step on the cluster's database. */
    interface ClusterWork {
        int run(RedisCluster cluster);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = ManifestVersion.class,
            description = "List the allocations of every live node, by node and id.")
    static final class ListSessions extends ClusterCommand {
        private static final List<String> HEADINGS = List.of("ID", "NODE", "USER", "CLIENT", "TRANSPORT", "RELAYED",
                "AGE");

        @Override
        public Integer call() {
            return withCluster(cluster -> {
                long now = Instant.now().getEpochSecond();
                List<List<String>> rows = new ArrayList<>();
                rows.add(HEADINGS);
                cluster.sessions().stream()
                        .sorted(Comparator.comparing(ClusterSession::node).thenComparing(ClusterSession::id))
                        .forEach(s -> rows.add(List.of(s.clusterId(), s.node(), s.user(), s.client(), s.transport(),
                                String.join(",", s.relayed()), s.ageSeconds(now) + "s")));
                Table.print(rows, out());
                out().flush();
                return 0;
            });
        }
    }

    @Command(name = "kill", mixinStandardHelpOptions = true, versionProvider = ManifestVersion.class,
            description = "Close an allocation on the node holding it; waits until that node says it is closed.")
    static final class Kill extends ClusterCommand {
        /** The node hears it by pub/sub and closes it on its event loop: within moments, 2 s at most. */
        private static final Duration CLOSED_WITHIN = Duration.ofSeconds(2);
        private static final Duration POLL = Duration.ofMillis(50);

        @Parameters(paramLabel = "ID", description = "The session, NODE/ID as 'turnkit sessions list' shows it.")
        String session;

        @Override
        public Integer call() {
            int slash = session.lastIndexOf('/');
            String node = slash > 0 ? session.substring(0, slash) : "";
            String id = slash > 0 ? session.substring(slash + 1) : "";
            if (node.isEmpty() || id.isEmpty() || id.length() > 5 || !id.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new ParameterException(spec.commandLine(), "expected a session as NODE/ID, got '" + session
                        + "'");
            }
            int port = Integer.parseInt(id);
            return withCluster(cluster -> {
                if (!cluster.kill(node, port)) {
                    throw new CommandFailure("no session " + session + " in " + cluster.describe());
                }
                long deadline = System.nanoTime() + CLOSED_WITHIN.toNanos();
                while (cluster.hasSession(node, port)) {
                    if (System.nanoTime() - deadline >= 0) {
                        throw new CommandFailure("node " + node + " did not close session " + session + " within "
                                + CLOSED_WITHIN.toSeconds() + " s");
                    }
                    LockSupport.parkNanos(POLL.toNanos());
                }
                out().println("closed session " + session);
                out().flush();
                return 0;
            });
        }
    }
}
