package io.turnkit.ice.driver;

import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import io.turnkit.ice.agent.IceConfig;
import io.turnkit.ice.agent.IceConnectionState;
import io.turnkit.ice.agent.IceEvent;
import io.turnkit.ice.sdp.CandidateSdp;
import io.turnkit.ice.sdp.IceDescription;

/**
 * A blocking facade over one {@link DrivenAgent}, for clients that want a few calls and no callbacks: take the
 * local description's lines, give the peer's, wait for the selected pair, send and receive datagrams.
 *
 * <pre>{@code
 * try (IceSession session = IceSession.open(config, CandidateSources.HOST)) {
 *     List<String> mine = session.localDescription(Duration.ofSeconds(5));  // signal them to the peer
 *     session.addRemoteDescription(theirs);                                // the peer's lines
 *     IceEvent.SelectedPairChanged pair = session.awaitSelected(Duration.ofSeconds(10));
 *     session.send("hello".getBytes(UTF_8));
 *     byte[] reply = session.receive(Duration.ofSeconds(5));
 * }
 * }</pre>
 *
 * <p>The methods without a component id are component 1's, the only one with RTP/RTCP-mux or data channels; with
 * {@link IceConfig#components()} above 1 (RTP and RTCP, say) each component has its own selected pair and its own
 * datagrams.
 *
 * <p>Thread-safe: each method may be called from any thread. What it waits for comes from the agent's event loop.
 */
public final class IceSession implements AutoCloseable {
    /** Datagrams received and not yet taken; more are dropped, as a full socket buffer would. */
    private static final int RECEIVE_QUEUE = 1024;
    private static final String END_OF_CANDIDATES = "a=end-of-candidates";

    private final IceDriver ownDriver;
    private final DrivenAgent agent;
    private final BlockingQueue<String> localLines = new LinkedBlockingQueue<>();
    /** Per component (index = component id): datagrams received. */
    private final List<BlockingQueue<byte[]>> received = new ArrayList<>();
    /** Per component (index = component id): its first selected pair. */
    private final List<CompletableFuture<IceEvent.SelectedPairChanged>> selected = new ArrayList<>();
    private final Consumer<String> observer;
    private volatile IceConnectionState state = IceConnectionState.NEW;

    /** How a session starts its agent: on a driver's next loop, or on a UDP mux. */
    private interface Starter {
        DrivenAgent start(IceConfig config, CandidateSources sources, IceListener listener)
                throws UnknownHostException;
    }

    private IceSession(IceDriver ownDriver, Starter starter, IceConfig config, CandidateSources sources,
            Consumer<String> observer) throws UnknownHostException {
        this.ownDriver = ownDriver;
        this.observer = observer;
        for (int component = 0; component <= config.components(); component++) {
            received.add(new LinkedBlockingQueue<>(RECEIVE_QUEUE));
            selected.add(new CompletableFuture<>());
        }
        localLines.add("a=ice-ufrag:" + config.credentials().ufrag());
        localLines.add("a=ice-pwd:" + config.credentials().password());
        if (config.lite()) {
            localLines.add("a=ice-lite");
        }
        try {
            agent = starter.start(config, sources, new IceListener() {
                @Override
                public void onEvent(IceEvent event) {
                    handle(event);
                }

                @Override
                public void onWarning(String message) {
                    observer.accept("warning: " + message);
                }
            });
        } catch (UnknownHostException | RuntimeException e) {
            if (ownDriver != null) {
                ownDriver.close();
            }
            throw e;
        }
    }

    /** A session on a driver of its own (one event loop), closed with it. */
    public static IceSession open(IceConfig config, CandidateSources sources) throws UnknownHostException {
        IceDriver driver = IceDriver.create(1);
        return new IceSession(driver, driver::start, config, sources, line -> { });
    }

    /**
     * A session on {@code driver}'s event loops; {@code observer} sees a line for each thing that happens (a
     * candidate, a state change, the selected pair, a warning), for logs.
     */
    public static IceSession open(IceDriver driver, IceConfig config, CandidateSources sources,
            Consumer<String> observer) throws UnknownHostException {
        return new IceSession(null, driver::start, config, sources, observer);
    }

    /** A session whose agent's host candidate is on {@code mux}'s shared port ({@link UdpMux#start}). */
    public static IceSession open(UdpMux mux, IceConfig config, CandidateSources sources,
            Consumer<String> observer) throws UnknownHostException {
        return new IceSession(null, mux::start, config, sources, observer);
    }

    private void handle(IceEvent event) {
        if (event instanceof IceEvent.LocalCandidate c) {
            localLines.add(CandidateSdp.formatLine(c.candidate()));
            observer.accept("local candidate " + CandidateSdp.format(c.candidate()));
        } else if (event instanceof IceEvent.GatheringComplete) {
            localLines.add(END_OF_CANDIDATES);
        } else if (event instanceof IceEvent.ConnectionStateChanged s) {
            state = s.state();
            observer.accept("state " + s.state());
        } else if (event instanceof IceEvent.SelectedPairChanged p) {
            selected.get(p.componentId()).complete(p);
            observer.accept("selected " + CandidateSdp.format(p.local()) + " " + CandidateSdp.format(p.remote()));
        } else if (event instanceof IceEvent.ApplicationData d) {
            received.get(d.componentId()).offer(d.data());
        } else if (event instanceof IceEvent.LocalCredentialsChanged c) {
            observer.accept("new local credentials " + c.ufrag());
        }
    }

    /**
     * The next line of the local description, as it is gathered (trickle, RFC 8838): {@code a=ice-ufrag},
     * {@code a=ice-pwd} ({@code a=ice-lite}), then {@code a=candidate} lines, {@code a=end-of-candidates} last.
     *
     * @return the line, or null when none comes within {@code timeout}
     */
    public String nextLocalLine(Duration timeout) throws InterruptedException {
        return localLines.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Every line of the local description, up to and including {@code a=end-of-candidates}.
     *
     * @throws TimeoutException when gathering takes longer than {@code timeout}
     */
    public List<String> localDescription(Duration timeout) throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> lines = new ArrayList<>();
        String line = "";
        while (!line.equals(END_OF_CANDIDATES)) {
            line = nextLocalLine(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            if (line == null) {
                throw new TimeoutException("gathering took longer than " + timeout.toMillis() + " ms");
            }
            lines.add(line);
        }
        return lines;
    }

    /**
     * The peer's lines ({@code a=ice-ufrag}, {@code a=ice-pwd}, {@code a=candidate}, {@code a=end-of-candidates};
     * others are skipped), all at once or trickled a few at a time.
     *
     * @throws io.turnkit.ice.sdp.SdpParseException for a malformed line; nothing of {@code lines} is applied then
     */
    public void addRemoteDescription(List<String> lines) {
        agent.addRemoteDescription(IceDescription.parse(lines));
    }

    /**
     * Waits for component 1's first selected pair (RFC 8445 §8.1.1).
     *
     * @throws TimeoutException when none is selected within {@code timeout}
     */
    public IceEvent.SelectedPairChanged awaitSelected(Duration timeout) throws TimeoutException,
            InterruptedException {
        return awaitSelected(1, timeout);
    }

    /**
     * Waits for the first selected pair of component {@code componentId}.
     *
     * @throws TimeoutException when none is selected within {@code timeout}
     */
    public IceEvent.SelectedPairChanged awaitSelected(int componentId, Duration timeout) throws TimeoutException,
            InterruptedException {
        try {
            return selected.get(componentId).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("unreachable: the future is only completed normally", e);
        }
    }

    /** Sends one datagram on component 1's selected pair; dropped when there is none, as UDP would drop it. */
    public void send(byte[] data) {
        send(1, data);
    }

    /** Sends one datagram on the selected pair of component {@code componentId}; dropped when there is none. */
    public void send(int componentId, byte[] data) {
        agent.send(componentId, data);
    }

    /** The next datagram received on component 1, or null when none comes within {@code timeout}. */
    public byte[] receive(Duration timeout) throws InterruptedException {
        return receive(1, timeout);
    }

    /** The next datagram received on component {@code componentId}, or null when none comes within the timeout. */
    public byte[] receive(int componentId, Duration timeout) throws InterruptedException {
        return received.get(componentId).poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The latest connection state the agent reported. */
    public IceConnectionState state() {
        return state;
    }

    /** The agent underneath, for what this facade does not cover. */
    public DrivenAgent agent() {
        return agent;
    }

    /** Closes the agent (and the driver, when the session has its own), waiting up to a second. */
    @Override
    public void close() {
        agent.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        if (ownDriver != null) {
            ownDriver.close();
        }
    }
}
