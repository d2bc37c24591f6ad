package io.turnkit.server.config;

import java.nio.file.Path;

/**
 * Where the process writes its log lines, in which form and how much, and its pid file.
 *
 * @param verbose     {@code verbose}: debug logging, and stack traces with errors
 * @param logFile     {@code log-file}: a file to log to, or coturn's words {@code stdout} and {@code syslog}; null
 *                    logs to stderr only
 * @param simpleLog   {@code simple-log}: write the log file under its name as given, without a daily rollover
 * @param syslog      {@code syslog}: log to the local syslog as well
 * @param noStdoutLog {@code no-stdout-log}: no log lines on the console (stdout or stderr)
 * @param logFormat   {@code log-format}: lines for a person or JSON for a log pipeline
 * @param pidfile     {@code pidfile}: the file the process writes its id to while it runs, or null for none
 */
public record Logging(boolean verbose, String logFile, boolean simpleLog, boolean syslog, boolean noStdoutLog,
        LogFormat logFormat, Path pidfile) {
    /** @throws IllegalArgumentException when the settings leave nowhere to log */
    public Logging {
        Check.required("log-format", logFormat, "text or json");
        if (noStdoutLog && logFile == null && !syslog) {
            throw new IllegalArgumentException("no-stdout-log without log-file or syslog leaves nowhere to log");
        }
    }

    /** Collects the log settings. */
    public static final class Builder {
        private boolean verbose;
        private String logFile;
        private boolean simpleLog;
        private boolean syslog;
        private boolean noStdoutLog;
        private LogFormat logFormat = LogFormat.TEXT;
        private Path pidfile;

        Builder() {
        }

        public Builder verbose(boolean on) {
            verbose = on;
            return this;
        }

        /** The log file, or {@code stdout} or {@code syslog}; null or empty logs to stderr only. */
        public Builder logFile(String file) {
            logFile = file == null || file.isEmpty() ? null : file;
            return this;
        }

        public Builder simpleLog(boolean on) {
            simpleLog = on;
            return this;
        }

        public Builder syslog(boolean on) {
            syslog = on;
            return this;
        }

        public Builder noStdoutLog(boolean on) {
            noStdoutLog = on;
            return this;
        }

        public Builder logFormat(LogFormat format) {
            logFormat = format;
            return this;
        }

        /** The pid file; null or coturn's empty value ({@code --pidfile=}) writes none. */
        public Builder pidfile(Path file) {
            pidfile = file == null || file.toString().isEmpty() ? null : file;
            return this;
        }

        public Logging build() {
            return new Logging(verbose, logFile, simpleLog, syslog, noStdoutLog, logFormat, pidfile);
        }
    }
}
