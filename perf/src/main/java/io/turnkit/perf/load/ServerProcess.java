package io.turnkit.perf.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What Linux's {@code /proc} tells of the server under test, by its process id: CPU time used (user
 * plus system, every thread together) and resident memory. Both servers are measured the same way,
 * from outside, whatever language they are written in.
 */
public final class ServerProcess {
    /**
     * proc(5): times in {@code /proc/PID/stat} are in clock ticks of {@code sysconf(_SC_CLK_TCK)},
     * which the kernel fixes at USER_HZ = 100 for user space on every architecture it exports them to.
     */
    static final double CLOCK_TICKS_PER_SECOND = 100;
    /** proc(5): utime and stime are fields 14 and 15; fields from 3 on follow the ")" closing comm. */
    private static final int FIRST_FIELD_AFTER_COMM = 3;
    private static final int UTIME_FIELD = 14;
    private static final int STIME_FIELD = 15;

    private final long pid;

    private ServerProcess(long pid) {
        this.pid = pid;
    }

    /** The process {@code pid}; fails at once when there is none, rather than after the load. */
    public static ServerProcess of(long pid) {
        ServerProcess process = new ServerProcess(pid);
        process.cpu();
        return process;
    }

    public long pid() {
        return pid;
    }

    /** CPU time used so far, all threads together: in the process itself (user) and in the kernel for it (system). */
    public record CpuTimes(double userSeconds, double systemSeconds) {
        /** Not measured: no server process was given. */
        public static final CpuTimes UNKNOWN = new CpuTimes(Double.NaN, Double.NaN);

        public double totalSeconds() {
            return userSeconds + systemSeconds;
        }

        /** What was used between {@code earlier} and this. */
        public CpuTimes since(CpuTimes earlier) {
            return new CpuTimes(userSeconds - earlier.userSeconds, systemSeconds - earlier.systemSeconds);
        }
    }

    /** The CPU time the process has used so far. */
    public CpuTimes cpu() {
        return parseCpu(read("stat"));
    }

    /** The resident set size in bytes ({@code VmRSS}). */
    public long residentBytes() {
        return parseResidentBytes(read("status"));
    }

    private String read(String file) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), file), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/" + pid + "/" + file + " (has the server exited?)", e);
        }
    }

    /**
     * utime and stime of a {@code /proc/PID/stat} line, in seconds. The command name (field 2) is in
     * parentheses and may itself hold spaces and parentheses, so fields are counted from the last ")".
     */
    static CpuTimes parseCpu(String stat) {
        int commEnd = stat.lastIndexOf(')');
        if (commEnd < 0) {
            throw new IllegalArgumentException("not a /proc/PID/stat line: " + stat);
        }
        String[] fields = stat.substring(commEnd + 1).trim().split(" +");
        int utime = UTIME_FIELD - FIRST_FIELD_AFTER_COMM;
        int stime = STIME_FIELD - FIRST_FIELD_AFTER_COMM;
        if (fields.length <= stime) {
            throw new IllegalArgumentException("a /proc/PID/stat line with " + fields.length + " fields after comm");
        }
        return new CpuTimes(Long.parseLong(fields[utime]) / CLOCK_TICKS_PER_SECOND,
                Long.parseLong(fields[stime]) / CLOCK_TICKS_PER_SECOND);
    }

    /** The {@code VmRSS:   86256 kB} line of {@code /proc/PID/status}, in bytes. */
    static long parseResidentBytes(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                String[] words = line.substring("VmRSS:".length()).trim().split("\\s+");
                if (words.length == 2 && words[1].equals("kB")) {
                    return Long.parseLong(words[0]) * 1024;
                }
                throw new IllegalArgumentException("unexpected VmRSS line: " + line);
            }
        }
        throw new IllegalArgumentException("no VmRSS line (a kernel thread, or not /proc/PID/status)");
    }
}
