package io.turnkit.cli;

import java.io.PrintWriter;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * How every {@code turnkit} command reports an exception it did not handle: one line on stderr and exit code 1.
 * The stack trace follows only with {@code --verbose}, as an operator reading a failure needs the reason, not the
 * code path.
 *
 * <p>Exit codes: 0 done, 1 failed ({@link CommandFailure}, or anything unexpected), 2 a wrong command line.
 */
final class FailureReporter implements IExecutionExceptionHandler {
    static final int EXIT_FAILED = 1;

    @Override
    public int handleExecutionException(Exception failure, CommandLine command, ParseResult fullParseResult) {
        PrintWriter err = command.getErr();
        err.println("turnkit: " + message(failure));
        ParseResult parsed = command.getParseResult();
        if (parsed != null && parsed.hasMatchedOption(VerboseOption.LONG_NAME)) {
            failure.printStackTrace(err);
        }
        err.flush();
        return EXIT_FAILED;
    }

    private static String message(Exception failure) {
        if (failure instanceof CommandFailure) {
            return failure.getMessage();
        }
        // A bug, not an operator's mistake: name the exception, since its message alone may say nothing.
        return "unexpected " + failure + " (--verbose shows where)";
    }
}
