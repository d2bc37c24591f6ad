package io.turnkit.store.credential;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * An ordered, editable list of credential records, and their text form (version 1):
 *
 * <pre>
 * turnkit-credentials 1
 * # blank lines and lines starting with '#' are kept as they are
 * user &lt;realm&gt; &lt;username&gt; [md5=&lt;32 hex&gt;] [sha256=&lt;64 hex&gt;] added=&lt;ISO-8601 instant&gt;
 * secret &lt;realm&gt; &lt;secret&gt; added=&lt;ISO-8601 instant&gt;
 * </pre>
 *
 * UTF-8, one record per line, fields separated by spaces or tabs. Realm, username and secret are percent-encoded
 * ({@code %20} for a space) when they contain '%', white space or control characters. A user needs at least one
 * key; {@code md5} is coturn's key format, so coturn users can be imported as they are. The header names the
 * format version: a file of another version is refused rather than misread.
 */
final class CredentialRecords {
    static final String HEADER = "turnkit-credentials 1";
    private static final String HEADER_PREFIX = "turnkit-credentials ";
    private static final String USER = "user";
    private static final String SECRET = "secret";
    private static final HexFormat HEX = HexFormat.of();
    private static final HexFormat ESCAPE_HEX = HexFormat.of().withUpperCase();

    private sealed interface Line permits UserLine, SecretLine, TextLine {
    }

    private record UserLine(UserKeys keys) implements Line {
        boolean names(String realm, String username) {
            return keys.realm().equals(realm) && keys.username().equals(username);
        }
    }

    private record SecretLine(SecretEntry entry) implements Line {
    }

    /** A comment or blank line, kept so that a hand-edited file keeps its notes across writes. */
    private record TextLine(String text) implements Line {
    }

    private final List<Line> lines;

    private CredentialRecords(List<Line> lines) {
        this.lines = lines;
    }

    static CredentialRecords empty() {
        return new CredentialRecords(new ArrayList<>());
    }

    /** Reads {@code path}; a missing file is an empty store. */
    static CredentialRecords read(Path path) throws IOException {
        List<String> text;
        try {
            text = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException missing) {
            return empty();
        }
        return parse(path.toString(), text);
    }

    /**
     * Parses the text form; {@code source} names the file in errors, which say {@code source:line: problem}. Any
     * line that is not understood fails the whole parse: dropping it could lock a user out without a word.
     */
    static CredentialRecords parse(String source, List<String> text) throws IOException {
        List<Line> lines = new ArrayList<>(text.size());
        Set<List<String>> seen = new HashSet<>();
        boolean header = false;
        for (int i = 0; i < text.size(); i++) {
            String line = i == 0 ? stripByteOrderMark(text.get(i)) : text.get(i);
            String trimmed = line.strip();
            try {
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    lines.add(new TextLine(line));
                } else if (!header) {
                    checkHeader(trimmed);
                    header = true;
                } else {
                    Line record = parseRecord(trimmed.split("[ \t]+"));
                    if (!seen.add(identity(record))) {
                        throw new IllegalArgumentException("duplicate " + trimmed.split("[ \t]+", 2)[0]);
                    }
                    lines.add(record);
                }
            } catch (IllegalArgumentException | DateTimeParseException e) {
                throw new IOException(source + ":" + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return new CredentialRecords(lines);
    }

    /** The text form, header first, ending with a newline. */
    String format() {
        StringBuilder out = new StringBuilder(HEADER).append('\n');
        for (Line line : lines) {
            if (line instanceof UserLine user) {
                formatUser(out, user.keys());
            } else if (line instanceof SecretLine secret) {
                SecretEntry entry = secret.entry();
                out.append(SECRET).append(' ').append(encode(entry.realm())).append(' ')
                        .append(encode(entry.secret())).append(" added=").append(entry.added());
            } else {
                out.append(((TextLine) line).text());
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** Adds the user unless the realm has one of that name; false then, and nothing changes. */
    boolean addUser(UserKeys keys) {
        for (Object line : lines) {
            if (line instanceof UserLine user && user.names(keys.realm(), keys.username())) {
                return false;
            }
        }
        lines.add(new UserLine(keys));
        return true;
    }

    /** Adds the user, or replaces the line of the user with the same realm and username where it stands. */
    void putUser(UserKeys keys) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i) instanceof UserLine user && user.names(keys.realm(), keys.username())) {
                lines.set(i, new UserLine(keys));
                return;
            }
        }
        lines.add(new UserLine(keys));
    }

    boolean deleteUser(String realm, String username) {
        return lines.removeIf(line -> line instanceof UserLine user && user.names(realm, username));
    }

    /** Adds the secret unless the realm has it already; true when added. */
    boolean addSecret(SecretEntry entry) {
        if (lines.stream().anyMatch(isSecret(entry.realm(), entry.secret()))) {
            return false;
        }
        lines.add(new SecretLine(entry));
        return true;
    }

    boolean deleteSecret(String realm, String secret) {
        return lines.removeIf(isSecret(realm, secret));
    }

    CredentialSnapshot snapshot() {
        List<UserKeys> users = new ArrayList<>();
        List<SecretEntry> secrets = new ArrayList<>();
        for (Line line : lines) {
            if (line instanceof UserLine user) {
                users.add(user.keys());
            } else if (line instanceof SecretLine secret) {
                secrets.add(secret.entry());
            }
        }
        return CredentialSnapshot.of(users, secrets);
    }

    private static Predicate<Line> isSecret(String realm, String secret) {
        return line -> line instanceof SecretLine s && s.entry().sameAs(realm, secret);
    }

    private static void checkHeader(String line) {
        if (!line.startsWith(HEADER_PREFIX)) {
            throw new IllegalArgumentException("expected the header '" + HEADER + "', found '" + line + "'");
        }
        if (!line.equals(HEADER)) {
            throw new IllegalArgumentException("unsupported format '" + line + "' (this version reads '"
                    + HEADER + "')");
        }
    }

    private static Line parseRecord(String[] fields) {
        if (fields.length < 3) {
            throw new IllegalArgumentException("expected '" + fields[0] + " <realm> <name> ...'");
        }
        String realm = decode(fields[1]);
        String name = decode(fields[2]);
        byte[] md5 = null;
        byte[] sha256 = null;
        Instant added = null;
        boolean isUser = fields[0].equals(USER);
        if (!isUser && !fields[0].equals(SECRET)) {
            throw new IllegalArgumentException("unknown record '" + fields[0] + "'");
        }
        Set<String> names = new HashSet<>();
        for (int i = 3; i < fields.length; i++) {
            int equals = fields[i].indexOf('=');
            String key = equals < 0 ? fields[i] : fields[i].substring(0, equals);
            String value = fields[i].substring(equals + 1);
            if (equals < 0 || !names.add(key)) {
                throw new IllegalArgumentException("expected one 'name=value' per field, found '" + fields[i] + "'");
            }
            switch (key) {
                case "added" -> added = Instant.parse(value);
                case "md5" -> md5 = isUser ? HEX.parseHex(value) : unknownField(key);
                case "sha256" -> sha256 = isUser ? HEX.parseHex(value) : unknownField(key);
                default -> unknownField(key);
            }
        }
        if (added == null) {
            throw new IllegalArgumentException("missing added=<ISO-8601 instant>");
        }
        return isUser
                ? new UserLine(new UserKeys(realm, name, md5, sha256, added))
                : new SecretLine(new SecretEntry(realm, name, added));
    }

    private static byte[] unknownField(String key) {
        throw new IllegalArgumentException("unknown field '" + key + "'");
    }

    /** What makes two records the same entry: kind, realm and name. */
    private static List<String> identity(Line record) {
        return record instanceof UserLine user
                ? List.of(USER, user.keys().realm(), user.keys().username())
                : List.of(SECRET, ((SecretLine) record).entry().realm(), ((SecretLine) record).entry().secret());
    }

    private static void formatUser(StringBuilder out, UserKeys keys) {
        out.append(USER).append(' ').append(encode(keys.realm())).append(' ').append(encode(keys.username()));
        if (keys.md5Key() != null) {
            out.append(" md5=").append(HEX.formatHex(keys.md5Key()));
        }
        if (keys.sha256Key() != null) {
            out.append(" sha256=").append(HEX.formatHex(keys.sha256Key()));
        }
        out.append(" added=").append(keys.added());
    }

    private static String stripByteOrderMark(String line) {
        return line.startsWith("\uFEFF") ? line.substring(1) : line;
    }

    /** Percent-encodes the UTF-8 bytes of '%', white space and control characters; the rest stays readable. */
    static String encode(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); ) {
            int codePoint = value.codePointAt(i);
            int next = i + Character.charCount(codePoint);
            if (codePoint == '%' || Character.isWhitespace(codePoint) || Character.isISOControl(codePoint)
                    || Character.isSpaceChar(codePoint)) {
                for (byte b : value.substring(i, next).getBytes(StandardCharsets.UTF_8)) {
                    out.append('%').append(ESCAPE_HEX.toHexDigits(b));
                }
            } else {
                out.appendCodePoint(codePoint);
            }
            i = next;
        }
        return out.toString();
    }

    /** Reverses {@link #encode}; refuses a broken escape or bytes that are not UTF-8. */
    static String decode(String value) {
        if (value.indexOf('%') < 0) {
            return value;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != '%') {
                int end = Character.isHighSurrogate(c) && i + 1 < value.length() ? i + 2 : i + 1;
                bytes.writeBytes(value.substring(i, end).getBytes(StandardCharsets.UTF_8));
                i = end - 1;
            } else if (i + 2 < value.length() && HexFormat.isHexDigit(value.charAt(i + 1))
                    && HexFormat.isHexDigit(value.charAt(i + 2))) {
                bytes.write(HexFormat.fromHexDigits(value, i + 1, i + 3));
                i += 2;
            } else {
                throw new IllegalArgumentException("broken percent escape in '" + value + "'");
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("percent escapes are not UTF-8 in '" + value + "'", e);
        }
    }
}
