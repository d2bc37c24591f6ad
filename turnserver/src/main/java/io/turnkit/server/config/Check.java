package io.turnkit.server.config;

import java.time.Duration;

/**
 * The checks the settings' groups make of their values. Every message starts with coturn's name of the setting,
 * so a command line or a config file can show it as it is: "min-port: expected a port number 1-65535, got 0".
 */
final class Check {
    /** RFC 8489 §14.9 and §14.14: REALM and SOFTWARE are under 128 characters. */
    static final int MAX_TEXT_CHARACTERS = 127;

    private Check() {
    }

    static IllegalArgumentException wrong(String setting, String expected, Object got) {
        return new IllegalArgumentException(setting + ": expected " + expected + ", got " + got);
    }

    static <T> T required(String setting, T value, String expected) {
        if (value == null) {
            throw wrong(setting, expected, "none");
        }
        return value;
    }

    /** A port a listener binds; 0 lets the system pick a free one (tests). */
    static void listeningPort(String setting, int port) {
        if (port < 0 || port > 65535) {
            throw wrong(setting, "a port number 1-65535 (0: any free port)", port);
        }
    }

    /** A port a client is told or a relay socket takes: never 0. */
    static void port(String setting, int port) {
        if (port < 1 || port > 65535) {
            throw wrong(setting, "a port number 1-65535", port);
        }
    }

    static void notNegative(String setting, long value, String expected) {
        if (value < 0) {
            throw wrong(setting, expected + ", 0 or more", value);
        }
    }

    static void positive(String setting, int value, String expected) {
        if (value < 1) {
            throw wrong(setting, expected + ", 1 or more", value);
        }
    }

    /** A lifetime or a timeout, in whole seconds as every option gives them. */
    static void seconds(String setting, Duration duration) {
        if (duration == null || duration.toSeconds() < 1) {
            throw wrong(setting, "a duration of 1 second or more",
                    duration == null ? "none" : duration.toSeconds() + " s");
        }
    }

    /** Text of 1 to 127 characters, or null when {@code optional}. */
    static void text(String setting, String text, boolean optional) {
        if (text == null && optional) {
            return;
        }
        if (text == null || text.isEmpty() || text.codePointCount(0, text.length()) > MAX_TEXT_CHARACTERS) {
            throw wrong(setting, "1 to " + MAX_TEXT_CHARACTERS + " characters", text == null ? "none" : "'" + text + "'");
        }
    }

    /** A password or a secret: never shown in a message. */
    static void secret(String setting, String secret) {
        if (secret != null && secret.isEmpty()) {
            throw wrong(setting, "a non-empty value", "an empty one");
        }
    }
}
