package io.turnkit.cli;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signals a service manager and an operator send serve. SIGTERM and SIGINT close the server and leave the
 * signal's name as the reason for the stop line. SIGHUP ({@code systemctl reload}) reloads the settings, as in
 * coturn; a reload that fails is logged and never becomes an outage. SIGUSR1 drains the server: no new
 * allocations, and a stop once the last one has ended (SIGUSR2 is the JVM's own).
 *
 * <p>The JDK's only way to handle a signal is {@code sun.misc.Signal} (module jdk.unsupported, on every JDK
 * turnkit runs on); it is reached by reflection because the build treats javac's warning about it as an error.
 */
final class StopSignals implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StopSignals.class);

    private final List<Object> signals = new ArrayList<>();
    private final List<Object> previous = new ArrayList<>();
    private String reason;
    private boolean drain;
    private ServeCommand.Running server;
    private Runnable reload;

    private StopSignals() {
    }

    /**
     * Handles SIGTERM, SIGINT, SIGHUP and SIGUSR1 until {@link #close()}; a SIGTERM, SIGINT or SIGUSR1 before
     * {@link #stop} names the server acts on it as soon as it is named; a SIGHUP before then has nothing to reload.
     */
    static StopSignals install() {
        StopSignals handlers = new StopSignals();
        for (String name : List.of("TERM", "INT")) {
            handlers.handle(name, () -> handlers.stopBecause("SIG" + name));
        }
        handlers.handle("HUP", handlers::reload);
        handlers.handle("USR1", handlers::drain);
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

    /**
     * The server SIGTERM and SIGINT stop and SIGUSR1 drains, acted on at once for a signal that came already;
     * {@code reloader} is what SIGHUP runs.
     */
    synchronized void stop(ServeCommand.Running running, Runnable reloader) {
        server = running;
        reload = reloader;
        if (reason != null) {
            server.close();
        } else if (drain) {
            server.drain();
        }
    }

    private void reload() {
        Runnable reloader;
        synchronized (this) {
            reloader = reload;
        }
        if (reloader == null) {
            LOG.info("SIGHUP before the server started: nothing to reload");
            return;
        }
        // Outside the lock: a reload reads files, and a SIGTERM meanwhile must still stop the server at once.
        reloader.run();
    }

    private synchronized void drain() {
        drain = true;
        if (server != null) {
            server.drain();
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
