package io.turnkit.store.credential;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

class UserKeysTest {
    private static final Instant ADDED = Instant.parse("2025-01-01T00:00:00Z");

    @Test
    void shouldDeriveTheMd5KeyOfRfc8489Section922() {
        UserKeys keys = UserKeys.fromPassword("realm", "user", "pass", ADDED);

        // RFC 8489 §9.2.2: MD5("user:realm:pass").
        assertArrayEquals(HexFormat.of().parseHex("8493fbc53ba582fb4c044c456bdc40eb"), keys.md5Key());
        assertEquals(UserKeys.SHA256_KEY_LENGTH, keys.sha256Key().length);
    }

    @Test
    void shouldPrepareTheUsernameAsAClientDoes() {
        // RFC 8489 §14.3: USERNAME carries OpaqueString(name), which normalizes to NFC.
        UserKeys keys = UserKeys.fromPassword("realm", "A\u030Angstr\u00F6m", "pass", ADDED);

        assertEquals("\u00C5ngstr\u00F6m", keys.username());
    }

    @Test
    void shouldNeverPrintAKey() {
        UserKeys keys = UserKeys.fromPassword("realm", "user", "pass", ADDED);

        assertFalse(keys.toString().contains("8493fbc5"), keys.toString());
        assertTrue(keys.toString().contains("user"));
    }

    @Test
    void shouldCompareKeysByContent() {
        assertEquals(UserKeys.fromPassword("realm", "user", "pass", ADDED),
                UserKeys.fromPassword("realm", "user", "pass", ADDED));
    }

    @Test
    void shouldAcceptAnMd5OnlyUser() {
        UserKeys keys = new UserKeys("realm", "user", new byte[16], null, ADDED);

        assertTrue(keys.hasMd5Key());
        assertFalse(keys.hasSha256Key());
    }

    @Test
    void shouldRefuseAUserWithoutKeys() {
        assertThrows(IllegalArgumentException.class, () -> new UserKeys("realm", "user", null, null, ADDED));
    }

    @Test
    void shouldRefuseAKeyOfTheWrongLength() {
        assertThrows(IllegalArgumentException.class, () -> new UserKeys("realm", "user", new byte[15], null, ADDED));
    }
}
