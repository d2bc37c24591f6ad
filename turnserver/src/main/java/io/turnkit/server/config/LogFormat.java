package io.turnkit.server.config;

/** How log lines are written: for a person, or one JSON object a line for a log pipeline. */
public enum LogFormat {
    /** ISO-8601 timestamp, level and message. */
    TEXT,
    /** One JSON object per line. */
    JSON
}
