package io.turnkit.ice.turn;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.turnkit.ice.stun.TransactionTimers;
import io.turnkit.ice.stun.TransportProtocol;
import io.turnkit.stun.ChannelData;
import io.turnkit.stun.StunAttributeType;
import io.turnkit.stun.StunAttributes;
import io.turnkit.stun.StunClass;
import io.turnkit.stun.StunErrorCode;
import io.turnkit.stun.StunMessage;
import io.turnkit.stun.StunMessageEncoder;
import io.turnkit.stun.StunMessageType;
import io.turnkit.stun.StunMethod;
import io.turnkit.stun.StunValidation;

/**
 * The client side of one TURN allocation (RFC 8656) as a sans-I/O state machine: it owns no socket, thread or
 * clock. Its driver feeds it the frames that come from the server ({@link #handleInput}) and the time
 * ({@code nowNanos}, any monotonic clock, {@link System#nanoTime()} or a test's), sends what {@link #pollTransmit()}
 * hands out, calls {@link #handleTimeout} when {@link #pollTimeout()} comes, and reads {@link #pollEvent()}.
 *
 * <p>What it does on its own: the long-term credential mechanism (RFC 8489 §9.2: the first 401 teaches REALM and
 * NONCE, a 438 a fresh NONCE, MD5 or SHA-256 through {@link LongTermCredentials}); retransmission over UDP on the
 * {@link TransactionTimers} schedule (RFC 8489 §6.2.1), one send and a timeout over TCP and TLS (§6.2.2); refreshes
 * of the allocation before it expires (RFC 8656 §8), of permissions every {@value #PERMISSION_REFRESH_SECONDS} s
 * (§9: they last 300 s) and of channel bindings every {@value #CHANNEL_REFRESH_SECONDS} s (§12: they last 600 s).
 *
 * <p>Over TCP and TLS the driver owns the stream and hands the session whole frames, cut by
 * {@link io.turnkit.ice.stun.StreamFrameReader}; the session pads ChannelData it sends on a stream (§12.5).
 *
 * <p>Every byte from the network is hostile: what is malformed or unexpected — a response to no transaction, a bad
 * integrity, ChannelData on an unbound channel — is counted under a {@link Drop} and dropped, never thrown.
 * Arguments from the owner are not: a call in the wrong state throws {@link IllegalStateException}. Not
 * thread-safe: one thread (an event loop) drives a session.
 */
public final class TurnSession {
    /**
     * What a session is created with besides server and credentials.
     *
     * @param requestedLifetime the LIFETIME asked for in Allocate and Refresh, or null for the server's default
     * @param timers            retransmission and timeout of requests
     */
    public record Options(Duration requestedLifetime, TransactionTimers timers) {
        /** The server's default lifetime, RFC 8489's timers. */
        public static final Options DEFAULTS = new Options(null, TransactionTimers.RFC_8489);

        public Options {
            if (requestedLifetime != null && (requestedLifetime.isNegative() || requestedLifetime.isZero())) {
                throw new IllegalArgumentException("a requested lifetime is positive: " + requestedLifetime);
            }
        }

        public Options withRequestedLifetime(Duration lifetime) {
            return new Options(lifetime, timers);
        }

        public Options withTimers(TransactionTimers newTimers) {
            return new Options(requestedLifetime, newTimers);
        }
    }

    /** Where the allocation stands. */
    public enum State {
        /** Created; {@link #start} not called yet. */
        NEW,
        /** The Allocate transaction runs (with its 401 and 438 retries). */
        ALLOCATING,
        ALLOCATED,
        /** {@link #close} sent the Refresh with lifetime 0. */
        CLOSING,
        CLOSED,
        /** The allocation failed or was lost; see the {@link TurnEvent.Failed} or {@link TurnEvent.AlternateServer}. */
        FAILED
    }

    /** Why an input from the server was dropped; see {@link #dropped}. */
    public enum Drop {
        /** Neither a well-formed STUN message nor valid ChannelData; a response of another method. */
        MALFORMED,
        /** A response whose transaction id matches no request in flight (perhaps another client's, or late). */
        UNMATCHED,
        /** A response to a signed request whose integrity does not verify with the key (RFC 8489 §9.2.5). */
        BAD_INTEGRITY,
        /** ChannelData on a channel this session has not bound. */
        UNKNOWN_CHANNEL,
        /** A request, an indication other than Data, or peer data when no allocation is held. */
        UNEXPECTED
    }

    /** RFC 8656 §9: a permission lasts 300 s; it is refreshed a minute before. */
    static final long PERMISSION_REFRESH_SECONDS = 240;
    /** RFC 8656 §12: a channel binding lasts 600 s; it is refreshed a minute before. */
    static final long CHANNEL_REFRESH_SECONDS = 540;
    /** RFC 8656 §8: refresh a minute before the allocation expires (halfway through a lifetime of 2 min or less). */
    private static final long REFRESH_MARGIN_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final int CHANNELS = ChannelData.MAX_CHANNEL - ChannelData.MIN_CHANNEL + 1;
    private static final int SCRATCH_CAPACITY = 512;

    private final InetSocketAddress server;
    private final TransportProtocol transport;
    private final LongTermCredentials credentials;
    private final Options options;
    private final int requestLimit;

    private final SecureRandom random = new SecureRandom();
    private final byte[] transactionId = new byte[StunMessage.TRANSACTION_ID_LENGTH];
    private final ByteBuf scratch = Unpooled.buffer(SCRATCH_CAPACITY);
    private final StunMessageEncoder encoder = new StunMessageEncoder();
    private final StunMessage inbound = new StunMessage();
    private final PeerDataReader peerData = new PeerDataReader();
    private final long[] drops = new long[Drop.values().length];

    private final ArrayDeque<Transmit> transmits = new ArrayDeque<>();
    private final ArrayDeque<TurnEvent> events = new ArrayDeque<>();
    private final List<Transaction> transactions = new ArrayList<>();
    private final Map<InetAddress, Permission> permissions = new LinkedHashMap<>();
    private final Map<InetSocketAddress, ChannelBinding> channelsByPeer = new HashMap<>();
    private final ChannelBinding[] channels = new ChannelBinding[CHANNELS];

    private State state = State.NEW;
    private TurnAllocation allocation;
    /** The Allocate or Refresh in flight, or null. */
    private Transaction allocationRequest;
    private long allocationRefreshAt;
    private int nextChannel;

    /**
     * @param server      the TURN server's address
     * @param transport   how the driver reaches it
     * @param credentials the user's long-term credentials; the session teaches them the realm and nonce
     */
    public TurnSession(InetSocketAddress server, TransportProtocol transport, LongTermCredentials credentials,
            Options options) {
        if (server.isUnresolved()) {
            throw new IllegalArgumentException("unresolved server address " + server);
        }
        this.server = server;
        this.transport = transport;
        this.credentials = credentials;
        this.options = options;
        this.requestLimit = transport.isStream() ? 1 : options.timers().maxRequests();
    }

    public InetSocketAddress server() {
        return server;
    }

    public TransportProtocol transport() {
        return transport;
    }

    public State state() {
        return state;
    }

    /** The allocation the server granted, or null before. */
    public TurnAllocation allocation() {
        return allocation;
    }

    /** How many inputs were dropped for {@code reason}. */
    public long dropped(Drop reason) {
        return drops[reason.ordinal()];
    }

    /** RFC 8656 §7.1: sends the Allocate request for a UDP relay. */
    public void start(long nowNanos) {
        if (state != State.NEW) {
            throw new IllegalStateException("already started: " + state);
        }
        state = State.ALLOCATING;
        Duration requested = options.requestedLifetime();
        allocationRequest = begin(Transaction.allocate(
                requested == null ? TurnMessages.DEFAULT_LIFETIME : requested.toSeconds()), nowNanos);
    }

    /**
     * RFC 8656 §9, §10.1: installs a permission for {@code peer} (an IP address: ports do not matter), or refreshes
     * it now; the session refreshes it from then on. {@link TurnEvent.PermissionCreated} tells when it is in place.
     */
    public void createPermission(InetAddress peer, long nowNanos) {
        requireAllocated();
        Permission permission = permissions.computeIfAbsent(peer, p -> new Permission());
        if (permission.request == null) {
            permission.request = begin(Transaction.createPermission(peer), nowNanos);
        }
    }

    /**
     * RFC 8656 §12.1: binds the next free channel (from 0x4000) to {@code peer}, or refreshes its binding now; the
     * session refreshes it from then on, and {@link #send} uses it once {@link TurnEvent.ChannelBound} came.
     *
     * @return the channel number
     * @throws IllegalStateException when all 4096 channels are taken
     */
    public int bindChannel(InetSocketAddress peer, long nowNanos) {
        requireAllocated();
        ChannelBinding channel = channelsByPeer.get(peer);
        if (channel == null) {
            int number = freeChannel();
            channel = new ChannelBinding(number, peer);
            channels[number - ChannelData.MIN_CHANNEL] = channel;
            channelsByPeer.put(peer, channel);
        }
        if (channel.request == null) {
            channel.request = begin(Transaction.channelBind(channel.number, peer), nowNanos);
        }
        return channel.number;
    }

    /**
     * Sends {@code data[offset, offset + length)} to {@code peer} through the relay: as ChannelData when a channel
     * is bound to it (RFC 8656 §12.6, padded to 4 bytes on a stream), else in a Send indication (§11.1). The server
     * drops it unless {@code peer} has a permission (a bound channel gives one).
     */
    public void send(InetSocketAddress peer, byte[] data, int offset, int length) {
        requireAllocated();
        ChannelBinding channel = channelsByPeer.get(peer);
        scratch.clear();
        if (channel != null && channel.bound) {
            TurnMessages.channelData(scratch, channel.number, data, offset, length, transport.isStream());
        } else {
            TurnMessages.send(startMessage(StunMessageType.of(StunMethod.SEND, StunClass.INDICATION)), peer, data,
                    offset, length);
            encoder.finish();
        }
        transmits.add(new Transmit(server, ByteBufUtil.getBytes(scratch)));
    }

    /**
     * RFC 8656 §8: deletes the allocation with a Refresh of lifetime 0 ({@link TurnEvent.Closed} follows its
     * answer); before an allocation exists, stops at once. Permissions and channels stop being refreshed.
     */
    public void close(long nowNanos) {
        switch (state) {
            case ALLOCATED -> {
                forgetPeers();
                transactions.clear();
                state = State.CLOSING;
                allocationRequest = begin(Transaction.refresh(0), nowNanos);
            }
            case NEW, ALLOCATING -> {
                end(State.CLOSED);
                events.add(new TurnEvent.Closed());
            }
            default -> {
                // Closing, closed or failed already.
            }
        }
    }

    /** The next frame to send to the server, or null. */
    public Transmit pollTransmit() {
        return transmits.poll();
    }

    /** The next event, or null. */
    public TurnEvent pollEvent() {
        return events.poll();
    }

    /**
     * When {@link #handleTimeout} is next due (in the clock of {@code nowNanos}): a retransmission, a transaction's
     * timeout, or a refresh; empty when nothing is scheduled.
     */
    public OptionalLong pollTimeout() {
        Deadline next = new Deadline();
        for (Transaction t : transactions) {
            next.consider(t.deadline);
            if (t.sent < requestLimit) {
                next.consider(t.nextSend);
            }
        }
        if (state == State.ALLOCATED) {
            if (allocationRequest == null) {
                next.consider(allocationRefreshAt);
            }
            for (Permission p : permissions.values()) {
                if (p.installed && p.request == null) {
                    next.consider(p.refreshAt);
                }
            }
            for (ChannelBinding c : channelsByPeer.values()) {
                if (c.bound && c.request == null) {
                    next.consider(c.refreshAt);
                }
            }
        }
        return next.isSet ? OptionalLong.of(next.nanos) : OptionalLong.empty();
    }

    /** Retransmits, times out and refreshes what is due at {@code nowNanos}. */
    public void handleTimeout(long nowNanos) {
        for (int i = 0; i < transactions.size();) {
            Transaction t = transactions.get(i);
            if (nowNanos - t.deadline >= 0) {
                transactions.remove(i);
                failed(t, 0, "no response in " + options.timers().timeout().toMillis() + " ms");
            } else {
                transmitDue(t, nowNanos);
                i++;
            }
        }
        if (state != State.ALLOCATED) {
            return;
        }
        if (allocationRequest == null && nowNanos - allocationRefreshAt >= 0) {
            Duration requested = options.requestedLifetime();
            long lifetime = (requested == null ? allocation.lifetime() : requested).toSeconds();
            allocationRequest = begin(Transaction.refresh(lifetime), nowNanos);
        }
        for (Map.Entry<InetAddress, Permission> e : permissions.entrySet()) {
            Permission p = e.getValue();
            if (p.installed && p.request == null && nowNanos - p.refreshAt >= 0) {
                p.request = begin(Transaction.createPermission(e.getKey()), nowNanos);
            }
        }
        for (ChannelBinding c : channelsByPeer.values()) {
            if (c.bound && c.request == null && nowNanos - c.refreshAt >= 0) {
                c.request = begin(Transaction.channelBind(c.number, c.peer), nowNanos);
            }
        }
    }

    /**
     * Takes a frame that came from {@code from}: a datagram over UDP, a whole frame cut from the stream over TCP and
     * TLS. Its readable bytes are read, its indexes left alone; they are not kept after the call.
     *
     * @return whether the frame was the session's, used or dropped: false when it is not from the server, or is a
     *         STUN response to no transaction of the session (perhaps a Binding response the driver awaits itself)
     */
    public boolean handleInput(InetSocketAddress from, ByteBuf frame, long nowNanos) {
        if (!server.equals(from)) {
            return false;
        }
        int offset = frame.readerIndex();
        int length = frame.readableBytes();
        int first = length == 0 ? -1 : frame.getUnsignedByte(offset);
        if (PeerDataReader.isChannelData(first)) {
            deliver(frame, peerData.channelData(frame, offset, length, transport.isStream(), this::channelPeer));
            return true;
        }
        StunValidation validation = PeerDataReader.isStun(first)
                ? inbound.wrap(frame, offset, length).validate() : StunValidation.NOT_STUN;
        if (!validation.isWellFormed()) {
            drop(Drop.MALFORMED);
            return true;
        }
        if (inbound.isIndication() && inbound.method() == StunMethod.DATA) {
            deliver(frame, peerData.dataIndication(inbound));
            return true;
        }
        if (inbound.isRequest() || inbound.isIndication()) {
            drop(Drop.UNEXPECTED);
            return true;
        }
        Transaction t = transaction(inbound.transactionIdHigh(), inbound.transactionIdLow());
        if (t == null) {
            drop(Drop.UNMATCHED);
            return false;
        }
        if (inbound.method() != t.method) {
            drop(Drop.MALFORMED);
            return true;
        }
        if (t.signed && !credentials.verifies(inbound)) {
            drop(Drop.BAD_INTEGRITY);
            return true;
        }
        transactions.remove(t);
        if (validation == StunValidation.UNKNOWN_COMPREHENSION_REQUIRED) {
            // RFC 8489 §6.3.3, §6.3.4: such a response ends the transaction in failure.
            failed(t, 0, "response with the unknown comprehension-required attribute "
                    + StunAttributeType.name(inbound.unknownAttribute(0)));
        } else if (inbound.isErrorResponse()) {
            onErrorResponse(t, nowNanos);
        } else {
            onSuccessResponse(t, nowNanos);
        }
        return true;
    }

    private void onErrorResponse(Transaction t, long nowNanos) {
        int attribute = inbound.findAttribute(StunAttributeType.ERROR_CODE);
        int code = Math.max(0, StunAttributes.errorCode(inbound, attribute));
        if (LongTermCredentials.isChallenge(code, t.signed) && t.attempts < LongTermCredentials.MAX_ATTEMPTS
                && credentials.learn(inbound)) {
            // RFC 8489 §9.2.5: the same request again, signed with what the challenge taught, as a new transaction.
            transactions.add(t);
            send(t, nowNanos);
            return;
        }
        if (code == StunErrorCode.TRY_ALTERNATE && t.method == StunMethod.ALLOCATE) {
            InetSocketAddress alternate = TurnMessages.address(inbound, StunAttributeType.ALTERNATE_SERVER);
            if (alternate != null) {
                end(State.FAILED);
                events.add(new TurnEvent.AlternateServer(alternate));
                return;
            }
        }
        failed(t, code, code == 0 ? "error response without ERROR-CODE" : StunAttributes.errorReason(inbound,
                attribute));
    }

    private void onSuccessResponse(Transaction t, long nowNanos) {
        switch (t.method) {
            case StunMethod.ALLOCATE -> {
                TurnAllocation granted = TurnMessages.allocation(inbound);
                if (granted == null) {
                    failed(t, 0, "success response without XOR-RELAYED-ADDRESS or LIFETIME");
                    return;
                }
                allocationRequest = null;
                allocation = granted;
                state = State.ALLOCATED;
                scheduleRefresh(granted.lifetime().toSeconds(), nowNanos);
                events.add(new TurnEvent.Allocated(allocation));
            }
            case StunMethod.REFRESH -> {
                allocationRequest = null;
                if (state == State.CLOSING) {
                    end(State.CLOSED);
                    events.add(new TurnEvent.Closed());
                    return;
                }
                long seconds = StunAttributes.uint32(inbound, inbound.findAttribute(StunAttributeType.LIFETIME));
                if (seconds <= 0) {
                    failed(t, 0, "success response without a positive LIFETIME");
                    return;
                }
                scheduleRefresh(seconds, nowNanos);
                events.add(new TurnEvent.Refreshed(Duration.ofSeconds(seconds)));
            }
            case StunMethod.CREATE_PERMISSION -> {
                Permission p = permissions.get(t.peer.getAddress());
                p.request = null;
                permissionInstalled(t.peer.getAddress(), p, nowNanos);
            }
            case StunMethod.CHANNEL_BIND -> {
                ChannelBinding c = channelsByPeer.get(t.peer);
                c.request = null;
                c.refreshAt = nowNanos + TimeUnit.SECONDS.toNanos(CHANNEL_REFRESH_SECONDS);
                if (!c.bound) {
                    c.bound = true;
                    events.add(new TurnEvent.ChannelBound(c.number, c.peer));
                }
                // RFC 8656 §12.2: the binding installed or refreshed the peer's permission too; that lasts 300 s (§9),
                // not 600, so it is refreshed on its own from now on, or data from the peer would stop after 5 min.
                Permission p = permissions.computeIfAbsent(t.peer.getAddress(), a -> new Permission());
                if (p.request == null) {
                    permissionInstalled(t.peer.getAddress(), p, nowNanos);
                }
            }
            default -> throw new IllegalStateException("no such request is sent: " + t.method);
        }
    }

    /**
     * A transaction ended without success: reported, and what it was for undone. Without the allocation (a failed
     * Allocate or Refresh, or 437 Allocation Mismatch to anything) the session is over.
     */
    private void failed(Transaction t, int code, String reason) {
        events.add(new TurnEvent.Failed(t.method, code, reason));
        if (state == State.CLOSING) {
            end(State.CLOSED);
            events.add(new TurnEvent.Closed());
            return;
        }
        switch (t.method) {
            case StunMethod.CREATE_PERMISSION -> permissions.remove(t.peer.getAddress());
            case StunMethod.CHANNEL_BIND -> {
                ChannelBinding c = channelsByPeer.remove(t.peer);
                channels[c.number - ChannelData.MIN_CHANNEL] = null;
            }
            default -> {
                end(State.FAILED);
                return;
            }
        }
        if (code == StunErrorCode.ALLOCATION_MISMATCH) {
            end(State.FAILED);
        }
    }

    /** RFC 8656 §9: a permission was installed or refreshed at {@code nowNanos}. */
    private void permissionInstalled(InetAddress peer, Permission p, long nowNanos) {
        p.refreshAt = nowNanos + TimeUnit.SECONDS.toNanos(PERMISSION_REFRESH_SECONDS);
        if (!p.installed) {
            p.installed = true;
            events.add(new TurnEvent.PermissionCreated(peer));
        }
    }

    /** RFC 8656 §8: a minute before expiry, or halfway through a short lifetime. */
    private void scheduleRefresh(long lifetimeSeconds, long nowNanos) {
        long lifetime = TimeUnit.SECONDS.toNanos(lifetimeSeconds);
        allocationRefreshAt = nowNanos + Math.max(lifetime / 2, lifetime - REFRESH_MARGIN_NANOS);
    }

    private void end(State finalState) {
        state = finalState;
        transactions.clear();
        allocationRequest = null;
        forgetPeers();
    }

    private void forgetPeers() {
        permissions.clear();
        channelsByPeer.clear();
        Arrays.fill(channels, null);
    }

    private void deliver(ByteBuf frame, PeerDataReader.Result result) {
        if (result == PeerDataReader.Result.MALFORMED) {
            drop(Drop.MALFORMED);
        } else if (result == PeerDataReader.Result.UNKNOWN_CHANNEL) {
            drop(Drop.UNKNOWN_CHANNEL);
        } else if (state != State.ALLOCATED && state != State.CLOSING) {
            drop(Drop.UNEXPECTED);
        } else {
            events.add(new TurnEvent.PeerData(peerData.peer(),
                    ByteBufUtil.getBytes(frame, peerData.dataOffset(), peerData.dataLength())));
        }
    }

    private InetSocketAddress channelPeer(int number) {
        ChannelBinding c = ChannelData.isValidChannelNumber(number) ? channels[number - ChannelData.MIN_CHANNEL]
                : null;
        return c == null || !c.bound ? null : c.peer;
    }

    private int freeChannel() {
        for (int i = 0; i < CHANNELS; i++) {
            int candidate = (nextChannel + i) % CHANNELS;
            if (channels[candidate] == null) {
                nextChannel = (candidate + 1) % CHANNELS;
                return ChannelData.MIN_CHANNEL + candidate;
            }
        }
        throw new IllegalStateException("all " + CHANNELS + " channels are bound");
    }

    private Transaction begin(Transaction t, long nowNanos) {
        transactions.add(t);
        send(t, nowNanos);
        return t;
    }

    /** Encodes {@code t} with a fresh transaction id and the credentials as they are now, and sends it. */
    private void send(Transaction t, long nowNanos) {
        startMessage(StunMessageType.of(t.method, StunClass.REQUEST));
        switch (t.method) {
            case StunMethod.ALLOCATE -> TurnMessages.allocate(encoder, t.lifetimeSeconds);
            case StunMethod.REFRESH -> encoder.addUint32(StunAttributeType.LIFETIME, t.lifetimeSeconds);
            case StunMethod.CREATE_PERMISSION -> TurnMessages.permission(encoder, t.peer.getAddress());
            case StunMethod.CHANNEL_BIND -> TurnMessages.channelBind(encoder, t.channelNumber, t.peer);
            default -> throw new IllegalStateException("no such request is sent: " + t.method);
        }
        t.signed = credentials.isReady();
        if (t.signed) {
            credentials.sign(encoder);
        }
        encoder.addFingerprint().finish();
        t.request = ByteBufUtil.getBytes(scratch);
        t.idHigh = scratch.getLong(StunMessage.TRANSACTION_ID_OFFSET);
        t.idLow = scratch.getInt(StunMessage.TRANSACTION_ID_OFFSET + Long.BYTES);
        t.attempts++;
        t.sent = 0;
        t.start = nowNanos;
        t.nextSend = nowNanos;
        t.deadline = nowNanos + options.timers().timeout().toNanos();
        transmitDue(t, nowNanos);
    }

    /** Writes a header with a fresh, uniformly random transaction id (RFC 8489 §5) into {@link #scratch}. */
    private StunMessageEncoder startMessage(int messageType) {
        random.nextBytes(transactionId);
        scratch.clear();
        return encoder.wrap(scratch).header(messageType, transactionId);
    }

    /** RFC 8489 §6.2.1: over UDP, sends at 0, RTO, 3 RTO, 7 RTO… until Rc requests are out; once on a stream. */
    private void transmitDue(Transaction t, long nowNanos) {
        if (t.sent < requestLimit && nowNanos - t.nextSend >= 0) {
            transmits.add(new Transmit(server, t.request));
            t.sent++;
            t.nextSend = t.start + options.timers().retransmissionNanos(t.sent);
        }
    }

    private Transaction transaction(long high, int low) {
        for (Transaction t : transactions) {
            if (t.idHigh == high && t.idLow == low) {
                return t;
            }
        }
        return null;
    }

    private void requireAllocated() {
        if (state != State.ALLOCATED) {
            throw new IllegalStateException("no allocation: " + state);
        }
    }

    private void drop(Drop reason) {
        drops[reason.ordinal()]++;
    }

    /** One request, re-sent as a new transaction after a challenge. */
    private static final class Transaction {
        final int method;
        /** CreatePermission (port 0) and ChannelBind: XOR-PEER-ADDRESS. */
        final InetSocketAddress peer;
        final int channelNumber;
        /** Allocate and Refresh: LIFETIME, or {@link TurnMessages#DEFAULT_LIFETIME}. */
        final long lifetimeSeconds;
        byte[] request;
        long idHigh;
        int idLow;
        boolean signed;
        int attempts;
        int sent;
        long start;
        long nextSend;
        long deadline;

        private Transaction(int method, InetSocketAddress peer, int channelNumber, long lifetimeSeconds) {
            this.method = method;
            this.peer = peer;
            this.channelNumber = channelNumber;
            this.lifetimeSeconds = lifetimeSeconds;
        }

        static Transaction allocate(long lifetimeSeconds) {
            return new Transaction(StunMethod.ALLOCATE, null, 0, lifetimeSeconds);
        }

        static Transaction refresh(long lifetimeSeconds) {
            return new Transaction(StunMethod.REFRESH, null, 0, lifetimeSeconds);
        }

        static Transaction createPermission(InetAddress peer) {
            return new Transaction(StunMethod.CREATE_PERMISSION, new InetSocketAddress(peer, 0), 0,
                    TurnMessages.DEFAULT_LIFETIME);
        }

        static Transaction channelBind(int channelNumber, InetSocketAddress peer) {
            return new Transaction(StunMethod.CHANNEL_BIND, peer, channelNumber, TurnMessages.DEFAULT_LIFETIME);
        }
    }

    /** RFC 8656 §9: a permission the session installs and refreshes. */
    private static final class Permission {
        boolean installed;
        long refreshAt;
        /** The CreatePermission in flight, or null. */
        Transaction request;
    }

    /** RFC 8656 §12: a channel the session binds and refreshes. */
    private static final class ChannelBinding {
        final int number;
        final InetSocketAddress peer;
        boolean bound;
        long refreshAt;
        /** The ChannelBind in flight, or null. */
        Transaction request;

        ChannelBinding(int number, InetSocketAddress peer) {
            this.number = number;
            this.peer = peer;
        }
    }

    /** The earliest of a few times on a clock that may wrap (compared by difference, as {@link System#nanoTime}). */
    private static final class Deadline {
        boolean isSet;
        long nanos;

        void consider(long candidate) {
            if (!isSet || candidate - nanos < 0) {
                isSet = true;
                nanos = candidate;
            }
        }
    }
}
