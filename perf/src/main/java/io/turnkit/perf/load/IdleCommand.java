package io.turnkit.perf.load;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code idle}: many allocations held without traffic, to see what each costs the server in memory. */
@Command(name = "idle", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Idle allocations: opens N allocations, holds them for --duration seconds without "
                + "traffic, and reports the server's resident memory (VmRSS, with --server-pid) before and after.")
final class IdleCommand extends LoadMode {
    private static final double MIB = 1 << 20;

    @Option(names = "--allocations", paramLabel = "N", defaultValue = "10000", description = "Allocations (default: ${DEFAULT-VALUE}).")
    int allocations;

    @Mixin
    SetupOptions setup;

    @Override
    void validate() {
        setup.validate(spec, allocations);
    }

    @Override
    Summary run(LoadRig rig, ProgressBar progress) throws Exception {
        ServerProcess server = target.serverProcess();
        double before = server == null ? Double.NaN : server.residentBytes();
        LoadRig.Outcome made = requireAny(rig.forEach("allocating",
                rig.openClients(allocations, target.credentials()), setup.concurrency,
                socket -> socket.control().allocate()), "allocation");
        MeasurementWindow hold = MeasurementWindow.startingIn(0, target.durationSeconds);
        double cpuSeconds = hold.await(server, progress).server().totalSeconds();
        double after = server == null ? Double.NaN : server.residentBytes();
        rig.release(made.succeeded(), setup.concurrency);
        int held = made.succeeded().size();
        Summary summary = new Summary("idle: " + held + " allocations held " + target.durationSeconds
                + " s, server " + target.server)
                .add("allocations", "allocations held", held, "", 0);
        addFailures(summary, "setup_failed", "allocations failed", made.failed(), made.firstFailure());
        return summary.add("setup_per_s", "allocations/s while setting up", held / made.seconds(), "", 0)
                .add("rss_before_mib", "server RSS before", before / MIB, "MiB", 1)
                .add("rss_mib", "server RSS holding them", after / MIB, "MiB", 1)
                .add("rss_per_allocation_kib", "server RSS per allocation", (after - before) / held / 1024, "KiB", 2)
                .add("server_cpu_cores", "server CPU while idle, cores busy", cpuSeconds / hold.seconds(), "", 3);
    }
}
