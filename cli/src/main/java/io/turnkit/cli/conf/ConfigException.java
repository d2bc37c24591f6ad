package io.turnkit.cli.conf;

/**
 * A configuration turnkit cannot run with: a bad value, an unknown option in a file, or settings that do
 * not fit together. The message is one line that names where the setting came from ({@code --min-port},
 * {@code turnserver.conf:12}) and what was expected.
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
