package io.turnkit.conformance.support;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one run of coturn's turnutils_uclient reported. Its last lines read (coturn 4.6):
 * <pre>
 * 6: : start_mclient: tot_send_msgs=40, tot_recv_msgs=40
 * 6: : start_mclient: tot_send_bytes ~ 4000, tot_recv_bytes ~ 4000
 * 6: : Total transmit time is 6
 * 6: : Total lost packets 0 (0.000000%), total send dropped 0 (0.000000%)
 * </pre>
 * and it prints lines with {@code ERROR} for anything unexpected it receives (wrong channel number, wrong
 * length, unknown message) or when an allocation cannot be completed. A figure it did not print is -1.
 *
 * @param command      the command line that was run
 * @param exitCode     the process exit code (255 when it gives up, e.g. on a refused allocation)
 * @param sent         messages the clients sent, RTP and RTCP sessions together
 * @param received     messages the clients received back
 * @param lost         sent minus received, as uclient counts it
 * @param sendDropped  sends the client's own socket refused
 * @param errorLines   lines mentioning an error
 * @param output       everything it printed
 */
public record UclientReport(String command, int exitCode, long sent, long received, long lost, long sendDropped,
                     List<String> errorLines, String output) {
    /**
     * With {@code -S}, uclient picks a TLS version at random for each connection, TLS 1.0 and 1.1 among them;
     * turnkit refuses those (RFC 8996) with this alert, and uclient tries again. Not an error of the run.
     */
    private static final String OLD_TLS_REFUSED = "alert protocol version";
    /**
     * A new socket whose kernel-chosen port meets the 5-tuple of an allocation still held (uclient leaves its
     * allocations to expire) gets 437, rightly (RFC 8656 §7.2), and uclient allocates again from another socket:
     * not an error of the run when it says so on the next line. Over ::1 a run cannot have an address of its own.
     */
    private static final String MISMATCH = "error 437 (Allocation Mismatch)";
    private static final String MISMATCH_RETRIED = "trying allocate again 437";
    private static final Pattern MESSAGES = Pattern.compile("tot_send_msgs=(\\d+), tot_recv_msgs=(\\d+)\\s*$");
    private static final Pattern LOSS =
            Pattern.compile("Total lost packets (\\d+) \\(.*\\), total send dropped (\\d+) ");

    public static UclientReport parse(String command, int exitCode, String output) {
        long sent = -1;
        long received = -1;
        long lost = -1;
        long sendDropped = -1;
        List<String> lines = output.lines().toList();
        for (String line : lines) {
            Matcher messages = MESSAGES.matcher(line);
            if (messages.find()) {
                sent = Long.parseLong(messages.group(1));
                received = Long.parseLong(messages.group(2));
            }
            Matcher loss = LOSS.matcher(line);
            if (loss.find()) {
                lost = Long.parseLong(loss.group(1));
                sendDropped = Long.parseLong(loss.group(2));
            }
        }
        List<String> errors = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            boolean retried = line.contains(MISMATCH) && i + 1 < lines.size()
                    && lines.get(i + 1).contains(MISMATCH_RETRIED);
            if (line.toLowerCase(Locale.ROOT).contains("error") && !line.contains(OLD_TLS_REFUSED) && !retried) {
                errors.add(line);
            }
        }
        return new UclientReport(command, exitCode, sent, received, lost, sendDropped, errors, output);
    }

    /**
     * Asserts a clean run: exit code 0, {@code expectedMessages} sent and as many received, nothing lost or
     * dropped, no error printed. {@code context} (the server's output) is added to the failure message.
     */
    public void assertAllDelivered(long expectedMessages, String context) {
        assertAll(describe() + context,
                () -> assertEquals(0, exitCode, "exit code"),
                () -> assertEquals(expectedMessages, sent, "messages sent"),
                () -> assertEquals(sent, received, "messages received"),
                () -> assertEquals(0, lost, "lost packets"),
                () -> assertEquals(0, sendDropped, "send dropped"),
                () -> assertTrue(errorLines.isEmpty(), () -> "error lines " + errorLines));
    }

    /** The command and all its output, for failure messages. */
    public String describe() {
        return "\n--- " + command + "\n" + output + "\n---";
    }
}
