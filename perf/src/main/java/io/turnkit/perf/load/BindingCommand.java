package io.turnkit.perf.load;

import io.turnkit.perf.load.MeasurementWindow.WindowReadings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code binding}: a flood of Binding requests, as ICE gathering and keep-alives send them. */
@Command(name = "binding", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Binding flood: client sockets send Binding requests (no credentials) and count the "
                + "success responses; reports requests/s, loss, round-trip times and server CPU.")
final class BindingCommand extends LoadMode {
    @Option(names = "--clients", paramLabel = "N", defaultValue = "8", description = "Client sockets (default: ${DEFAULT-VALUE}).")
    int clients;

    @Mixin
    ProbeOptions probes;

    @Override
    void validate() {
        TargetOptions.check(spec, clients >= 1, "--clients is at least 1");
        probes.validate(spec);
    }

    @Override
    Summary run(LoadRig rig, ProgressBar progress) throws Exception {
        MeasurementWindow measurement = target.measurementWindow();
        rig.startProbes(rig.openClients(clients, target.credentials()), socket -> new BindingProbe(), measurement,
                probes);
        WindowReadings cpu = measurement.await(target.serverProcess(), progress);
        LoopMeter meter = rig.collect();
        return new Summary("binding: " + clients + " sockets, " + probes.describe("requests", "socket") + ", "
                + target.describe(rig))
                .addProbes("requests", "answered", meter, measurement.seconds(), cpu);
    }
}
