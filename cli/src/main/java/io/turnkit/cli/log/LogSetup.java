package io.turnkit.cli.log;

import java.nio.file.Path;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.net.SyslogAppender;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.TimeBasedRollingPolicy;
import ch.qos.logback.core.spi.ContextAwareBase;
import io.turnkit.server.config.LogFormat;
import io.turnkit.server.config.ServerConfig;

/**
 * Where turnkit's log lines go and how they look, on Logback. Logback finds this class through its
 * {@link Configurator} service before the first logger exists, whichever code asks first (an address
 * parser touches Netty, which makes a logger), so the defaults hold from the first line: ISO-8601 time,
 * level and message on stderr, info and above. {@link #apply} then sets what serve's options ask for; it
 * rebuilds everything, so a level given late ({@code --verbose} after {@code -L}) still counts.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {
    /** Where the local syslog daemon takes RFC 3164 lines over UDP (rsyslog's and syslog-ng's port). */
    static final int SYSLOG_PORT = 514;
    private static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %msg%n";

    /** What the options ask of the log. */
    record Settings(boolean verbose, String logFile, boolean simpleLog, boolean syslog, boolean noStdoutLog,
            LogFormat format, int syslogPort) {
        static final Settings DEFAULT = new Settings(false, null, false, false, false, LogFormat.TEXT, SYSLOG_PORT);

        static Settings of(ServerConfig config) {
            return new Settings(config.logging().verbose(), config.logging().logFile(), config.logging().simpleLog(), config.logging().syslog(),
                    config.logging().noStdoutLog(), config.logging().logFormat(), SYSLOG_PORT);
        }
    }

    /** Logback's service entry: the defaults, before anything logs. */
    @Override
    public ExecutionStatus configure(LoggerContext context) {
        configure(context, Settings.DEFAULT);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** Logs as serve's settings say: level, console or not, log file, syslog, text or JSON. */
    public static void apply(ServerConfig config) {
        apply(Settings.of(config));
    }

    /** Back to the defaults: stderr, info and above, text. */
    public static void applyDefaults() {
        apply(Settings.DEFAULT);
    }

    static void apply(Settings settings) {
        configure((LoggerContext) LoggerFactory.getILoggerFactory(), settings);
    }

    private static void configure(LoggerContext context, Settings settings) {
        context.reset();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(settings.verbose() ? Level.DEBUG : Level.INFO);
        // Netty and Lettuce report their own retries and internals; turnkit says what matters to an operator.
        context.getLogger("io.netty").setLevel(Level.WARN);
        context.getLogger("io.lettuce").setLevel(Level.ERROR);
        context.getLogger("reactor").setLevel(Level.ERROR);
        String file = settings.logFile();
        boolean toStdout = "stdout".equals(file);
        boolean toSyslog = settings.syslog() || "syslog".equals(file);
        if (!settings.noStdoutLog()) {
            root.addAppender(console(context, settings.format(), toStdout));
        }
        if (file != null && !toStdout && !"syslog".equals(file)) {
            root.addAppender(settings.simpleLog() ? file(context, settings.format(), file)
                    : dailyFile(context, settings.format(), file));
        }
        if (toSyslog) {
            root.addAppender(syslog(context, settings.syslogPort()));
        }
    }

    private static Appender<ILoggingEvent> console(LoggerContext context, LogFormat format, boolean stdout) {
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("console");
        console.setTarget(stdout ? "System.out" : "System.err");
        console.setEncoder(encoder(context, format));
        console.start();
        return console;
    }

    private static Appender<ILoggingEvent> file(LoggerContext context, LogFormat format, String file) {
        FileAppender<ILoggingEvent> appender = new FileAppender<>();
        appender.setContext(context);
        appender.setName("file");
        appender.setFile(file);
        appender.setEncoder(encoder(context, format));
        appender.start();
        return appender;
    }

    /** coturn puts the date in the file's name and starts a new file each day; so does turnkit. */
    private static Appender<ILoggingEvent> dailyFile(LoggerContext context, LogFormat format, String file) {
        RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
        appender.setContext(context);
        appender.setName("file");
        TimeBasedRollingPolicy<ILoggingEvent> policy = new TimeBasedRollingPolicy<>();
        policy.setContext(context);
        policy.setParent(appender);
        policy.setFileNamePattern(datedName(file));
        policy.start();
        appender.setRollingPolicy(policy);
        appender.setEncoder(encoder(context, format));
        appender.start();
        return appender;
    }

    /** {@code /var/log/turn.log} becomes {@code /var/log/turn-%d{yyyy-MM-dd}.log}: the date before the extension. */
    static String datedName(String file) {
        String name = Path.of(file).getFileName().toString();
        int dot = name.lastIndexOf('.');
        int at = dot > 0 ? file.length() - name.length() + dot : file.length();
        return file.substring(0, at) + "-%d{yyyy-MM-dd}" + file.substring(at);
    }

    private static Appender<ILoggingEvent> syslog(LoggerContext context, int port) {
        SyslogAppender syslog = new SyslogAppender();
        syslog.setContext(context);
        syslog.setName("syslog");
        syslog.setSyslogHost("localhost");
        syslog.setPort(port);
        syslog.setFacility("USER");
        syslog.setSuffixPattern("turnkit: %msg");
        syslog.start();
        return syslog;
    }

    private static Encoder<ILoggingEvent> encoder(LoggerContext context, LogFormat format) {
        if (format == LogFormat.JSON) {
            JsonEncoder json = new JsonEncoder();
            json.setContext(context);
            json.start();
            return json;
        }
        PatternLayoutEncoder pattern = new PatternLayoutEncoder();
        pattern.setContext(context);
        pattern.setPattern(PATTERN);
        pattern.start();
        return pattern;
    }
}
