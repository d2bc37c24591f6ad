package io.turnkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CompletionCommandTest {
    @Test
    void shouldPrintABashScriptForTheWholeCommandTree() {
        TurnkitRun run = TurnkitRun.run("completion");

        assertEquals(0, run.exitCode(), run.describe());
        assertTrue(run.out().startsWith("#!/usr/bin/env bash"), run.describe());
        assertTrue(run.out().contains("complete -F _complete_turnkit"), "registers the function");
        assertTrue(run.out().contains("--password-stdin"), "an option of user add");
        assertTrue(run.out().contains("--static-auth-secret"), "an option of credentials");
        assertTrue(run.out().contains("(\"md5\" \"sha256\" \"both\")"), "the values of --algorithm");
    }

    @Test
    void shouldPrintTheSameScriptForBashNamed() {
        assertEquals(TurnkitRun.run("completion").out(), TurnkitRun.run("completion", "bash").out());
    }

    @Test
    void shouldRejectAShellItHasNoScriptForWithExit2() {
        TurnkitRun run = TurnkitRun.run("completion", "fish");

        assertEquals(2, run.exitCode(), run.describe());
        assertEquals("", run.out());
        assertTrue(run.err().contains("expected bash; got 'fish'"), run.describe());
    }
}
