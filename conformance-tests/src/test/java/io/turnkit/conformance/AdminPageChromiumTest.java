package io.turnkit.conformance;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.turnkit.conformance.support.AdminClient;
import io.turnkit.conformance.support.RelayedClient;
import io.turnkit.conformance.support.TurnkitServer;
import io.turnkit.conformance.support.WebDriverChromium;

/**
 * The admin page of the real jar in headless Chromium, opened at the address the server prints: its live table
 * shows an allocation a TURN client made, its "test this server" panel gathers a relay candidate through this
 * server with the credentials the server mints, and nothing lands in the console as an error. The screenshot
 * goes to target/admin-page.png.
 */
class AdminPageChromiumTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void shouldShowTheLiveSessionsAndGatherARelayCandidate() throws Exception {
        try (TurnkitServer server = TurnkitServer.withOptions(List.of("--lt-cred-mech", "--user", "alice:wonderland",
                        "--web-admin", "--web-admin-port", "0"));
                RelayedClient client = RelayedClient.allocate(server, "alice", "wonderland");
                WebDriverChromium browser = WebDriverChromium.start()) {
            client.relayBothWays("seen on the page");
            int id = client.allocation().relayedAddress().getPort();
            AdminClient admin = AdminClient.of(server);

            browser.open(admin.pageWithToken());
            browser.awaitTrue("return document.querySelector('#sessions tr[data-id=\"" + id + "\"]') !== null",
                    "the allocation in the sessions table", WAIT);
            String row = browser.string("return document.querySelector('#sessions tr[data-id=\"" + id
                    + "\"]').textContent;");
            browser.execute("document.getElementById('test').click();");
            browser.awaitTrue("return document.getElementById('test-state').dataset.done === 'true'",
                    "the end of ICE gathering", WAIT);
            String candidates = browser.string("return [...document.querySelectorAll('#candidates tbody tr')]"
                    + ".map(row => [...row.children].map(cell => cell.textContent).join(' ')).join('\\n');");
            // Two polls after the first: the chart has points to draw before the picture is taken.
            browser.awaitTrue("return document.getElementById('status').textContent.includes('allocations')",
                    "the status line", WAIT);
            browser.screenshot(Path.of("target", "admin-page.png"));
            String console = browser.consoleLog();

            assertTrue(row.contains("alice") && row.contains("127.0.0.1:" + id), row);
            assertTrue(candidates.lines().anyMatch(line -> line.startsWith("relay 127.0.0.1 ")), candidates);
            assertFalse(console.contains("\"SEVERE\""), console);
            assertTrue(Files.size(Path.of("target", "admin-page.png")) > 0);
        }
    }
}
