package io.turnkit.cli;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signals a service manager sends serve. SIGTERM and SIGINT close the server and leave the signal's name as
 * the reason for the stop line. SIGHUP asks coturn to reload; turnkit cannot reload yet, and a reload request
 * must never become an outage ({@code systemctl reload}), so it logs that and keeps serving.
 *
 * <p>The JDK's only way to handle a signal is {@code sun.misc.Signal} (module jdk.unsupported, on every JDK
 * turnkit runs on); it is reached by reflection because the build treats javac's warning about it as an error.
 */
final class StopSignals implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StopSignals.class);

    private final List<Object> signals = new ArrayList<>();
    private final List<Object> previous = new ArrayList<>();
    private String reason;
    private ServeCommand.Running server;

    private StopSignals() {
    }

    /**
     * Handles SIGTERM, SIGINT and SIGHUP until {@link #close()}; a SIGTERM or SIGINT before {@link #stop} names
     * the server stops it as soon as it is named.
     */
    static StopSignals install() {
        StopSignals handlers = new StopSignals();
        for (String name : List.of("TERM", "INT")) {
            handlers.handle(name, () -> handlers.stopBecause("SIG" + name));
        }
        handlers.handle("HUP", () -> LOG.info("SIGHUP: reloading the configuration is not supported yet; "
                + "still serving with the settings it started with"));
        return handlers;
    }

    private void handle(String name, Runnable action) {
        try {
            Class<?> signalType = Class.forName("sun.misc.Signal");
            Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
            Object signal = signalType.getConstructor(String.class).newInstance(name);
            Object handler = Proxy.newProxyInstance(handlerType.getClassLoader(), new Class<?>[] {handlerType},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "handle" -> {
                            action.run();
                            yield null;
                        }
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        default -> "SIG" + name + " handler";
                    });
            previous.add(handleMethod().invoke(null, signal, handler));
            signals.add(signal);
        } catch (ReflectiveOperationException | IllegalArgumentException unavailable) {
            // The JVM keeps this signal (-Xrs, or a system without it): the shutdown hook still stops the server.
            LOG.debug("cannot handle SIG{}: {}", name, unavailable);
        }
    }

    private static Method handleMethod() throws ReflectiveOperationException {
        Class<?> signalType = Class.forName("sun.misc.Signal");
        return signalType.getMethod("handle", signalType, Class.forName("sun.misc.SignalHandler"));
    }

    /** The server SIGTERM and SIGINT stop; closed at once if one of them came already. */
    synchronized void stop(ServeCommand.Running running) {
        server = running;
        if (reason != null) {
            server.close();
        }
    }

    private synchronized void stopBecause(String signal) {
        reason = signal;
        if (server != null) {
            server.close();
        }
    }

    /** The signal that stopped the server, or null when none did. */
    synchronized String reason() {
        return reason;
    }

    /** Gives the signals back to the handlers they had before. */
    @Override
    public void close() {
        for (int i = 0; i < signals.size(); i++) {
            try {
                handleMethod().invoke(null, signals.get(i), previous.get(i));
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.debug("cannot restore a signal handler: {}", e.toString());
            }
        }
    }
}
