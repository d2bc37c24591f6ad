package io.turnkit.perf.load;

import java.io.PrintWriter;

import io.turnkit.ice.probe.ProgressLine;

/** The load generator's progress: the phase and how far through it, on a {@link ProgressLine} on stderr. */
final class ProgressBar {
    private static final int WIDTH = 30;
    private static final int PERCENT = 100;

    private final ProgressLine line = ProgressLine.ifTerminal(new PrintWriter(System.err, true));

    private ProgressBar() {
    }

    /** Draws on stderr when the JVM runs on a terminal (it has a console), else draws nothing. */
    static ProgressBar onTerminal() {
        return new ProgressBar();
    }

    /** Shows {@code phase} {@code fraction} done (0 to 1); thread-safe. */
    void show(String phase, double fraction) {
        if (line.isDue()) {
            long done = Math.round(Math.max(0, Math.min(1, fraction)) * PERCENT);
            line.draw(String.format("%-12s %s %3d%%", phase, ProgressLine.bar(done, PERCENT, WIDTH), done));
        }
    }

    /** Erases the bar, so that the summary starts on a clean line. */
    void clear() {
        line.clear();
    }
}
