package io.turnkit.perf.load;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.channel.EventLoop;
import io.turnkit.perf.load.MeasurementWindow.WindowReadings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code churn}: allocations made and deleted as fast as the server goes. Each cycle is what a call's
 * client does: a new socket (a new 5-tuple), Allocate with the 401 dance, Refresh with lifetime 0
 * (RFC 8656 §7, §8), close. A new 5-tuple each time, because a server may keep a deleted allocation's
 * 5-tuple for a while and answer a new Allocate on it with 437 (Allocation Mismatch); coturn does. So
 * that the kernel's choice of port does not bring a recent 5-tuple back, an IPv4 client binds each new
 * socket to the next address of 127.2.0.0/16 (all of 127.0.0.0/8 is this machine's loopback).
 */
@Command(name = "churn", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Allocation churn: each client opens a new socket, allocates (with the 401 dance), "
                + "deletes the allocation with Refresh(lifetime 0), and starts again; reports allocations/s, "
                + "failures, cycle times and server CPU.")
final class ChurnCommand extends LoadMode {
    /** After a failed cycle a client waits this long, so that an error does not become a busy loop. */
    private static final long BACKOFF_MILLIS = 10;

    /** The /16 of 127.0.0.0/8 whose addresses, 65,024 of them before one comes back, the cycles' sockets take. */
    private static final int CHURN_BLOCK = 2;

    private final AtomicInteger cycles = new AtomicInteger();

    @Option(names = "--clients", paramLabel = "N", defaultValue = "8",
            description = "Clients, each with one cycle at a time (default: ${DEFAULT-VALUE}).")
    int clients;

    @Override
    void validate() {
        TargetOptions.check(spec, clients >= 1, "--clients is at least 1");
    }

    @Override
    Summary run(LoadRig rig, ProgressBar progress) throws Exception {
        MeasurementWindow measurement = target.measurementWindow();
        Credentials credentials = target.credentials();
        int started = 0;
        while (started < clients) {
            for (EventLoop loop : rig.eventLoops()) {
                if (started++ < clients) {
                    loop.execute(() -> cycle(rig, loop, credentials, measurement));
                }
            }
        }
        WindowReadings cpu = measurement.await(target.serverProcess(), progress);
        LoopMeter meter = rig.collect();
        double seconds = measurement.seconds();
        Summary summary = new Summary("churn: " + clients + " clients, new socket + Allocate + Refresh(0) loops, "
                + target.describe(rig))
                .add("allocations_per_s", "allocations/s", meter.answered / seconds, "", 0);
        addFailures(summary, "failed", "failed cycles", (int) meter.failed, meter.firstFailure);
        return summary.addLatency("cycle", "allocate + delete", meter.latency)
                .addServerCpu(cpu, seconds, meter.answered, "allocation");
    }

    /** The next client address: in 127.2.0.0/16 for an IPv4 server, else the server's own loopback address. */
    private InetAddress clientAddress(InetAddress server) {
        if (!(server instanceof Inet4Address)) {
            return server;
        }
        return LoadRig.loopbackAddress(CHURN_BLOCK, cycles.getAndIncrement());
    }

    /** One cycle on {@code loop}; the next starts when it ends, until the window closes. */
    private void cycle(LoadRig rig, EventLoop loop, Credentials credentials, MeasurementWindow measurement) {
        long started = System.nanoTime();
        if (measurement.isOver(started)) {
            return;
        }
        rig.openClient(loop, credentials, clientAddress(rig.loopback())).thenCompose(socket -> {
            TurnClient control = socket.control();
            return control.allocate().thenCompose(allocated -> control.refresh(0))
                    .whenComplete((deleted, error) -> socket.channel().close());
        }).whenComplete((deleted, error) -> {
            long now = System.nanoTime();
            LoopMeter meter = rig.meter(loop);
            if (measurement.contains(now)) {
                if (error == null) {
                    meter.answered++;
                    meter.latency.record(now - started);
                } else {
                    meter.failed++;
                    if (meter.firstFailure == null) {
                        meter.firstFailure = LoadRig.reason(error);
                    }
                }
            }
            if (error == null) {
                cycle(rig, loop, credentials, measurement);
            } else {
                loop.schedule(() -> cycle(rig, loop, credentials, measurement), BACKOFF_MILLIS, TimeUnit.MILLISECONDS);
            }
        });
    }
}
