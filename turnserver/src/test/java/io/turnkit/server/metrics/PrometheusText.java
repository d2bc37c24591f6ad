package io.turnkit.server.metrics;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A scrape parsed by the rules of Prometheus' text exposition format 0.0.4: every line is a {@code # HELP},
 * a {@code # TYPE}, another comment, blank, or a sample {@code name{label="value",...} value [timestamp]}; a
 * family's TYPE comes once and before its samples, its samples stay together, and no sample repeats. A line
 * that breaks a rule fails the parse with its number. For tests, here and in the conformance tests.
 */
public final class PrometheusText {
    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");
    /** What a sample's name may add to its family's: a counter's total, a histogram's or summary's parts. */
    private static final String[] SUFFIXES = {"_total", "_created", "_sum", "_count", "_bucket"};

    private final Map<String, Double> samples;
    private final Map<String, String> types;

    private PrometheusText(Map<String, Double> samples, Map<String, String> types) {
        this.samples = samples;
        this.types = types;
    }

    /** @throws IllegalArgumentException naming the first line that breaks the format, and why */
    public static PrometheusText parse(String text) {
        Map<String, Double> samples = new HashMap<>();
        Map<String, String> types = new HashMap<>();
        Set<String> closedFamilies = new HashSet<>();
        String family = null;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int number = i + 1;
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("#")) {
                String[] words = line.split("[ \t]+", 4);
                if (words.length >= 3 && (words[1].equals("HELP") || words[1].equals("TYPE"))) {
                    check(METRIC_NAME.matcher(words[2]).matches(), number, "bad metric name in " + line);
                    if (words[1].equals("TYPE")) {
                        check(words.length == 4 && TYPES.contains(words[3].strip()), number, "bad type in " + line);
                        check(types.put(words[2], words[3].strip()) == null, number, "second TYPE for " + words[2]);
                        check(!closedFamilies.contains(words[2]) && !words[2].equals(family), number,
                                "TYPE after samples of " + words[2]);
                    }
                }
                continue;
            }
            Sample sample = Sample.parse(line, number);
            String sampleFamily = familyOf(sample.name, types);
            if (!sampleFamily.equals(family)) {
                check(!closedFamilies.contains(sampleFamily), number, "samples of " + sampleFamily + " apart");
                if (family != null) {
                    closedFamilies.add(family);
                }
                family = sampleFamily;
            }
            check(samples.put(sample.key(), sample.value) == null, number, "repeated sample " + sample.key());
        }
        return new PrometheusText(samples, types);
    }

    private static String familyOf(String name, Map<String, String> types) {
        if (types.containsKey(name)) {
            return name;
        }
        for (String suffix : SUFFIXES) {
            if (name.endsWith(suffix) && types.containsKey(name.substring(0, name.length() - suffix.length()))) {
                return name.substring(0, name.length() - suffix.length());
            }
        }
        return name;
    }

    private static void check(boolean rule, int line, String problem) {
        if (!rule) {
            throw new IllegalArgumentException("line " + line + ": " + problem);
        }
    }

    /** The value of the sample {@code name} with exactly these labels ({@code "k", "v", ...}), or null. */
    public Double value(String name, String... labels) {
        Map<String, String> sorted = new TreeMap<>();
        for (int i = 0; i + 1 < labels.length; i += 2) {
            sorted.put(labels[i], labels[i + 1]);
        }
        return samples.get(key(name, sorted));
    }

    /** As {@link #value}, with 0 for a sample not there. */
    public double valueOrZero(String name, String... labels) {
        Double value = value(name, labels);
        return value == null ? 0 : value;
    }

    /** A scrape, parsed. */
    public interface Scrape {
        PrometheusText get() throws IOException, InterruptedException;
    }

    /**
     * Scrapes until {@code condition} holds, and returns that scrape, or the last one after {@code wait}: the
     * counts of event loops reach a scrape soon after what they count, not at once.
     */
    public static PrometheusText until(Scrape scrape, Predicate<PrometheusText> condition, Duration wait)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        PrometheusText text = scrape.get();
        while (!condition.test(text) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            text = scrape.get();
        }
        return text;
    }

    /**
     * How much the sample grew since {@code before} (where a sample not yet there counts 0).
     *
     * @throws IllegalStateException when this scrape has no such sample
     */
    public double increase(PrometheusText before, String name, String... labels) {
        Double now = value(name, labels);
        if (now == null) {
            throw new IllegalStateException("no sample " + name + " " + String.join(",", labels));
        }
        return now - before.valueOrZero(name, labels);
    }

    /** Whether any sample is named {@code name}, whatever its labels. */
    public boolean has(String name) {
        return samples.keySet().stream().anyMatch(key -> key.startsWith(name + "{"));
    }

    /** The TYPE given for a family, or null. */
    public String type(String family) {
        return types.get(family);
    }

    public int size() {
        return samples.size();
    }

    private static String key(String name, Map<String, String> labels) {
        StringBuilder key = new StringBuilder(name).append('{');
        labels.forEach((k, v) -> key.append(k).append("=\"").append(v).append("\","));
        return key.append('}').toString();
    }

    private record Sample(String name, Map<String, String> labels, double value) {
        String key() {
            return PrometheusText.key(name, labels);
        }

        static Sample parse(String line, int number) {
            int i = 0;
            while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ' && line.charAt(i) != '\t') {
                i++;
            }
            String name = line.substring(0, i);
            check(METRIC_NAME.matcher(name).matches(), number, "bad metric name '" + name + "'");
            Map<String, String> labels = new TreeMap<>();
            if (i < line.length() && line.charAt(i) == '{') {
                i++;
                while (true) {
                    check(i < line.length(), number, "labels not closed");
                    if (line.charAt(i) == '}') {
                        break;
                    }
                    int equals = line.indexOf('=', i);
                    check(equals > i, number, "label without '='");
                    String label = line.substring(i, equals).strip();
                    check(LABEL_NAME.matcher(label).matches(), number, "bad label name '" + label + "'");
                    i = equals + 1;
                    check(i < line.length() && line.charAt(i) == '"', number, "label value not quoted");
                    StringBuilder value = new StringBuilder();
                    for (i++;; i++) {
                        check(i < line.length(), number, "label value not closed");
                        char c = line.charAt(i);
                        if (c == '"') {
                            break;
                        }
                        if (c == '\\') {
                            i++;
                            check(i < line.length(), number, "escape at the end");
                            char escaped = line.charAt(i);
                            check(escaped == '\\' || escaped == '"' || escaped == 'n', number,
                                    "bad escape \\" + escaped);
                            value.append(escaped == 'n' ? '\n' : escaped);
                        } else {
                            value.append(c);
                        }
                    }
                    check(labels.put(label, value.toString()) == null, number, "label " + label + " twice");
                    i++;
                    check(i < line.length(), number, "labels not closed");
                    if (line.charAt(i) == ',') {
                        i++;
                    } else {
                        check(line.charAt(i) == '}', number, "expected ',' or '}' after a label");
                    }
                }
                i++;
            }
            String[] rest = line.substring(i).strip().split("[ \t]+");
            check(i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t'), number,
                    "no space before the value");
            check(rest.length == 1 || rest.length == 2, number, "expected a value and maybe a timestamp");
            if (rest.length == 2) {
                check(rest[1].matches("-?[0-9]+"), number, "bad timestamp " + rest[1]);
            }
            return new Sample(name, labels, number(rest[0], number));
        }

        private static double number(String text, int line) {
            switch (text) {
                case "NaN":
                    return Double.NaN;
                case "+Inf":
                    return Double.POSITIVE_INFINITY;
                case "-Inf":
                    return Double.NEGATIVE_INFINITY;
                default:
                    check(text.matches("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?"), line,
                            "bad value " + text);
                    return Double.parseDouble(text);
            }
        }
    }
}
