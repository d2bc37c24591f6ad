package io.turnkit.cli.conf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A coturn-style {@code turnserver.conf}: one option per line, named as on the command line without the
 * dashes (which may be kept), and separated from its value by {@code =}, spaces or tabs, as coturn reads
 * it. A bare name turns a flag on; a value in double quotes loses the quotes. Lines starting with
 * {@code #} and blank lines are skipped. A {@code #} later in a line is part of the value: passwords and
 * secrets may hold one.
 *
 * <pre>
 * listening-port=3478
 * realm example.org
 * --lt-cred-mech
 * user="alice:wonder land"
 * </pre>
 *
 * Options coturn has and turnkit safely ignores ({@link UnsupportedOption}) become warnings; a refused one, or
 * a name coturn does not have either, is an error naming the file and line.
 */
public final class ConfigFile {
    private final List<ConfigEntry> entries;
    private final List<String> warnings;

    private ConfigFile(List<ConfigEntry> entries, List<String> warnings) {
        this.entries = List.copyOf(entries);
        this.warnings = List.copyOf(warnings);
    }

    /**
     * Reads and parses {@code file}.
     *
     * @throws IOException when the file cannot be read
     * @throws ConfigException at the first line naming an option turnkit does not know
     */
    public static ConfigFile read(Path file) throws IOException, ConfigException {
        return parse(file.toString(), Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    /**
     * Parses the lines of a file called {@code name} (the name only goes into messages).
     *
     * @throws ConfigException at the first line naming an option turnkit does not know
     */
    public static ConfigFile parse(String name, List<String> lines) throws ConfigException {
        List<ConfigEntry> entries = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = name + ":" + (i + 1);
            String key = line.startsWith("--") ? line.substring(2) : line;
            int end = endOfName(key);
            String value = unquote(skipSeparators(key, end));
            key = key.substring(0, end);
            ServeOption option = ServeOption.forFileKey(key);
            UnsupportedOption unsupported = option == null ? UnsupportedOption.forFileKey(key) : null;
            if (option != null) {
                entries.add(new ConfigEntry(option, value, where + ": " + key));
            } else if (unsupported != null && unsupported.refused()) {
                throw new ConfigException(where + ": " + unsupported.message(key));
            } else if (unsupported != null) {
                warnings.add(where + ": " + unsupported.message(key));
            } else {
                throw new ConfigException(where + ": unknown option '" + key
                        + "' (turnkit serve --help lists the options)");
            }
        }
        return new ConfigFile(entries, warnings);
    }

    /** The settings, in file order. */
    public List<ConfigEntry> entries() {
        return entries;
    }

    /** One line per ignored option, naming file and line. */
    public List<String> warnings() {
        return warnings;
    }

    private static boolean isSeparator(char c) {
        return c == '=' || c == ' ' || c == '\t';
    }

    private static int endOfName(String line) {
        int end = 0;
        while (end < line.length() && !isSeparator(line.charAt(end))) {
            end++;
        }
        return end;
    }

    /** coturn skips any run of {@code =}, spaces and tabs between name and value. */
    private static String skipSeparators(String line, int from) {
        int start = from;
        while (start < line.length() && isSeparator(line.charAt(start))) {
            start++;
        }
        return line.substring(start);
    }

    /** The value without surrounding double quotes, or null when the line has no value. */
    private static String unquote(String value) {
        String unquoted = value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1) : value;
        return unquoted.isEmpty() ? null : unquoted;
    }
}
