package io.turnkit.store.credential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CredentialRecordsTest {
    @ParameterizedTest
    @ValueSource(strings = {"alice", "jo smith", "100%", "tab\there", "ünïcödé", "emoji 😀", "nbsp\u00A0x"})
    void shouldDecodeWhatItEncodes(String value) {
        String encoded = CredentialRecords.encode(value);

        assertEquals(-1, encoded.indexOf(' '));
        assertEquals(value, CredentialRecords.decode(encoded));
    }

    @ParameterizedTest
    @ValueSource(strings = {"%", "%4", "%zz", "%C3"})
    void shouldRefuseABrokenEscape(String value) {
        assertThrows(IllegalArgumentException.class, () -> CredentialRecords.decode(value));
    }
}
