package io.turnkit.perf;

import java.util.Arrays;

import io.netty.util.ResourceLeakDetector;
import io.turnkit.perf.ice.IceScale;
import io.turnkit.perf.load.LoadGenerator;

/**
 * The main class of {@code turnkit-bench.jar}: {@code jmh ARGS...} hands the arguments to JMH's own
 * main (the benchmarks in this module), {@code ice sim|mux|ice4j PAIRS} runs the ICE agent at scale
 * ({@link IceScale}); anything else is the load generator's command line.
 */
public final class Bench {
    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("jmh")) {
            org.openjdk.jmh.Main.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("ice")) {
            IceScale.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        // The generator's own cost is part of every measurement: no stack trace per sampled buffer.
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        System.exit(LoadGenerator.commandLine().execute(args));
    }
}
