package io.turnkit.stun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** OpaqueString (RFC 8265 §4.2) and the keys of RFC 8489 §9.1.1, §9.2.2 and §14.4. */
class KeysTest {
    @Test
    void shouldKeepPrintableAscii() {
        String ascii = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";
        assertEquals(ascii, OpaqueString.prepare(ascii));
    }

    @Test
    void shouldMapNonAsciiSpacesToAsciiSpace() {
        assertEquals("a b c d", OpaqueString.prepare("a\u00A0b\u3000c\u2009d"));
    }

    @Test
    void shouldNormalizeToNfc() {
        assertEquals("\u00E9", OpaqueString.prepare("e\u0301"));
    }

    @Test
    void shouldNotApplyCompatibilityMapping() {
        // Unlike SASLprep (NFKC), OpaqueString keeps ª and Ⅸ (HasCompat is allowed in FreeformClass).
        assertEquals("M\u00AAtr\u2168", OpaqueString.prepare("M\u00AAtr\u2168"));
    }

    @Test
    void shouldRejectEmptyString() {
        assertThrows(IllegalArgumentException.class, () -> OpaqueString.prepare(""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\u0000b", "tab\t", "del\u007F", "soft\u00ADhyphen", "zw\u200Dj", "pua\uE000",
        "vs\uFE0F", "non\uFDD0char", "line\u2028sep", "lone\uD800surrogate", "unassigned\u0378"})
    void shouldRejectDisallowedCodePoints(String s) {
        assertThrows(IllegalArgumentException.class, () -> OpaqueString.prepare(s));
    }

    @Test
    void shouldAcceptLettersMarksSymbolsAndEmoji() {
        String s = "Пароль-密码-\u30DE\u30C8-€-\uD83D\uDE00";
        assertEquals(s, OpaqueString.prepare(s));
    }

    @Test
    void shouldDeriveShortTermKeyAsUtf8OfPreparedPassword() {
        assertArrayEquals("pass word".getBytes(StandardCharsets.UTF_8), ShortTermKey.of("pass\u00A0word"));
    }

    @Test
    void shouldDeriveLongTermMd5Key() throws NoSuchAlgorithmException {
        byte[] expected = MessageDigest.getInstance("MD5").digest("user:realm:pass".getBytes(StandardCharsets.UTF_8));
        assertArrayEquals(expected, LongTermKey.md5("user", "realm", "pass"));
        assertEquals(16, expected.length);
    }

    @Test
    void shouldPrepareRealmAndPasswordButNotUsername() throws NoSuchAlgorithmException {
        byte[] expected = MessageDigest.getInstance("SHA-256")
            .digest("u\u00A0x:r e:p w".getBytes(StandardCharsets.UTF_8));
        assertArrayEquals(expected, LongTermKey.sha256("u\u00A0x", "r\u00A0e", "p\u00A0w"));
    }

    @Test
    void shouldDeriveByPasswordAlgorithmNumber() {
        assertArrayEquals(LongTermKey.md5("u", "r", "p"), LongTermKey.derive(PasswordAlgorithm.MD5, "u", "r", "p"));
        assertArrayEquals(LongTermKey.sha256("u", "r", "p"), LongTermKey.derive(PasswordAlgorithm.SHA256, "u", "r", "p"));
        assertThrows(IllegalArgumentException.class, () -> LongTermKey.derive(3, "u", "r", "p"));
        assertTrue(PasswordAlgorithm.isSupported(PasswordAlgorithm.SHA256));
    }

    @Test
    void shouldComputeTheRfc8489UserHash() {
        byte[] expected = HexFormat.of().parseHex("4a3cf38fef6992bda952c6780417da0f24819415569e60b205c46e41407f1704");
        assertArrayEquals(expected, UserHash.of(SampleVector.USERNAME, SampleVector.REALM));
    }
}
