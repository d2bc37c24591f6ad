package io.turnkit.conformance.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A child process of a test, its stdout and stderr merged and kept line by line, so that a failure can show
 * what the process said. Every wait has a deadline; {@link #close()} stops the whole process tree, which
 * matters for programs that fork (Chromium starts a dozen helpers).
 */
public final class ExternalProcess implements AutoCloseable {
    /** Bounds the memory a chatty process can take; the oldest lines go first. */
    private static final int MAX_KEPT_LINES = 20_000;
    /** How many lines a failure message shows. */
    private static final int TAIL_LINES = 60;
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);
    private static final Path STDBUF = Path.of("/usr/bin/stdbuf");

    private final String name;
    private final List<String> command;
    private final Process process;
    private final Thread reader;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Deque<String> lines = new ArrayDeque<>();
    private int droppedLines;
    private boolean endOfOutput;

    private ExternalProcess(String name, List<String> command, Process process) {
        this.name = name;
        this.command = List.copyOf(command);
        this.process = process;
        this.reader = new Thread(this::readOutput, name + "-output");
        reader.setDaemon(true);
        reader.start();
        process.onExit().thenRun(this::signalChange);
    }

    /** Starts {@code command}; {@code environment} entries are added to the inherited environment. */
    public static ExternalProcess start(String name, List<String> command, Map<String, String> environment) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        try {
            return new ExternalProcess(name, command, builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + command, e);
        }
    }

    public static ExternalProcess start(String name, List<String> command) {
        return start(name, command, Map.of());
    }

    /**
     * {@code command} run through coreutils' stdbuf so that its stdout is line-buffered: C programs fully buffer
     * a pipe, and a process killed on timeout would take its output with it.
     */
    public static List<String> lineBuffered(List<String> command) {
        requireExecutable(STDBUF, "coreutils");
        List<String> buffered = new ArrayList<>(List.of(STDBUF.toString(), "-oL", "-eL"));
        buffered.addAll(command);
        return buffered;
    }

    /** Fails with a message naming the Debian package when a required program is not installed. */
    public static void requireExecutable(Path program, String debianPackage) {
        if (!Files.isExecutable(program)) {
            fail(program + " is not installed: these tests need the Debian package '" + debianPackage
                    + "' (apt-get install " + debianPackage + ")");
        }
    }

    /**
     * Waits until a line of output contains {@code marker}. Fails, showing the output, when the process exits
     * first or the time runs out (the process is then left running for {@link #close()} to stop).
     */
    public void awaitLineContaining(String marker, Duration timeout) {
        awaitLine(line -> line.contains(marker), "'" + marker + "'", timeout);
    }

    /**
     * Waits until a line of output matches {@code wanted} (described as {@code what} in failures) and returns the
     * first such line. Fails, showing the output, when the process exits first or the time runs out.
     */
    public String awaitLine(Predicate<String> wanted, String what, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (true) {
                Optional<String> found = lines.stream().filter(wanted).findFirst();
                if (found.isPresent()) {
                    return found.get();
                }
                if (!process.isAlive() && endOfOutput) {
                    fail(name + " exited with " + process.exitValue() + " before printing " + what + describe());
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    fail(name + " did not print " + what + " within " + timeout + describe());
                }
                changed.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + name, e);
        } finally {
            lock.unlock();
        }
    }

    /** Writes {@code line} and a newline to the process's stdin, at once (not buffered). */
    public void writeLine(String line) {
        try {
            BufferedWriter input = process.outputWriter(StandardCharsets.UTF_8);
            input.write(line);
            input.newLine();
            input.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to " + name + "'s stdin" + describe(), e);
        }
    }

    /** Closes the process's stdin: it reads end of file. */
    public void closeInput() {
        try {
            process.outputWriter(StandardCharsets.UTF_8).close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + name + "'s stdin" + describe(), e);
        }
    }

    /**
     * Waits for the process to exit and returns its exit code. On timeout, kills it and fails with its output
     * and {@code context} (what a server it talked to printed, say).
     */
    public int awaitExit(Duration timeout, Supplier<String> context) {
        if (!waitFor(timeout)) {
            close();
            fail(name + " did not finish within " + timeout + " and was killed" + describe() + context.get());
        }
        return process.exitValue();
    }

    /**
     * Waits at most {@code timeout} for the process to exit, then for the rest of its output (which follows the
     * exit unless a grandchild holds the pipe); tells whether it exited.
     */
    public boolean waitFor(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return false;
            }
            reader.join(STOP_GRACE.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + name, e);
        }
    }

    /** The process id, for signals. */
    public long pid() {
        return process.pid();
    }

    public int exitCode() {
        return process.exitValue();
    }

    /** Completes when the process exits. */
    public CompletableFuture<Process> exited() {
        return process.onExit();
    }

    /** Everything the process printed so far (at most the last {@value #MAX_KEPT_LINES} lines). */
    public String output() {
        lock.lock();
        try {
            return String.join("\n", lines);
        } finally {
            lock.unlock();
        }
    }

    /** The command line, as one string. */
    public String command() {
        return String.join(" ", command);
    }

    /** The command and the last lines of output, for failure messages. */
    public String describe() {
        lock.lock();
        try {
            List<String> tail = new ArrayList<>(lines);
            int from = Math.max(0, tail.size() - TAIL_LINES);
            return "\n--- " + name + ": " + command() + "\n--- last " + (tail.size() - from)
                    + " of " + (tail.size() + droppedLines) + " output lines:\n"
                    + String.join("\n", tail.subList(from, tail.size())) + "\n---";
        } finally {
            lock.unlock();
        }
    }

    /** Stops the process and all its descendants: SIGTERM first, SIGKILL after a grace period. */
    @Override
    public void close() {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        if (!awaitAllExit(tree)) {
            tree.forEach(ProcessHandle::destroyForcibly);
            if (!awaitAllExit(tree)) {
                throw new AssertionError(name + " survived SIGKILL" + describe());
            }
        }
    }

    private static boolean awaitAllExit(List<ProcessHandle> tree) {
        CompletableFuture<?>[] exits = tree.stream().map(ProcessHandle::onExit).toArray(CompletableFuture<?>[]::new);
        try {
            CompletableFuture.allOf(exits).get(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void readOutput() {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                append(line);
            }
        } catch (IOException e) {
            // The stream closes when the process is killed; whatever was read is kept.
            append("[output ended: " + e.getMessage() + "]");
        } finally {
            lock.lock();
            try {
                endOfOutput = true;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private void append(String line) {
        lock.lock();
        try {
            lines.addLast(line);
            if (lines.size() > MAX_KEPT_LINES) {
                lines.removeFirst();
                droppedLines++;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void signalChange() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
