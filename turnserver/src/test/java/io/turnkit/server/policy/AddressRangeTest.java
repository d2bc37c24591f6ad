package io.turnkit.server.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AddressRangeTest {

    @ParameterizedTest(name = "{0} holds {1}: {2}")
    @CsvSource({
        "10.1.2.3, 10.1.2.3, true",
        "10.1.2.3, 10.1.2.4, false",
        "10.0.0.0/8, 10.255.255.255, true",
        "10.0.0.0/8, 11.0.0.0, false",
        "10.0.0.0/8, 9.255.255.255, false",
        "0.0.0.0/0, 255.255.255.255, true",
        "128.0.0.0/1, 200.1.1.1, true",
        "128.0.0.0/1, 127.255.255.255, false",
        "83.166.64.0-83.166.95.255, 83.166.68.45, true",
        "83.166.64.0-83.166.95.255, 83.166.96.0, false",
        "fd00::/8, fdff:ffff::1, true",
        "fd00::/8, fe00::, false",
        "::/0, ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, true",
        "2001:db8::/64, 2001:db8::ffff:ffff:ffff:ffff, true",
        "2001:db8::/64, 2001:db8:0:1::, false",
        "2001:db8::/65, 2001:db8::7fff:ffff:ffff:ffff, true",
        "2001:db8::/65, 2001:db8::8000:0:0:0, false",
        "2001:db8::1-2001:db8::1:0, 2001:db8::ffff, true",
        "2001:db8::1-2001:db8::1:0, 2001:db8::1:1, false",
    })
    void shouldHoldExactlyItsAddresses(String range, String address, boolean expected) {
        assertEquals(expected, AddressRange.parse(range).contains(IpLiteral.parse(address)));
    }

    @Test
    void shouldNotHoldAnAddressOfTheOtherFamily() {
        assertFalse(AddressRange.parse("::/0").contains(IpLiteral.parse("10.0.0.1")));
        assertFalse(AddressRange.parse("0.0.0.0/0").contains(IpLiteral.parse("::1")));
    }

    @Test
    void shouldIgnoreHostBitsUnderThePrefix() {
        assertEquals(AddressRange.parse("192.168.1.0/24"), AddressRange.parse("192.168.1.7/24"));
    }

    @ParameterizedTest(name = "{0} prints as {1}")
    @CsvSource({
        "10.1.2.3, 10.1.2.3",
        "10.1.2.3/32, 10.1.2.3",
        "10.0.0.0-10.255.255.255, 10.0.0.0/8",
        "83.166.64.0-83.166.95.255, 83.166.64.0/19",
        "10.0.0.1-10.0.0.9, 10.0.0.1-10.0.0.9",
        "0.0.0.0/0, 0.0.0.0/0",
        "::ffff:0:0/96, ::ffff:0:0/96",
        "fd00::/8, fd00::/8",
        "::/0, ::/0",
        "2001:db8::1-2001:db8::5, 2001:db8::1-2001:db8::5",
    })
    void shouldPrintTheShortestForm(String range, String printed) {
        assertEquals(printed, AddressRange.parse(range).toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "example.com", "10.0.0.0/33", "fd00::/129", "10.0.0.0/", "10.0.0.0/x",
        "10.0.0.9-10.0.0.1", "10.0.0.1-::1", "10.0.0.1-", "256.0.0.1", "010.0.0.0/8", "fe80::1%eth0", "1.2.3"})
    void shouldRejectAMalformedRangeNamingTheAcceptedForms(String text) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> AddressRange.parse(text));

        assertTrue(error.getMessage().contains("CIDR block (10.0.0.0/8, fd00::/8) or a range FIRST-LAST"),
                error.getMessage());
        assertTrue(error.getMessage().endsWith("got '" + text + "'"), error.getMessage());
    }

    @ParameterizedTest(name = "{0} overlaps {1}: {2}")
    @CsvSource({
        "83.166.68.45, 83.166.64.0-83.166.95.255, true",
        "10.0.0.0/8, 10.255.0.0/16, true",
        "10.0.0.0/8, 11.0.0.0/8, false",
        "10.0.0.0-10.0.0.5, 10.0.0.5-10.0.0.9, true",
        "10.0.0.0/8, ::/0, false",
        "fd00::/8, fd12::/16, true",
    })
    void shouldTellOverlappingRanges(String range, String other, boolean expected) {
        assertEquals(expected, AddressRange.parse(range).overlaps(AddressRange.parse(other)));
        assertEquals(expected, AddressRange.parse(other).overlaps(AddressRange.parse(range)));
    }
}
