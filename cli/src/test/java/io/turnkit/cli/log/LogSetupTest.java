package io.turnkit.cli.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.turnkit.server.config.LogFormat;

class LogSetupTest {
    private static final Logger LOG = LoggerFactory.getLogger(LogSetupTest.class);

    @TempDir
    Path dir;

    @RegisterExtension
    final CapturedConsole console = new CapturedConsole();

    @Test
    void shouldStartEachLineWithAnIso8601TimestampByDefault() {
        LogSetup.apply(LogSetup.Settings.DEFAULT);

        LOG.info("allocation made");

        String line = console.err();
        assertTrue(line.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) INFO  "
                + "allocation made\\R"), line);
        assertFalse(LOG.isDebugEnabled());
    }

    @Test
    void shouldTurnDebugOnWhenVerboseEvenAfterLoggingStarted() {
        LOG.info("a logger that exists before the options are read");

        LogSetup.apply(settings(true, null, false, false, false, LogFormat.TEXT));
        LOG.debug("checking a nonce");

        assertTrue(console.err().contains("DEBUG checking a nonce"), console::err);
    }

    @Test
    void shouldWriteOneJsonObjectALine() {
        LogSetup.apply(settings(false, null, false, false, false, LogFormat.JSON));

        LOG.info("allocation made");

        String line = console.err().strip();
        assertTrue(line.startsWith("{") && line.endsWith("}") && !line.contains("\n"), line);
        assertTrue(line.contains("\"level\":\"INFO\"") && line.contains("\"message\":\"allocation made\""), line);
    }

    @Test
    void shouldLogToTheFileAsNamedWithSimpleLog() throws Exception {
        Path file = dir.resolve("turn.log");
        LogSetup.apply(settings(false, file.toString(), true, false, false, LogFormat.TEXT));

        LOG.info("into the file");

        assertTrue(Files.readString(file).contains("INFO  into the file"));
        assertTrue(console.err().contains("into the file"));
    }

    @Test
    void shouldPutTheDateInTheFileNameWithoutSimpleLog() throws Exception {
        Path file = dir.resolve("turn.log");
        LogSetup.apply(settings(false, file.toString(), false, false, false, LogFormat.TEXT));

        LOG.info("into today's file");

        Path dated = dir.resolve("turn-" + LocalDate.now() + ".log");
        assertTrue(Files.readString(dated).contains("into today's file"), () -> List.of(dir.toFile().list()).toString());
    }

    @Test
    void shouldLeaveTheConsoleAloneWithNoStdoutLog() throws Exception {
        Path file = dir.resolve("turn.log");
        LogSetup.apply(settings(false, file.toString(), true, false, true, LogFormat.TEXT));

        LOG.info("file only");

        assertTrue(Files.readString(file).contains("file only"));
        assertEquals("", console.err() + console.out());
    }

    @Test
    void shouldLogToStdoutWhenTheLogFileIsStdout() {
        LogSetup.apply(settings(false, "stdout", false, false, false, LogFormat.TEXT));

        LOG.info("on stdout");

        assertTrue(console.out().contains("INFO  on stdout"));
        assertEquals("", console.err());
    }

    @Test
    void shouldSendSyslogLinesToTheSyslogPort() throws Exception {
        try (DatagramSocket syslogd = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            syslogd.setSoTimeout(10_000);
            LogSetup.apply(new LogSetup.Settings(false, "syslog", false, false, true, LogFormat.TEXT,
                    syslogd.getLocalPort()));

            LOG.info("to syslog");

            DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
            syslogd.receive(packet);
            String line = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
            // RFC 3164: <PRI> with facility user (1) and severity informational (6): 1 * 8 + 6.
            assertTrue(line.startsWith("<14>") && line.endsWith("turnkit: to syslog"), line);
        }
    }

    @Test
    void shouldPutTheDateBeforeTheExtension() {
        assertEquals("/var/log/turn-%d{yyyy-MM-dd}.log", LogSetup.datedName("/var/log/turn.log"));
        assertEquals("/var/log/turn-%d{yyyy-MM-dd}", LogSetup.datedName("/var/log/turn"));
        assertEquals("/var/log.d/turn-%d{yyyy-MM-dd}", LogSetup.datedName("/var/log.d/turn"));
    }

    private static LogSetup.Settings settings(boolean verbose, String file, boolean simpleLog, boolean syslog,
            boolean noStdoutLog, LogFormat format) {
        return new LogSetup.Settings(verbose, file, simpleLog, syslog, noStdoutLog, format, LogSetup.SYSLOG_PORT);
    }
}
