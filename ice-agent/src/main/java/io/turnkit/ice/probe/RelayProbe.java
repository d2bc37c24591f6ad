package io.turnkit.ice.probe;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.BitSet;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.turnkit.ice.stun.ErrorResponseException;
import io.turnkit.ice.stun.StunTimeoutException;
import io.turnkit.ice.turn.TurnAllocation;
import io.turnkit.ice.turn.TurnClient;
import io.turnkit.stun.ChannelData;
import io.turnkit.stun.StunErrorCode;

/**
 * Measures a TURN relay end to end: allocates, starts an {@link EchoPeer}, gives it a permission and a channel,
 * sends packets on the channel at a fixed interval and times each echo. Every packet carries a run id and its
 * sequence number, so stray or duplicated datagrams are not counted:
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     Run id (random, 32 bits)                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Sequence number                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  Zeros, up to the packet size                 /
 * </pre>
 *
 * Sending and receiving share the caller's thread: between two sends the client reads echoes.
 */
public final class RelayProbe {
    /**
     * What to send.
     *
     * @param count    how many packets, 1 to {@link #MAX_COUNT}
     * @param interval from one send to the next
     * @param size     bytes of each packet (the ChannelData payload), {@link #MIN_SIZE} to {@link #MAX_SIZE}
     * @param echoWait how long to wait for the last echoes after the last send
     */
    public record Settings(int count, Duration interval, int size, Duration echoWait) {
        public static final int MAX_COUNT = 1_000_000;
        /** The run id and the sequence number. */
        public static final int MIN_SIZE = SEQUENCE_OFFSET + Integer.BYTES;
        /** The largest UDP payload over IPv4 (65,507 bytes) less the 4-byte ChannelData header. */
        public static final int MAX_SIZE = 65_507 - ChannelData.HEADER_LENGTH;

        public Settings {
            if (count < 1 || count > MAX_COUNT) {
                throw new IllegalArgumentException("count must be 1-" + MAX_COUNT + ": " + count);
            }
            if (size < MIN_SIZE || size > MAX_SIZE) {
                throw new IllegalArgumentException("size must be " + MIN_SIZE + "-" + MAX_SIZE + " bytes: " + size);
            }
            if (interval.isNegative() || echoWait.isNegative()) {
                throw new IllegalArgumentException("interval and echo wait must not be negative");
            }
        }
    }

    /** Told after every packet sent and while the last echoes are awaited. */
    @FunctionalInterface
    public interface Progress {
        void update(int sent, int received, int count);
    }

    private static final int RUN_ID_OFFSET = 0;
    private static final int SEQUENCE_OFFSET = RUN_ID_OFFSET + Integer.BYTES;
    /** The first channel number of RFC 8656 §12. */
    private static final int CHANNEL = ChannelData.MIN_CHANNEL;
    /**
     * RFC 8656 §12: a channel binding lasts 10 minutes, and rebinding also refreshes the peer's permission (§12.1),
     * which lasts 5 (§9); rebinding every minute keeps both alive even if a refresh or two are lost.
     */
    private static final long CHANNEL_REFRESH_NANOS = TimeUnit.MINUTES.toNanos(1);
    /** How often the wait for the last echoes checks whether they are all in. */
    private static final long DRAIN_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final TurnClient client;
    private final Settings settings;
    private final Progress progress;
    private final int runId = new SecureRandom().nextInt();
    private final byte[] packet;
    private final long[] sentNanos;
    private final long[] roundTripNanos;
    private final BitSet echoed;
    private int sent;
    private int received;

    public RelayProbe(TurnClient client, Settings settings, Progress progress) {
        this.client = client;
        this.settings = settings;
        this.progress = progress;
        this.packet = new byte[settings.size()];
        this.sentNanos = new long[settings.count()];
        this.roundTripNanos = new long[settings.count()];
        this.echoed = new BitSet(settings.count());
        putInt(packet, RUN_ID_OFFSET, runId);
    }

    /**
     * Runs the probe once and deletes the allocation afterwards.
     *
     * @throws ErrorResponseException when the server refuses a request; a 403 to the permission names the peer
     * @throws IOException            when the server stops answering or the transport fails
     */
    public ProbeReport run() throws IOException {
        long start = System.nanoTime();
        TurnAllocation allocation = client.allocate();
        Duration allocateTime = Duration.ofNanos(System.nanoTime() - start);
        ProbeReport report;
        try (EchoPeer peer = EchoPeer.start(allocation.relayedAddress())) {
            permit(peer.address());
            client.onPeerData(this::onEcho);
            sendAll(allocation, peer.address());
            awaitEchoes();
            report = new ProbeReport(allocation, peer.address(), allocateTime, sent, peer.echoed(), received,
                    new RoundTripTimes(roundTripNanos, received));
        } catch (StunTimeoutException e) {
            // The server stopped answering: a Refresh to delete the allocation would only time out as well.
            throw e;
        } catch (IOException | RuntimeException e) {
            releaseQuietly();
            throw e;
        }
        releaseQuietly();
        return report;
    }

    /** RFC 8656 §10.1, §12.1: a permission for the peer's address, then the channel to it. */
    private void permit(InetSocketAddress peer) throws IOException {
        try {
            client.createPermission(peer.getAddress());
        } catch (ErrorResponseException e) {
            if (e.errorCode() != StunErrorCode.FORBIDDEN) {
                throw e;
            }
            throw new ErrorResponseException(e.method(), e.errorCode(), e.reason(), "the server does not allow the "
                    + "echo peer's address " + peer.getAddress().getHostAddress()
                    + "; a turnkit server on loopback needs --allow-loopback-peers");
        }
        client.bindChannel(CHANNEL, peer);
    }

    private void sendAll(TurnAllocation allocation, InetSocketAddress peer) throws IOException {
        long intervalNanos = settings.interval().toNanos();
        long next = System.nanoTime();
        long channelRefresh = next + CHANNEL_REFRESH_NANOS;
        // RFC 8656 §8: refresh the allocation well before its lifetime runs out; halfway leaves time for retries.
        long allocationRefresh = next + allocation.lifetime().toNanos() / 2;
        while (sent < settings.count()) {
            client.poll(next);
            long now = System.nanoTime();
            if (now - channelRefresh >= 0) {
                client.bindChannel(CHANNEL, peer);
                channelRefresh = now + CHANNEL_REFRESH_NANOS;
            }
            if (now - allocationRefresh >= 0) {
                allocationRefresh = now + client.refresh(allocation.lifetime()).toNanos() / 2;
            }
            putInt(packet, SEQUENCE_OFFSET, sent);
            sentNanos[sent] = System.nanoTime();
            client.sendChannelData(CHANNEL, packet, 0, packet.length);
            sent++;
            progress.update(sent, received, settings.count());
            next += intervalNanos;
        }
    }

    /** Reads echoes for up to the wait after the last send, or until every packet is back. */
    private void awaitEchoes() throws IOException {
        long deadline = System.nanoTime() + settings.echoWait().toNanos();
        long now = System.nanoTime();
        while (received < sent && deadline - now > 0) {
            client.poll(Math.min(deadline - now, DRAIN_SLICE_NANOS) + now);
            progress.update(sent, received, settings.count());
            now = System.nanoTime();
        }
    }

    /** An echo: a packet of this run, of the size sent, not seen before; anything else is ignored. */
    private void onEcho(InetSocketAddress peer, ByteBuf data, int offset, int length, long receivedNanos) {
        if (length != packet.length || data.getInt(offset + RUN_ID_OFFSET) != runId) {
            return;
        }
        int sequence = data.getInt(offset + SEQUENCE_OFFSET);
        if (sequence < 0 || sequence >= sent || echoed.get(sequence)) {
            return;
        }
        echoed.set(sequence);
        roundTripNanos[received++] = receivedNanos - sentNanos[sequence];
    }

    /** RFC 8656 §8: delete the allocation; if that fails, it expires on its own when its lifetime ends. */
    private void releaseQuietly() {
        try {
            client.release();
        } catch (IOException e) {
            // Nothing more to do: the lifetime bounds what the server keeps.
        }
    }

    private static void putInt(byte[] bytes, int offset, int value) {
        bytes[offset] = (byte) (value >>> 24);
        bytes[offset + 1] = (byte) (value >>> 16);
        bytes[offset + 2] = (byte) (value >>> 8);
        bytes[offset + 3] = (byte) value;
    }
}
