package io.turnkit.cli;

import java.io.PrintWriter;

import io.turnkit.ice.probe.ProgressLine;
import io.turnkit.ice.probe.RelayProbe;

/** {@code turnkit probe}'s progress: packets sent and echoed back, on a {@link ProgressLine}. */
final class ProgressBar implements RelayProbe.Progress {
    private static final int WIDTH = 30;

    private final ProgressLine line;

    ProgressBar(PrintWriter err, boolean enabled) {
        this.line = new ProgressLine(err, enabled);
    }

    /** A bar on {@code err} when this process has a terminal ({@link System#console()}); else it draws nothing. */
    static ProgressBar ifTerminal(PrintWriter err) {
        return new ProgressBar(err, System.console() != null);
    }

    @Override
    public void update(int sent, int received, int count) {
        if (line.isDue()) {
            line.draw(line(sent, received, count));
        }
    }

    /** Erases the bar, so that what follows starts on a clean line. */
    void clear() {
        line.clear();
    }

    /** {@code [###############...............] 50/100 sent, 49 back}. */
    static String line(int sent, int received, int count) {
        return ProgressLine.bar(sent, count, WIDTH) + " " + sent + '/' + count + " sent, " + received + " back";
    }
}
