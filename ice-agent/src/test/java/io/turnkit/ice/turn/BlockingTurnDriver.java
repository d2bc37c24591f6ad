package io.turnkit.ice.turn;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import javax.net.SocketFactory;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.turnkit.ice.stun.StreamFrameReader;

/**
 * The smallest driver of a {@link TurnSession}: one blocking socket (UDP, or a TCP or TLS connection made by the
 * given factory), the session's clock {@link System#nanoTime()} plus an offset that {@link #skip} moves forward, so
 * that a test reaches refresh times in an instant, against a real server.
 */
final class BlockingTurnDriver implements AutoCloseable {
    private static final int MAX_DATAGRAM = 65_535;
    private static final int READ_CHUNK = 16 * 1024;

    private final TurnSession session;
    private final DatagramSocket datagrams;
    private final Socket stream;
    private final StreamFrameReader frames = new StreamFrameReader();
    private final DatagramPacket packet = new DatagramPacket(new byte[MAX_DATAGRAM], MAX_DATAGRAM);
    private final List<TurnEvent> events = new ArrayList<>();
    private long clockOffset;

    private BlockingTurnDriver(TurnSession session, DatagramSocket datagrams, Socket stream) {
        this.session = session;
        this.datagrams = datagrams;
        this.stream = stream;
    }

    /** A driver on a UDP socket bound to the loopback address. */
    static BlockingTurnDriver udp(TurnSession session) throws IOException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(session.server().getAddress(), 0));
        return new BlockingTurnDriver(session, socket, null);
    }

    /** A driver on a connection to the server that {@code factory} makes: TCP, or TLS with an SSL factory. */
    static BlockingTurnDriver stream(TurnSession session, SocketFactory factory) throws IOException {
        Socket socket = factory.createSocket(session.server().getAddress(), session.server().getPort());
        socket.setTcpNoDelay(true);
        return new BlockingTurnDriver(session, null, socket);
    }

    TurnSession session() {
        return session;
    }

    /** The session's clock. */
    long now() {
        return System.nanoTime() + clockOffset;
    }

    /** Moves the session's clock {@code duration} ahead, as if that much time had passed. */
    void skip(Duration duration) {
        clockOffset += duration.toNanos();
    }

    /**
     * Runs the session until it reports an event of {@code type}, which is returned (earlier events of other
     * types stay in {@link #events()}).
     *
     * @throws AssertionError after {@code timeout}, or when the session reports a failure first
     */
    <T extends TurnEvent> T await(Class<T> type, Duration timeout) throws IOException {
        TurnEvent[] found = new TurnEvent[1];
        runUntil(() -> {
            for (Iterator<TurnEvent> it = events.iterator(); it.hasNext();) {
                TurnEvent e = it.next();
                if (type.isInstance(e)) {
                    it.remove();
                    found[0] = e;
                    return true;
                }
            }
            return false;
        }, type.getSimpleName(), timeout);
        return type.cast(found[0]);
    }

    /**
     * Runs the session until no request is in flight: the next timer is a refresh, at least {@code horizon} away.
     */
    void awaitIdle(Duration horizon, Duration timeout) throws IOException {
        runUntil(() -> {
            OptionalLong timer = session.pollTimeout();
            return timer.isPresent() && timer.getAsLong() - now() > horizon.toNanos();
        }, "no request in flight", timeout);
    }

    /** Runs the session for {@code duration}: sends, receives and handles timers as they come. */
    void runFor(Duration duration) throws IOException {
        long end = System.nanoTime() + duration.toNanos();
        runUntil(() -> System.nanoTime() - end >= 0, "the end of " + duration, duration.plus(duration));
    }

    private void runUntil(BooleanSupplier done, String what, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            flush();
            for (TurnEvent e = session.pollEvent(); e != null; e = session.pollEvent()) {
                if (e instanceof TurnEvent.Failed || e instanceof TurnEvent.AlternateServer) {
                    throw new AssertionError("awaiting " + what + ", got " + e);
                }
                events.add(e);
            }
            if (done.getAsBoolean()) {
                return;
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                throw new AssertionError("not " + what + " in " + timeout + "; events " + events);
            }
            long wait = remaining;
            OptionalLong timer = session.pollTimeout();
            if (timer.isPresent()) {
                wait = Math.min(wait, timer.getAsLong() - now());
            }
            if (wait <= 0) {
                session.handleTimeout(now());
            } else {
                receive((int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(wait) + 1)));
            }
        }
    }

    /** The events reported and not yet returned by {@link #await}. */
    List<TurnEvent> events() {
        return events;
    }

    private void flush() throws IOException {
        for (Transmit t = session.pollTransmit(); t != null; t = session.pollTransmit()) {
            if (datagrams != null) {
                datagrams.send(new DatagramPacket(t.bytes(), t.bytes().length, t.destination()));
            } else {
                OutputStream out = stream.getOutputStream();
                out.write(t.bytes());
                out.flush();
            }
        }
    }

    private void receive(int timeoutMillis) throws IOException {
        try {
            if (datagrams != null) {
                datagrams.setSoTimeout(timeoutMillis);
                packet.setLength(MAX_DATAGRAM);
                datagrams.receive(packet);
                session.handleInput((InetSocketAddress) packet.getSocketAddress(),
                        Unpooled.wrappedBuffer(packet.getData(), 0, packet.getLength()), now());
                return;
            }
            stream.setSoTimeout(timeoutMillis);
            InputStream in = stream.getInputStream();
            if (frames.readFrom(in, READ_CHUNK) < 0) {
                throw new EOFException("the server closed the connection");
            }
            for (ByteBuf frame = frames.next(); frame != null; frame = frames.next()) {
                session.handleInput(session.server(), frame, now());
            }
        } catch (SocketTimeoutException e) {
            // A timer is due: the caller's loop handles it.
        }
    }

    @Override
    public void close() throws IOException {
        if (datagrams != null) {
            datagrams.close();
        } else {
            stream.close();
        }
    }
}
