package io.turnkit.server.link;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.turnkit.server.metrics.ServerCounter;
import io.turnkit.server.metrics.ServerCounters;
import io.turnkit.server.protocol.TurnProtocol;
import io.turnkit.server.protocol.TurnServices;
import io.turnkit.server.relay.Relay;
import io.turnkit.server.relay.RelayAllocation;
import io.turnkit.server.relay.RelayResources;

/**
 * What UDP and TCP client links share: the protocol instance that reads their frames, the read batch whose
 * end sends what its frames queued, and a once-a-second sweep of expired allocations, permissions and
 * channels (RFC 8656 §5, §9, §12) on the link's own event loop.
 */
abstract class AbstractClientLink implements ClientLink {
    final ServerCounters counters;
    final RelayResources relays;
    private final TurnProtocol protocol;
    private EventLoop eventLoop;
    private InetSocketAddress localAddress;
    private ScheduledFuture<?> sweep;
    /**
     * Relays whose sockets were written to during this read batch: flushed once at its end, so the kernel gets
     * them in one sendmmsg. Few at a time, and most often the last one again.
     */
    private final ArrayList<Relay> unflushedRelays = new ArrayList<>();
    /** Between the first read of a batch and its end: flushes wait for the end. */
    private boolean reading;
    /** Whether {@link #flushTask} is queued on the event loop. */
    private boolean flushScheduled;
    private final Runnable flushTask = () -> {
        flushScheduled = false;
        flushNow();
    };

    AbstractClientLink(TurnServices services) {
        this.counters = services.counters();
        this.relays = services.relays();
        this.protocol = new TurnProtocol(services, this);
    }

    /** The link's transport is up on {@code loop} at {@code local}: frames may come from now on. */
    void startServing(EventLoop loop, InetSocketAddress local) {
        eventLoop = loop;
        localAddress = local;
        sweep = loop.scheduleAtFixedRate(this::expire, 1, 1, TimeUnit.SECONDS);
    }

    void stopServing() {
        if (sweep != null) {
            sweep.cancel(false);
        }
    }

    @Override
    public void relay(Relay relay, ByteBuf payload, InetSocketAddress peer) {
        RelayAllocation hairpin = relays.loopRelays().at(peer);
        if (hairpin != null) {
            // The peer is another allocation of this event loop: it gets the datagram from this relayed address,
            // through the same checks as one its socket read (LoopRelays).
            hairpin.fromPeers().fromPeer(payload, relay.relayedAddress(), false);
            payload.release();
            counters.increment(ServerCounter.HAIRPINNED);
            hairpin.link().flush();
            return;
        }
        if (!isUnflushed(relay)) {
            unflushedRelays.add(relay);
        }
        relay.toPeers().add(payload, peer);
    }

    private boolean isUnflushed(Relay relay) {
        for (int i = unflushedRelays.size() - 1; i >= 0; i--) {
            if (unflushedRelays.get(i) == relay) {
                return true;
            }
        }
        return false;
    }

    /** Hands {@code frame}, read from {@code client} in the current read batch, to the protocol. */
    void read(ByteBuf frame, InetSocketAddress client) {
        reading = true;
        protocol.onFrame(frame, client);
    }

    /** The end of a read batch: what its frames queued for peers and for the client leaves now. */
    public void readComplete() {
        for (int i = 0; i < unflushedRelays.size(); i++) {
            Relay relay = unflushedRelays.get(i);
            relay.toPeers().send();
            relay.socket().flush();
        }
        unflushedRelays.clear();
        reading = false;
        flushNow();
    }

    /** Drops what has expired; called once a second on the link's event loop. */
    abstract void expire();

    @Override
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    @Override
    public EventLoop eventLoop() {
        return eventLoop;
    }

    /**
     * While this link reads a batch, its end flushes. Otherwise (frames from relay sockets, an answer
     * sent once a relay socket is bound) the flush runs once the event loop has handled every socket that
     * was ready: the frames that several relay sockets' batches sent this link leave in one sendmmsg.
     */
    @Override
    public void flush() {
        if (!reading && !flushScheduled) {
            flushScheduled = true;
            eventLoop.execute(flushTask);
        }
    }

    /** Sends what was queued to the client. */
    abstract void flushNow();
}
