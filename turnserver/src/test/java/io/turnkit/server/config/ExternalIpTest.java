package io.turnkit.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.turnkit.server.policy.IpLiteral;

class ExternalIpTest {

    @Test
    void shouldParseAPublicAddressForAWholeFamily() {
        ExternalIp mapping = ExternalIp.parse("60.70.80.91");

        assertEquals(IpLiteral.parse("60.70.80.91"), mapping.publicIp());
        assertNull(mapping.privateIp());
    }

    @Test
    void shouldParseAPublicPrivatePair() {
        ExternalIp mapping = ExternalIp.parse("2001:db8::5/fd00::5");

        assertEquals(IpLiteral.parse("2001:db8::5"), mapping.publicIp());
        assertEquals(IpLiteral.parse("fd00::5"), mapping.privateIp());
    }

    @Test
    void shouldPrintAsCoturnWritesIt() {
        assertEquals("60.70.80.91/172.17.19.101", ExternalIp.parse("60.70.80.91/172.17.19.101").toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "turn.example.org", "60.70.80.91/", "/172.17.19.101", "60.70.80.91/fd00::5",
        "60.70.80.91/172.17.19.101/1.2.3.4"})
    void shouldRejectAnythingButPublicSlashPrivate(String text) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> ExternalIp.parse(text));

        assertEquals("expected PUBLIC or PUBLIC/PRIVATE IP addresses of one family, got '" + text + "'",
                error.getMessage());
    }
}
