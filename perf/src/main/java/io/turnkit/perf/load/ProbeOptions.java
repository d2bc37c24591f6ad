package io.turnkit.perf.load;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** How the probing modes ({@code load}, {@code binding}) pace their probes: a closed loop, or a fixed rate. */
final class ProbeOptions {
    @Option(names = "--rate", paramLabel = "PER_SECOND", defaultValue = "0",
            description = "Probes (packets, requests) per second in all, sent whether answered or not; "
                    + "0 (default): each socket sends as fast as it is answered.")
    long rate;

    @Option(names = "--window", paramLabel = "W", defaultValue = "8",
            description = "With --rate 0: probes in flight per socket (default: ${DEFAULT-VALUE}).")
    int window;

    void validate(CommandSpec spec) {
        TargetOptions.check(spec, rate >= 0, "--rate is 0 or more");
        TargetOptions.check(spec, window >= 1, "--window is at least 1");
    }

    /** "20000 packets/s" or "closed loop of 8 per allocation". */
    String describe(String what, String socket) {
        return rate > 0 ? rate + " " + what + "/s" : "closed loop of " + window + " per " + socket;
    }
}
