package io.turnkit.perf.load;

import java.net.InetSocketAddress;
import java.util.List;

import io.turnkit.perf.load.MeasurementWindow.WindowReadings;
import io.turnkit.stun.ChannelData;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code load}: N allocations relay probes to M UDP echo peers and back, through channels (ChannelData)
 * or Send/Data indications, at a fixed rate or as fast as the server answers.
 */
@Command(name = "load", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Relay load: N allocations send probes through the server to M local UDP echo peers, "
                + "which send them back; reports delivered packets/s, loss, round-trip times and server CPU.")
final class RelayLoadCommand extends LoadMode {
    /** RFC 8656 §12: the first channel number; each allocation binds one, so every one can use it. */
    private static final int CHANNEL_NUMBER = ChannelData.MIN_CHANNEL;
    private static final int MAX_PAYLOAD = 1400;

    @Option(names = "--allocations", paramLabel = "N", defaultValue = "40", description = "Allocations (default: ${DEFAULT-VALUE}).")
    int allocations;

    @Option(names = "--peers", paramLabel = "M", defaultValue = "4", description = "UDP echo peers (default: ${DEFAULT-VALUE}).")
    int peers;

    @Option(names = "--size", paramLabel = "BYTES", defaultValue = "160",
            description = "Payload bytes per packet, 16 to " + MAX_PAYLOAD + " (default: ${DEFAULT-VALUE}).")
    int size;

    @Mixin
    ProbeOptions probes;

    @Option(names = "--send", description = "Send indications and Data indications instead of channels.")
    boolean send;

    @Mixin
    SetupOptions setup;

    @Override
    void validate() {
        setup.validate(spec, allocations);
        TargetOptions.check(spec, peers >= 1, "--peers is at least 1");
        TargetOptions.check(spec, size >= Probe.PAYLOAD_HEADER_LENGTH && size <= MAX_PAYLOAD,
                "--size is " + Probe.PAYLOAD_HEADER_LENGTH + " to " + MAX_PAYLOAD);
        probes.validate(spec);
    }

    @Override
    Summary run(LoadRig rig, ProgressBar progress) throws Exception {
        List<InetSocketAddress> echo = rig.openEchoPeers(peers);
        LoadRig.Outcome made = requireAny(rig.forEach("allocating",
                rig.openClients(allocations, target.credentials()), setup.concurrency, socket -> {
                    TurnClient control = socket.control();
                    InetSocketAddress peer = peerOf(socket, echo);
                    return control.allocate().thenCompose(allocated -> send
                            ? control.createPermission(peer)
                            : control.channelBind(CHANNEL_NUMBER, peer));
                }), "allocation");
        MeasurementWindow measurement = target.measurementWindow();
        rig.startProbes(made.succeeded(), socket -> send
                ? new SendIndicationProbe(peerOf(socket, echo), size)
                : new ChannelDataProbe(CHANNEL_NUMBER, size), measurement, probes);
        WindowReadings cpu = measurement.await(target.serverProcess(), progress);
        LoopMeter meter = rig.collect();
        rig.release(made.succeeded(), setup.concurrency);
        Summary summary = new Summary("load: " + made.succeeded().size() + " allocations ("
                + (send ? "Send/Data indications" : "channels") + ") to " + peers + " echo peers, " + size
                + "-byte payloads, " + probes.describe("packets", "allocation") + ", " + target.describe(rig));
        addFailures(summary, "setup_failed", "allocations failed", made.failed(), made.firstFailure());
        return summary.addProbes("packets", "delivered", meter, measurement.seconds(), cpu);
    }

    private InetSocketAddress peerOf(ClientSocket socket, List<InetSocketAddress> echo) {
        return echo.get(socket.index() % echo.size());
    }
}
