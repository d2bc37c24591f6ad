package io.turnkit.perf.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What Linux's {@code /proc} tells of the server under test, by its process id: CPU time used (user
 * plus system, every thread together, and each thread's), resident memory, and the datagrams the kernel
 * dropped on its UDP sockets. Both servers are measured the same way, from outside, whatever language
 * they are written in.
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
    /** The socket tables of proc(5) ({@code /proc/net/udp}, {@code udp6}): the socket's inode, then its drops, last. */
    private static final List<Path> UDP_TABLES = List.of(Path.of("/proc/net/udp"), Path.of("/proc/net/udp6"));
    private static final int INODE_COLUMN = 9;

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

    /** CPU time each thread has used so far, in clock ticks, by thread id; a thread that has exited is missing. */
    public Map<Long, Long> threadTicks() {
        Map<Long, Long> ticks = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(task.resolve("stat"), StandardCharsets.US_ASCII);
                    ticks.put(Long.parseLong(task.getFileName().toString()), parseTicks(stat));
                } catch (IOException exited) {
                    // The thread ended between the listing and the read: it has nothing more to count.
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list /proc/" + pid + "/task (has the server exited?)", e);
        }
        return ticks;
    }

    /**
     * Datagrams the kernel has dropped so far on each of the process's UDP sockets (a full receive buffer),
     * by socket inode: the {@code drops} column of {@code /proc/net/udp} and {@code udp6} for the sockets
     * among the process's file descriptors.
     */
    public Map<Long, Long> udpDrops() {
        Set<Long> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[") && target.endsWith("]")) {
                        inodes.add(Long.parseLong(target.substring("socket:[".length(), target.length() - 1)));
                    }
                } catch (IOException closed) {
                    // Closed between the listing and the read: no longer the server's socket.
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list /proc/" + pid + "/fd (has the server exited, or is it"
                    + " another user's?)", e);
        }
        Map<Long, Long> drops = new HashMap<>();
        for (Path table : UDP_TABLES) {
            if (Files.isReadable(table)) {
                drops.putAll(parseUdpDrops(readTable(table), inodes));
            }
        }
        return drops;
    }

    /**
     * The drops between two readings of {@link #udpDrops}: summed over the sockets of the later one, a socket
     * opened in between counting from 0. A socket closed in between takes its drops with it, so a reading
     * is taken while the sockets under load are open.
     */
    public static long dropsBetween(Map<Long, Long> before, Map<Long, Long> after) {
        long sum = 0;
        for (Map.Entry<Long, Long> socket : after.entrySet()) {
            sum += Math.max(0, socket.getValue() - before.getOrDefault(socket.getKey(), 0L));
        }
        return sum;
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

    private static String readTable(Path table) {
        try {
            return Files.readString(table, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + table, e);
        }
    }

    /** The drops of the sockets in {@code inodes}, from a {@code /proc/net/udp} table: a header, a socket a line. */
    static Map<Long, Long> parseUdpDrops(String table, Set<Long> inodes) {
        Map<Long, Long> drops = new HashMap<>();
        String[] lines = table.split("\n");
        for (int i = 1; i < lines.length; i++) {
            String[] columns = lines[i].trim().split(" +");
            if (columns.length <= INODE_COLUMN + 1) {
                continue;
            }
            long inode = Long.parseLong(columns[INODE_COLUMN]);
            if (inodes.contains(inode)) {
                drops.put(inode, Long.parseLong(columns[columns.length - 1]));
            }
        }
        return drops;
    }

    /** utime + stime of a {@code /proc/PID/stat} (or {@code task/TID/stat}) line, in clock ticks. */
    static long parseTicks(String stat) {
        CpuTimes cpu = parseCpu(stat);
        return Math.round((cpu.userSeconds() + cpu.systemSeconds()) * CLOCK_TICKS_PER_SECOND);
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
