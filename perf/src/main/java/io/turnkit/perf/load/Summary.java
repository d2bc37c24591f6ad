package io.turnkit.perf.load;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.turnkit.perf.load.MeasurementWindow.WindowReadings;
import io.turnkit.perf.load.ServerProcess.CpuTimes;

/**
 * The result of a run: a table for people on stdout, and the same figures as {@code key=value} lines
 * for scripts ({@code --report FILE}; numbers unformatted, {@code NaN} when not measured).
 */
final class Summary {
    private static final double NANOS_PER_MILLI = 1e6;

    private record Row(String key, String label, String value, String text) {
    }

    private final String title;
    private final List<Row> rows = new ArrayList<>();

    Summary(String title) {
        this.title = title;
    }

    /** A figure shown with {@code decimals} decimals and its unit; "n/a" when NaN. */
    Summary add(String key, String label, double value, String unit, int decimals) {
        String text = Double.isNaN(value) ? "n/a"
                : String.format(Locale.ROOT, "%,." + decimals + "f", value) + (unit.isEmpty() ? "" : " " + unit);
        rows.add(new Row(key, label, Double.toString(value), text));
        return this;
    }

    /** A line of text, such as the first reason a request failed. */
    Summary note(String key, String label, String text) {
        rows.add(new Row(key, label, text.replace('\n', ' '), text));
        return this;
    }

    /** Throughput, loss and round-trip times of probes, and what they cost the server. */
    Summary addProbes(String what, String answeredAs, LoopMeter meter, double seconds, WindowReadings cpu) {
        add("sent_per_s", what + " sent/s", meter.sent / seconds, "", 0);
        add("answered_per_s", answeredAs + " " + what + "/s", meter.answered / seconds, "", 0);
        add("loss_percent", "loss", meter.lossPercent(), "%", 3);
        addLatency("rtt", "round trip", meter.latency);
        return addServerCpu(cpu, seconds, meter.answered, what.endsWith("s")
                ? what.substring(0, what.length() - 1) : what);
    }

    /** p50, p99, p99.9 and the maximum of {@code latency}, in milliseconds. */
    Summary addLatency(String key, String label, LatencyHistogram latency) {
        add(key + "_p50_ms", label + " p50", latency.valueAt(0.5) / NANOS_PER_MILLI, "ms", 3);
        add(key + "_p99_ms", label + " p99", latency.valueAt(0.99) / NANOS_PER_MILLI, "ms", 3);
        add(key + "_p999_ms", label + " p99.9", latency.valueAt(0.999) / NANOS_PER_MILLI, "ms", 3);
        return add(key + "_max_ms", label + " max", latency.max() / NANOS_PER_MILLI, "ms", 3);
    }

    /**
     * The server's CPU time over the window, as cores busy, the kernel's share (system calls, the network
     * stack), per operation ({@code per}: "packet") and on its busiest thread (a server's event loop: one
     * busier than the rest caps the server below its cores); the datagrams dropped on its UDP sockets; the
     * generator's own CPU; and what the machine's other programs took meanwhile (and, in a virtual machine,
     * the hypervisor), as cores busy: what moves a saturation figure from one run to the next on a shared host.
     */
    Summary addServerCpu(WindowReadings window, double seconds, long operations, String per) {
        add("generator_cpu_cores", "generator CPU, cores busy", window.generator().totalSeconds() / seconds, "", 2);
        add("others_cpu_cores", "other programs' CPU, cores busy", window.othersSeconds() / seconds, "", 2);
        add("steal_cpu_cores", "CPU stolen by the hypervisor, cores", window.host().stealSeconds() / seconds, "", 2);
        CpuTimes cpu = window.server();
        double total = cpu.totalSeconds();
        add("server_cpu_s", "server CPU", total, "s", 2);
        add("server_cpu_cores", "server CPU, cores busy", total / seconds, "", 2);
        add("server_busiest_thread_cores", "server's busiest thread, cores busy",
                window.busiestServerThreadSeconds() / seconds, "", 2);
        add("server_cpu_system_percent", "server CPU in the kernel", 100 * cpu.systemSeconds() / total, "%", 0);
        add("server_socket_drops", "datagrams dropped on the server's sockets", window.serverSocketDrops(), "", 0);
        return add("server_cpu_us_per_op", "server CPU per " + per,
                operations == 0 ? Double.NaN : total * 1e6 / operations, "us", 2);
    }

    void print(PrintStream out) {
        int width = rows.stream().mapToInt(r -> r.label().length()).max().orElse(0);
        out.println(title);
        for (Row row : rows) {
            out.println("  " + row.label() + " ".repeat(width - row.label().length()) + "  " + row.text());
        }
        out.flush();
    }

    void write(Path file) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (Row row : rows) {
            lines.append(row.key()).append('=').append(row.value()).append('\n');
        }
        Files.writeString(file, lines, StandardCharsets.UTF_8);
    }
}
