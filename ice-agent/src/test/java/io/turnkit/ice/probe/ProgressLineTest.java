package io.turnkit.ice.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

class ProgressLineTest {
    @Test
    void shouldDrawTheBarInProportion() {
        assertEquals("[#####.....]", ProgressLine.bar(1, 2, 10));
        assertEquals("[..........]", ProgressLine.bar(0, 2, 10));
        assertEquals("[##########]", ProgressLine.bar(5, 2, 10), "never past full");
    }

    @Test
    void shouldBeDueAtFirstThenWaitForTheRedrawInterval() {
        ProgressLine line = new ProgressLine(new PrintWriter(new StringWriter()), true);
        assertTrue(line.isDue());
        line.draw("one");
        assertFalse(line.isDue(), "a tenth of a second has not passed");
    }

    @Test
    void shouldOverwriteALongerLineCompletely() {
        StringWriter out = new StringWriter();
        ProgressLine line = new ProgressLine(new PrintWriter(out), true);
        line.draw("longer");
        line.draw("short");
        assertEquals("\rlonger\rshort ", out.toString());
    }

    @Test
    void shouldStayQuietWithoutATerminal() {
        StringWriter out = new StringWriter();
        ProgressLine line = new ProgressLine(new PrintWriter(out), false);
        assertFalse(line.isDue());
        line.draw("nothing");
        line.clear();
        assertEquals("", out.toString());
    }
}
