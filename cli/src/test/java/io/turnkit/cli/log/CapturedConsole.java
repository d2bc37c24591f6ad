package io.turnkit.cli.log;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * System.out and System.err of the test's JVM, kept for each test ({@code @RegisterExtension}), with the log set
 * to its defaults: the log writes to whichever stream System.err is when a line is written.
 */
public final class CapturedConsole implements BeforeEachCallback, AfterEachCallback {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream originalOut;
    private PrintStream originalErr;

    @Override
    public void beforeEach(ExtensionContext context) {
        originalOut = System.out;
        originalErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        LogSetup.applyDefaults();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        System.setOut(originalOut);
        System.setErr(originalErr);
        LogSetup.applyDefaults();
    }

    /** What was written to System.out so far. */
    public String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    /** What was written to System.err so far: the log, by default. */
    public String err() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
