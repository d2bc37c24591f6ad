package io.turnkit.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The tests' parser refuses what Prometheus refuses, so a scrape it accepts is one Prometheus reads. */
class PrometheusTextTest {
    @Test
    void shouldReadSamplesWithLabelsEscapesAndSpecialValues() {
        PrometheusText text = PrometheusText.parse("""
                # HELP a_total A counter
                # TYPE a_total counter
                a_total{k="x \\"y\\" \\\\ z",j="2"} 3.0
                a_total 1e3 1700000000000
                # TYPE b gauge
                b NaN
                b{q="1"} +Inf
                """);

        assertEquals(3.0, text.value("a_total", "j", "2", "k", "x \"y\" \\ z"));
        assertEquals(1000.0, text.value("a_total"));
        assertTrue(text.value("b").isNaN());
        assertEquals("gauge", text.type("b"));
    }

    @Test
    void shouldRefuseWhatBreaksTheFormat() {
        for (String bad : new String[] {"1abc 2", "a{k=\"v} 1", "a{k=v} 1", "a 1 2 3", "a one", "a{1k=\"v\"} 1",
                "a 1\na 2", "a 1\nb 1\na 2", "a 1\n# TYPE a gauge", "# TYPE a gauge\n# TYPE a counter",
                "# TYPE a gauges", "a{k=\"v\" j=\"w\"} 1", "a{k=\"\\t\"} 1"}) {
            assertThrows(IllegalArgumentException.class, () -> PrometheusText.parse(bad), bad);
        }
    }
}
