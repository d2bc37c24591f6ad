package io.turnkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

class ProgressBarTest {
    @Test
    void shouldFillInProportionToWhatWasSent() {
        assertEquals("[###############...............] 50/100 sent, 49 back", ProgressBar.line(50, 49, 100));
        assertEquals("[##############################] 3/3 sent, 3 back", ProgressBar.line(3, 3, 3));
    }

    @Test
    void shouldDrawInPlaceAndEraseItself() {
        StringWriter err = new StringWriter();
        ProgressBar bar = new ProgressBar(new PrintWriter(err), true);

        bar.update(1, 0, 2);
        bar.clear();

        String line = ProgressBar.line(1, 0, 2);
        assertEquals("\r" + line + "\r" + " ".repeat(line.length()) + "\r", err.toString());
    }

    @Test
    void shouldDrawNothingWithoutATerminal() {
        StringWriter err = new StringWriter();
        ProgressBar bar = new ProgressBar(new PrintWriter(err), false);

        bar.update(1, 0, 2);
        bar.clear();

        assertEquals("", err.toString());
    }
}
