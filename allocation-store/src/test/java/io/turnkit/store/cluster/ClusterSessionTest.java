package io.turnkit.store.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;

import org.junit.jupiter.api.Test;

class ClusterSessionTest {
    private static final ClusterSession SESSION = new ClusterSession("node-a", 49160, "alice", "127.0.0.1:5000", "udp",
            List.of("127.0.0.1:49160", "[::1]:49160"), 1_767_229_200L);

    @Test
    void shouldReadBackWhatItWrites() {
        assertEquals(SESSION, ClusterSession.parse("node-a", "49160", SESSION.value()));
    }

    @Test
    void shouldLeaveOutAValueThatDoesNotParse() {
        assertNull(ClusterSession.parse("node-a", "49160", "alice\t127.0.0.1:5000"), "too few fields");
        assertNull(ClusterSession.parse("node-a", "port", SESSION.value()), "an id that is no number");
        assertNull(ClusterSession.parse("node-a", "49160", SESSION.value().replace("1767229200", "soon")));
        assertNull(ClusterSession.parse("node-a", "49160", SESSION.value().replace("alice", "al\u001b[2Jice")),
                "a terminal escape in a field");
        assertNull(ClusterSession.parse("node-a", "49160", "x".repeat(5000)), "longer than any session's value");
    }

    @Test
    void shouldNameItselfByNodeAndIdAndNeverAgeBackwards() {
        assertEquals("node-a/49160", SESSION.clusterId());
        assertEquals(60, SESSION.ageSeconds(1_767_229_260L));
        assertEquals(0, SESSION.ageSeconds(1_767_229_100L), "a clock behind the node's");
    }
}
