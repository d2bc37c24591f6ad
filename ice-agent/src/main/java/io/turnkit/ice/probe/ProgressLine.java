package io.turnkit.ice.probe;

import java.io.PrintWriter;
import java.util.concurrent.TimeUnit;

/**
 * One line of progress redrawn in place ({@code \r}) at most ten times a second, for a person watching: off
 * when the process has no terminal, so that logs and pipes get no control characters. Thread-safe.
 */
public final class ProgressLine {
    private static final long REDRAW_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final PrintWriter out;
    private final boolean enabled;
    private long lastDraw;
    private int drawnLength;

    public ProgressLine(PrintWriter out, boolean enabled) {
        this.out = out;
        this.enabled = enabled;
    }

    /** A line on {@code out} when this process has a terminal ({@link System#console()}); else it draws nothing. */
    public static ProgressLine ifTerminal(PrintWriter out) {
        return new ProgressLine(out, System.console() != null);
    }

    /** Whether a {@link #draw} now would show: the first time, then once a redraw interval has passed. */
    public synchronized boolean isDue() {
        return enabled && (drawnLength == 0 || System.nanoTime() - lastDraw >= REDRAW_NANOS);
    }

    /** Replaces the line with {@code line}; callers ask {@link #isDue()} first, so as not to format in vain. */
    public synchronized void draw(String line) {
        if (!enabled) {
            return;
        }
        out.print('\r' + line + " ".repeat(Math.max(0, drawnLength - line.length())));
        out.flush();
        lastDraw = System.nanoTime();
        drawnLength = line.length();
    }

    /** Erases the line, so that what follows starts on a clean one. */
    public synchronized void clear() {
        if (drawnLength > 0) {
            out.print('\r' + " ".repeat(drawnLength) + '\r');
            out.flush();
            drawnLength = 0;
        }
    }

    /** {@code [#####.....]}: {@code done} of {@code total} as a bar {@code width} characters wide. */
    public static String bar(long done, long total, int width) {
        int filled = total <= 0 ? width : (int) Math.max(0, Math.min(width, width * done / total));
        return '[' + "#".repeat(filled) + ".".repeat(width - filled) + ']';
    }
}
