package io.turnkit.perf.load;

import java.io.PrintStream;

/**
 * A one-line progress bar on stderr, redrawn in place, at most ten times a second. Only on a terminal:
 * when the output goes to a file or a pipe (a script), nothing is drawn.
 */
final class ProgressBar {
    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 100_000_000;

    private final PrintStream out;
    private long lastDrawn;
    private int drawnLength;

    private ProgressBar(PrintStream out) {
        this.out = out;
        this.lastDrawn = System.nanoTime() - REDRAW_NANOS;
    }

    /** Draws on stderr when the JVM runs on a terminal (it has a console), else draws nothing. */
    static ProgressBar onTerminal() {
        return new ProgressBar(System.console() != null ? System.err : null);
    }

    /** Shows {@code phase} {@code fraction} done (0 to 1); thread-safe. */
    synchronized void show(String phase, double fraction) {
        long now = System.nanoTime();
        if (out == null || now - lastDrawn < REDRAW_NANOS) {
            return;
        }
        lastDrawn = now;
        double done = Math.max(0, Math.min(1, fraction));
        int filled = (int) Math.round(done * WIDTH);
        String line = String.format("%-12s [%s%s] %3d%%", phase, "#".repeat(filled), ".".repeat(WIDTH - filled),
                Math.round(done * 100));
        out.print('\r' + line);
        out.flush();
        drawnLength = line.length();
    }

    /** Erases the bar, so that the summary starts on a clean line. */
    synchronized void clear() {
        if (out != null && drawnLength > 0) {
            out.print('\r' + " ".repeat(drawnLength) + '\r');
            out.flush();
            drawnLength = 0;
        }
    }
}
