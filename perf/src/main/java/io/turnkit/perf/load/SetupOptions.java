package io.turnkit.perf.load;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** How fast the modes that hold allocations make them, and delete them at the end. */
final class SetupOptions {
    @Option(names = "--concurrency", paramLabel = "C", defaultValue = "64",
            description = "Allocations being set up (or deleted) at once (default: ${DEFAULT-VALUE}).")
    int concurrency;

    void validate(CommandSpec spec, int allocations) {
        TargetOptions.check(spec, allocations >= 1, "--allocations is at least 1");
        TargetOptions.check(spec, concurrency >= 1, "--concurrency is at least 1");
    }
}
