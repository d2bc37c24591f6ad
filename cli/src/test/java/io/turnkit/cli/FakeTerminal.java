package io.turnkit.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** Standard input and a terminal for tests: the text on stdin, and what a person types at each prompt. */
final class FakeTerminal implements Terminal {
    final List<String> prompts = new ArrayList<>();
    private final String stdin;
    private final Deque<String> typed;
    private final boolean hasConsole;

    private FakeTerminal(String stdin, List<String> typed, boolean hasConsole) {
        this.stdin = stdin;
        this.typed = new ArrayDeque<>(typed);
        this.hasConsole = hasConsole;
    }

    /** No terminal (a script, a pipe), and {@code stdin} on standard input. */
    static FakeTerminal withStdin(String stdin) {
        return new FakeTerminal(stdin, List.of(), false);
    }

    /** A terminal where a person types {@code answers}, one per prompt; nothing on standard input. */
    static FakeTerminal typing(String... answers) {
        return new FakeTerminal("", List.of(answers), true);
    }

    @Override
    public String readLine() throws IOException {
        return new BufferedReader(new StringReader(stdin)).readLine();
    }

    @Override
    public char[] readPassword(String prompt) {
        prompts.add(prompt);
        if (!hasConsole) {
            return null;
        }
        String answer = typed.poll();
        if (answer == null) {
            throw new AssertionError("prompted once more than expected: " + prompt);
        }
        return answer.toCharArray();
    }
}
