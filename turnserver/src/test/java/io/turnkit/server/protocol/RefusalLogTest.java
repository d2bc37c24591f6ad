package io.turnkit.server.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.turnkit.server.protocol.RefusalLog.Kind;

class RefusalLogTest {
    private long now = 5_000_000_000L;
    private final RefusalLog refusals = new RefusalLog(() -> now);

    @Test
    void shouldWriteAtMostItsLinesASecondAndCountTheRest() {
        for (int i = 0; i < RefusalLog.LINES_PER_SECOND; i++) {
            assertEquals(0, refusals.admit(Kind.AUTHENTICATION), "line " + i + " is written");
        }
        for (int i = 0; i < 25; i++) {
            assertEquals(-1, refusals.admit(Kind.AUTHENTICATION), "held back");
        }
        now += TimeUnit.SECONDS.toNanos(1);

        assertEquals(25, refusals.admit(Kind.AUTHENTICATION), "the next line says how many were held back");
        assertEquals(0, refusals.admit(Kind.AUTHENTICATION));
    }

    @Test
    void shouldGiveEachKindItsOwnAllowance() {
        for (int i = 0; i <= RefusalLog.LINES_PER_SECOND; i++) {
            refusals.admit(Kind.AUTHENTICATION);
        }

        assertEquals(0, refusals.admit(Kind.QUOTA));
        assertEquals(0, refusals.admit(Kind.FORBIDDEN_PEER));
    }
}
