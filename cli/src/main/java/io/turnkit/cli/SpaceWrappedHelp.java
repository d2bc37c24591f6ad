package io.turnkit.cli;

import java.util.ArrayList;
import java.util.List;

import picocli.CommandLine.Help;
import picocli.CommandLine.Help.Ansi.Text;
import picocli.CommandLine.Help.ColorScheme;
import picocli.CommandLine.Help.IOptionRenderer;
import picocli.CommandLine.Help.IParameterRenderer;
import picocli.CommandLine.IHelpFactory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * Help whose option and parameter descriptions wrap at spaces only. picocli wraps a line that overflows at any
 * break the JDK's line BreakIterator allows, which includes after {@code /}, {@code :} and {@code .}: a default
 * of {@code ~/.local/share/turnkit/userdb} came out as {@code ~/.} and {@code local/share/…} on two lines, which
 * no one can copy. Lines broken here before picocli sees them fit its column, so it leaves them alone.
 */
final class SpaceWrappedHelp implements IHelpFactory {
    /** picocli's columns left of the description: indent, short name, comma, long name (its width + 4). */
    private static final int NAME_COLUMNS = 2 + 2 + 1 + 4;
    /** picocli indents a description's wrapped lines by two. */
    private static final int CONTINUATION_INDENT = 2;

    @Override
    public Help create(CommandSpec spec, ColorScheme colorScheme) {
        UsageMessageSpec usage = spec.usageMessage();
        int width = usage.width() - NAME_COLUMNS - usage.longOptionsMaxWidth() - CONTINUATION_INDENT;
        return new Help(spec, colorScheme) {
            @Override
            public IOptionRenderer createDefaultOptionRenderer() {
                IOptionRenderer renderer = super.createDefaultOptionRenderer();
                return (option, labels, scheme) -> wrap(renderer.render(option, labels, scheme), width, scheme);
            }

            @Override
            public IParameterRenderer createDefaultParameterRenderer() {
                IParameterRenderer renderer = super.createDefaultParameterRenderer();
                return (parameter, labels, scheme) -> wrap(renderer.render(parameter, labels, scheme), width, scheme);
            }
        };
    }

    /** The rows with each description (the last column) cut at spaces into lines of at most {@code width}. */
    static Text[][] wrap(Text[][] rows, int width, ColorScheme scheme) {
        List<Text[]> wrapped = new ArrayList<>();
        for (Text[] row : rows) {
            List<String> lines = lines(row[row.length - 1].plainString(), width);
            for (int i = 0; i < lines.size(); i++) {
                Text[] line = new Text[row.length];
                for (int column = 0; column < row.length - 1; column++) {
                    line[column] = i == 0 ? row[column] : scheme.text("");
                }
                // The hanging indent picocli gives the lines it wraps itself.
                line[row.length - 1] = scheme.text((i == 0 ? "" : " ".repeat(CONTINUATION_INDENT)) + lines.get(i));
                wrapped.add(line);
            }
        }
        return wrapped.toArray(Text[][]::new);
    }

    /** {@code text} in lines of at most {@code width}, broken at spaces; a longer word has a line of its own. */
    static List<String> lines(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            line.append(line.length() > 0 ? " " : "").append(word);
        }
        lines.add(line.toString());
        return lines;
    }
}
