package io.turnkit.stun;

import java.text.Normalizer;

/**
 * The PRECIS OpaqueString profile (RFC 8265 §4.2), which RFC 8489 applies to passwords, realms
 * and user names before hashing them into keys (§9.1.1, §9.2.2, §14.3, §14.4):
 *
 * <ol>
 *   <li>width mapping: none;</li>
 *   <li>additional mapping: every non-ASCII space (general category Zs) becomes U+0020;</li>
 *   <li>case mapping: none;</li>
 *   <li>normalization: NFC;</li>
 *   <li>directionality: none;</li>
 * </ol>
 * then every code point must be allowed by the FreeformClass (RFC 8264 §4.3) and the result
 * must not be empty.
 *
 * <p>The subset implemented: the FreeformClass is decided by general category — letters, marks,
 * numbers, symbols, punctuation and U+0020 are allowed; controls (Cc), format characters (Cf, which
 * includes the soft hyphen and the ZWJ/ZWNJ joiners whose context rule is not evaluated),
 * private use (Co), surrogates (Cs), unassigned code points (Cn, as of the running JDK's Unicode
 * version), line and paragraph separators are not. Default_Ignorable_Code_Point characters of
 * other categories (variation selectors, the Hangul fillers, U+034F and a few more) and the
 * noncharacters are rejected from a fixed list; old Hangul Jamo are not singled out (they are
 * letters, so they are accepted). ASCII, the case that matters most, is exact: U+0021..U+007E
 * and U+0020 are allowed, the C0 controls and U+007F are not.
 */
public final class OpaqueString {
    private OpaqueString() {
    }

    /**
     * Prepares {@code s} for comparison or hashing.
     *
     * @throws IllegalArgumentException when empty or holding a code point the profile disallows
     */
    public static String prepare(String s) {
        StringBuilder mapped = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            // RFC 8265 §4.2.1 step 2: non-ASCII spaces map to ASCII space.
            mapped.appendCodePoint(cp > 0x7F && Character.getType(cp) == Character.SPACE_SEPARATOR ? ' ' : cp);
            i += Character.charCount(cp);
        }
        String normalized = Normalizer.normalize(mapped, Normalizer.Form.NFC);
        if (normalized.isEmpty()) {
            throw new IllegalArgumentException("OpaqueString must not be empty (RFC 8265 §4.2.2)");
        }
        for (int i = 0; i < normalized.length(); ) {
            int cp = normalized.codePointAt(i);
            if (!isFreeform(cp)) {
                throw new IllegalArgumentException(String.format(
                    "U+%04X is not allowed in an OpaqueString (RFC 8265 §4.2, RFC 8264 §4.3)", cp));
            }
            i += Character.charCount(cp);
        }
        return normalized;
    }

    static boolean isFreeform(int cp) {
        if (cp == ' ') {
            return true;
        }
        if (isDefaultIgnorable(cp) || isNoncharacter(cp)) {
            return false;
        }
        switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER:
            case Character.LOWERCASE_LETTER:
            case Character.TITLECASE_LETTER:
            case Character.MODIFIER_LETTER:
            case Character.OTHER_LETTER:
            case Character.NON_SPACING_MARK:
            case Character.ENCLOSING_MARK:
            case Character.COMBINING_SPACING_MARK:
            case Character.DECIMAL_DIGIT_NUMBER:
            case Character.LETTER_NUMBER:
            case Character.OTHER_NUMBER:
            case Character.MATH_SYMBOL:
            case Character.CURRENCY_SYMBOL:
            case Character.MODIFIER_SYMBOL:
            case Character.OTHER_SYMBOL:
            case Character.CONNECTOR_PUNCTUATION:
            case Character.DASH_PUNCTUATION:
            case Character.START_PUNCTUATION:
            case Character.END_PUNCTUATION:
            case Character.INITIAL_QUOTE_PUNCTUATION:
            case Character.FINAL_QUOTE_PUNCTUATION:
            case Character.OTHER_PUNCTUATION:
                return true;
            default:
                // Cc, Cf, Co, Cs, Cn, Zl, Zp, and Zs other than U+0020 (mapped away above).
                return false;
        }
    }

    /** Default_Ignorable_Code_Point characters that are not format characters (Cf). */
    private static boolean isDefaultIgnorable(int cp) {
        return cp == 0x034F                          // COMBINING GRAPHEME JOINER
            || cp == 0x115F || cp == 0x1160          // HANGUL CHOSEONG/JUNGSEONG FILLER
            || cp == 0x17B4 || cp == 0x17B5          // KHMER VOWEL INHERENT AQ/AA
            || (cp >= 0x180B && cp <= 0x180F)        // MONGOLIAN FREE VARIATION SELECTORS
            || cp == 0x3164 || cp == 0xFFA0          // HANGUL FILLER, HALFWIDTH HANGUL FILLER
            || (cp >= 0xFE00 && cp <= 0xFE0F)        // VARIATION SELECTORS
            || (cp >= 0xE0000 && cp <= 0xE0FFF);     // TAGS, VARIATION SELECTORS SUPPLEMENT
    }

    private static boolean isNoncharacter(int cp) {
        return (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE;
    }
}
