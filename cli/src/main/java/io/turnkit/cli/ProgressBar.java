package io.turnkit.cli;

import java.io.PrintWriter;
import java.util.concurrent.TimeUnit;

import io.turnkit.ice.probe.RelayProbe;

/**
 * A one-line progress bar redrawn in place ({@code \r}) at most ten times a second, for a person watching: off when
 * the output is not a terminal, so that logs and pipes get no control characters.
 */
final class ProgressBar implements RelayProbe.Progress {
    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final PrintWriter err;
    private final boolean enabled;
    private long lastDraw;
    private int drawnLength;

    ProgressBar(PrintWriter err, boolean enabled) {
        this.err = err;
        this.enabled = enabled;
    }

    /** A bar on {@code err} when this process has a terminal ({@link System#console()}); else it draws nothing. */
    static ProgressBar ifTerminal(PrintWriter err) {
        return new ProgressBar(err, System.console() != null);
    }

    @Override
    public void update(int sent, int received, int count) {
        long now = System.nanoTime();
        if (!enabled || drawnLength > 0 && now - lastDraw < REDRAW_NANOS) {
            return;
        }
        String line = line(sent, received, count);
        err.print('\r' + line);
        err.flush();
        lastDraw = now;
        drawnLength = line.length();
    }

    /** Erases the bar, so that what follows starts on a clean line. */
    void clear() {
        if (drawnLength > 0) {
            err.print('\r' + " ".repeat(drawnLength) + '\r');
            err.flush();
            drawnLength = 0;
        }
    }

    /** {@code [###############...............] 50/100 sent, 49 back}. */
    static String line(int sent, int received, int count) {
        int filled = (int) ((long) WIDTH * sent / count);
        return '[' + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + sent + '/' + count + " sent, "
                + received + " back";
    }
}
