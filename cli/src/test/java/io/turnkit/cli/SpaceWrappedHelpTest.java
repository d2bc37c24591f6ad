package io.turnkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class SpaceWrappedHelpTest {
    @Test
    void shouldBreakLinesAtSpacesOnly() {
        assertEquals(List.of("Default:", "~/.local/share/turnkit/userdb."),
                SpaceWrappedHelp.lines("Default: ~/.local/share/turnkit/userdb.", 20));
    }

    @Test
    void shouldKeepPathsAndUrisWholeInHelp() {
        TurnkitRun serve = TurnkitRun.run("serve", "--help");
        TurnkitRun user = TurnkitRun.run("user", "add", "--help");

        for (String whole : List.of("~/.local/share/turnkit/userdb.", "redis://HOST[:PORT][/DB]", "localhost:514")) {
            assertTrue(serve.out().contains(whole), () -> whole + " is cut in\n" + serve.out());
        }
        assertTrue(user.out().contains("~/.local/share/turnkit/userdb."), user.out());
    }

    @Test
    void shouldKeepHelpLinesWithinEightyColumns() {
        TurnkitRun serve = TurnkitRun.run("serve", "--help");

        // A name column wider than its share (a long option and its label) may overflow; descriptions never do.
        assertEquals(List.of(), serve.out().lines().filter(line -> line.length() > 80 && line.startsWith(" ".repeat(29)))
                .toList());
    }
}
