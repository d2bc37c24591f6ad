package io.turnkit.server.transport.dtls;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** RFC 6347 §4.1.2.6: the 64-record anti-replay window. */
class ReplayWindowTest {
    @Test
    void shouldTakeEachSequenceNumberOnce() {
        ReplayWindow window = new ReplayWindow();
        assertFalse(window.isReplay(0));
        window.accept(0);
        assertTrue(window.isReplay(0));
        assertFalse(window.isReplay(1));
    }

    @Test
    void shouldTakeRecordsOutOfOrderWithinTheWindow() {
        ReplayWindow window = new ReplayWindow();
        window.accept(100);
        assertFalse(window.isReplay(90), "an older record not seen yet");
        window.accept(90);
        assertTrue(window.isReplay(90));
        assertFalse(window.isReplay(91));
        assertFalse(window.isReplay(37), "the left edge: 63 behind the highest");
    }

    @Test
    void shouldRefuseRecordsLeftOfTheWindow() {
        ReplayWindow window = new ReplayWindow();
        window.accept(100);
        assertTrue(window.isReplay(36), "64 behind the highest");
        assertTrue(window.isReplay(0));
    }

    @Test
    void shouldSlideAndForgetWhatFellOut() {
        ReplayWindow window = new ReplayWindow();
        window.accept(10);
        window.accept(12);
        assertTrue(window.isReplay(10), "still in the window after a short slide");
        assertFalse(window.isReplay(11));
        window.accept(12 + 64);
        assertTrue(window.isReplay(12), "left of the window once it slid past");
        assertFalse(window.isReplay(12 + 63));
        window.accept(1L << 47);
        assertTrue(window.isReplay(12 + 64), "a long jump keeps only the new highest");
        assertFalse(window.isReplay((1L << 47) - 1));
    }
}
