package io.turnkit.cli.conf;

/**
 * One setting as it was given: the option, its raw value, and where it came from.
 *
 * @param option the option set
 * @param value the text after the option name, or null when there was none (a bare flag)
 * @param origin where the setting was written, for messages: {@code --min-port} or
 *     {@code turnserver.conf:12: min-port}
 */
public record ConfigEntry(ServeOption option, String value, String origin) {
}
