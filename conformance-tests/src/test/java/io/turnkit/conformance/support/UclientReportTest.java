package io.turnkit.conformance.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

/** What counts as an error in uclient's output. */
class UclientReportTest {
    @Test
    void shouldNotCountA437UclientAllocatesAgainAfter() {
        UclientReport report = UclientReport.parse("uclient", 0, """
                0: : error 437 (Allocation Mismatch)
                0: : trying allocate again 437...
                0: : success
                """);

        assertEquals(List.of(), report.errorLines());
    }

    @Test
    void shouldCountA437UclientDoesNotRecoverFrom() {
        UclientReport report = UclientReport.parse("uclient", 255, """
                0: : error 437 (Allocation Mismatch)
                0: : Cannot complete Allocation
                """);

        assertEquals(List.of("0: : error 437 (Allocation Mismatch)"), report.errorLines());
    }

    @Test
    void shouldCountEveryOtherErrorLine() {
        UclientReport report = UclientReport.parse("uclient", 0, """
                0: : error 508 (Insufficient Capacity)
                0: : trying allocate again 437...
                """);

        assertEquals(List.of("0: : error 508 (Insufficient Capacity)"), report.errorLines());
    }
}
