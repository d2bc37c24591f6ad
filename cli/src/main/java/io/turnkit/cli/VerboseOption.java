package io.turnkit.cli;

import picocli.CommandLine.Option;

/** {@code -v/--verbose}: a failure prints its stack trace after its one line ({@link FailureReporter}). */
final class VerboseOption {
    static final String LONG_NAME = "--verbose";

    @Option(names = {"-v", LONG_NAME}, description = "Print the stack trace of a failure.")
    boolean verbose;
}
