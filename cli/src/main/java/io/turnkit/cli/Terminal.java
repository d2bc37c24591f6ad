package io.turnkit.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** Where a password comes from when it is not on the command line: standard input, or the terminal. */
interface Terminal {
    /** The first line of standard input without its line end; null when the input is empty. */
    String readLine() throws IOException;

    /** A password typed at the terminal, not echoed; null when the process has no terminal. */
    char[] readPassword(String prompt);

    /** The standard input and the console of this process. */
    enum Standard implements Terminal {
        INSTANCE;

        @Override
        public String readLine() throws IOException {
            // Not closed: closing the reader would close System.in.
            return new BufferedReader(new InputStreamReader(java.lang.System.in, StandardCharsets.UTF_8)).readLine();
        }

        @Override
        public char[] readPassword(String prompt) {
            Console console = java.lang.System.console();
            return console == null ? null : console.readPassword("%s", prompt);
        }
    }
}
