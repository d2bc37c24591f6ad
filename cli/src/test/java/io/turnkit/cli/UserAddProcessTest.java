package io.turnkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.turnkit.store.credential.FileCredentialStore;
import io.turnkit.store.credential.UserKeys;

/**
 * {@code turnkit user add} as separate processes on one user database, as operators and scripts run it: writers
 * at once all land, and a writer killed half-way leaves a file the server can read and a lock the next writer
 * gets.
 */
class UserAddProcessTest {
    private static final String REALM = "example.org";
    private static final Path PROC_LOCKS = Path.of("/proc/locks");
    /** Twenty JVMs starting at once on two cores take a while; the deadline only bounds a hang. */
    private static final Duration PROCESS_DEADLINE = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        started.forEach(Process::destroyForcibly);
    }

    private Path userdb() {
        return dir.resolve("userdb");
    }

    /** {@code turnkit user add -u NAME} in a JVM of its own; its output goes to a log named after the user. */
    private Process userAdd(String name) throws IOException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // A short-lived command: the quick JIT tier and the serial collector start fastest.
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", classPath, Turnkit.class.getName(),
                "user", "add", "-u", name, "-p", "pw-" + name, "--realm", REALM, "--userdb", userdb().toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile())
                .start();
        started.add(process);
        return process;
    }

    private int exitCode(Process process, String name) throws Exception {
        if (!process.waitFor(PROCESS_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
            fail("user add " + name + " still runs after " + PROCESS_DEADLINE + ": " + log(name));
        }
        return process.exitValue();
    }

    private String log(String name) {
        try {
            return Files.readString(dir.resolve(name + ".log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    /** The users in the file; opening it fails the test when the file does not parse. */
    private Set<String> storedUsers() throws IOException {
        try (FileCredentialStore store = FileCredentialStore.open(userdb())) {
            return store.users().stream().map(UserKeys::username).collect(Collectors.toSet());
        }
    }

    @Test
    void shouldKeepEveryUserOfTwentyConcurrentAdds() throws Exception {
        List<String> names = new ArrayList<>();
        List<Process> processes = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            names.add("user" + i);
            processes.add(userAdd("user" + i));
        }

        for (int i = 0; i < names.size(); i++) {
            assertEquals(0, exitCode(processes.get(i), names.get(i)), log(names.get(i)));
        }
        assertEquals(Set.copyOf(names), storedUsers());
    }

    @Test
    void shouldLeaveTheFileAndTheLockUsableWhenKilledWaitingForTheLock() throws Exception {
        assumeTrue(Files.isReadable(PROC_LOCKS), "needs Linux's /proc/locks to see a process wait for a lock");
        assertEquals(0, exitCode(userAdd("before"), "before"), log("before"));
        Path lockFile = dir.resolve("userdb.lock");
        Process victim;
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
                FileLock held = channel.lock()) {
            victim = userAdd("victim");
            // The victim has read the file and checked the user; it now waits to write, as long as the lock is held.
            awaitLockLine(lockFile, victim, true, () -> !victim.isAlive());
            assertTrue(victim.isAlive(), () -> "user add exited waiting for the lock: " + log("victim"));
            victim.destroyForcibly().waitFor(PROCESS_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            assertTrue(held.isValid());
        }

        assertEquals(Set.of("before"), storedUsers());
        assertEquals(0, exitCode(userAdd("after"), "after"), log("after"));
        assertEquals(Set.of("before", "after"), storedUsers());
    }

    @Test
    void shouldLeaveAValidFileWhenKilledHoldingTheLock() throws Exception {
        assumeTrue(Files.isReadable(PROC_LOCKS), "needs Linux's /proc/locks to see a process hold a lock");
        assertEquals(0, exitCode(userAdd("before"), "before"), log("before"));
        Path lockFile = dir.resolve("userdb.lock");
        Set<String> landed = new HashSet<>(Set.of("before"));
        int killedHoldingTheLock = 0;
        for (int i = 0; i < 5; i++) {
            String name = "victim" + i;
            Process victim = userAdd(name);
            // The lock is held for a write and an fsync or two: the kill lands while it is held, or just after.
            boolean seen = awaitLockLine(lockFile, victim, false, () -> !victim.isAlive());
            victim.destroyForcibly();
            int exit = exitCode(victim, name);
            killedHoldingTheLock += seen && exit != 0 ? 1 : 0;
            if (exit == 0) {
                landed.add(name);
            }
            Set<String> stored = storedUsers();
            assertTrue(stored.containsAll(landed), () -> stored + " lacks some of " + landed);
            landed.addAll(stored);
        }

        assertEquals(0, exitCode(userAdd("after"), "after"), log("after"));
        assertTrue(storedUsers().contains("after"));
        try (Stream<Path> files = Files.list(dir)) {
            assertFalse(files.anyMatch(file -> file.getFileName().toString().endsWith(".tmp")),
                    "a temporary file of a killed writer survived the next write");
        }
        // Each kill is seen to land while the lock is held, unless the write is quicker than /proc/locks is read.
        assertTrue(killedHoldingTheLock > 0, "no writer was killed while it held the lock");
    }

    /**
     * Polls {@code /proc/locks} until {@code process} holds ({@code waiting} false) or waits for ({@code waiting}
     * true) a POSIX lock on {@code lockFile}, or {@code giveUp} says it never will. True when seen.
     */
    private static boolean awaitLockLine(Path lockFile, Process process, boolean waiting, BooleanSupplier giveUp)
            throws IOException {
        Object inode = null;
        long deadline = System.nanoTime() + PROCESS_DEADLINE.toNanos();
        while (System.nanoTime() < deadline && !giveUp.getAsBoolean()) {
            if (inode == null && Files.exists(lockFile)) {
                inode = Files.getAttribute(lockFile, "unix:ino");
            }
            if (inode != null) {
                // "1: POSIX  ADVISORY  WRITE 4242 fe:00:1234 0 EOF"; a waiter's line has "->" before POSIX.
                Pattern line = Pattern.compile("^\\d+: " + (waiting ? "-> " : "") + "POSIX +ADVISORY +WRITE +"
                        + process.pid() + " +[0-9a-f]+:[0-9a-f]+:" + inode + " ", Pattern.MULTILINE);
                if (line.matcher(Files.readString(PROC_LOCKS, StandardCharsets.US_ASCII)).find()) {
                    return true;
                }
            }
            Thread.onSpinWait();
        }
        if (!giveUp.getAsBoolean()) {
            fail("process " + process.pid() + " never " + (waiting ? "waited for" : "held") + " the lock");
        }
        return false;
    }
}
