package io.turnkit.ice.turn;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Consumer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.turnkit.ice.stun.ErrorResponseException;
import io.turnkit.ice.stun.ReceivedFrame;
import io.turnkit.ice.stun.StunClient;
import io.turnkit.ice.stun.StunResponse;
import io.turnkit.stun.ChannelData;
import io.turnkit.stun.StunAttributeType;
import io.turnkit.stun.StunErrorCode;
import io.turnkit.stun.StunMessage;
import io.turnkit.stun.StunMessageEncoder;
import io.turnkit.stun.StunMethod;
import io.turnkit.stun.StunValidation;

/**
 * A TURN client (RFC 8656) for one allocation with UDP relaying, over a {@link StunClient} on UDP or TCP. Requests
 * carry long-term credentials once the server's first 401 has taught the realm and nonce; a 438 Stale Nonce is
 * answered by retrying with the new nonce. Data from peers — ChannelData (§12.6) and Data indications (§11.4) —
 * goes to the {@link PeerDataHandler} whenever the client reads: in {@link #poll} and while a transaction waits.
 * Blocking and single-threaded.
 */
public final class TurnClient implements Closeable {
    /** Application data a peer sent to the relayed address. */
    @FunctionalInterface
    public interface PeerDataHandler {
        /** {@code data[offset, offset + length)} is valid during the call only. */
        void onData(InetSocketAddress peer, ByteBuf data, int offset, int length, long receivedNanos);
    }

    /** Makes a client of another server, over the same transport: the one a 300 Try Alternate names. */
    @FunctionalInterface
    public interface AlternateServers {
        StunClient connect(InetSocketAddress alternate) throws IOException;
    }

    private static final int CHANNELS = ChannelData.MAX_CHANNEL - ChannelData.MIN_CHANNEL + 1;

    private StunClient stun;
    private final LongTermCredentials credentials;
    /** Null: a 300 to an Allocate is an error like any other. */
    private final AlternateServers alternates;
    private final InetSocketAddress[] channelPeers = new InetSocketAddress[CHANNELS];
    private final PeerDataReader peerData = new PeerDataReader();
    private final StunMessage indication = new StunMessage();
    private final ByteBuf out = Unpooled.buffer(2048);
    private PeerDataHandler handler = (peer, data, offset, length, receivedNanos) -> { };

    public TurnClient(StunClient stun, LongTermCredentials credentials) {
        this(stun, credentials, null);
    }

    /**
     * A client that follows one 300 Try Alternate answering its Allocate (RFC 8489 §10, which RFC 8656 §7.2 allows
     * for Allocate): to the server its ALTERNATE-SERVER names, reached through {@code alternates}, unless that is
     * the server already tried; a second 300 is an error, so that two servers naming each other cannot loop.
     */
    public TurnClient(StunClient stun, LongTermCredentials credentials, AlternateServers alternates) {
        this.stun = stun;
        this.credentials = credentials;
        this.alternates = alternates;
        stun.onOtherFrames(this::onFrame);
    }

    public StunClient stun() {
        return stun;
    }

    /** Sets where data from peers goes (by default it is dropped). */
    public void onPeerData(PeerDataHandler peerDataHandler) {
        handler = peerDataHandler;
    }

    /** RFC 8656 §7.1: allocates a UDP relay with the server's default lifetime. */
    public TurnAllocation allocate() throws IOException {
        return allocate(null);
    }

    /**
     * RFC 8656 §7.1: allocates a UDP relay, asking for {@code lifetime} when not null.
     *
     * @throws ErrorResponseException when the server refuses (401 wrong credentials, 437, 486 quota, 508…)
     */
    public TurnAllocation allocate(Duration lifetime) throws IOException {
        Consumer<StunMessageEncoder> allocate = request -> TurnMessages.allocate(request,
                lifetime == null ? TurnMessages.DEFAULT_LIFETIME : lifetime.toSeconds());
        StunResponse response = exchange(StunMethod.ALLOCATE, allocate);
        InetSocketAddress alternate = alternateServer(response);
        if (alternate != null) {
            redirect(alternate);
            response = exchange(StunMethod.ALLOCATE, allocate);
        }
        if (!response.isSuccess()) {
            throw ErrorResponseException.of(StunMethod.ALLOCATE, response);
        }
        TurnAllocation allocation = TurnMessages.allocation(response.message());
        if (allocation == null) {
            throw new ProtocolException("Allocate success response without XOR-RELAYED-ADDRESS or LIFETIME");
        }
        return allocation;
    }

    /** RFC 8656 §8.1: refreshes the allocation for {@code lifetime} (0 deletes it); returns the lifetime granted. */
    public Duration refresh(Duration lifetime) throws IOException {
        StunResponse response = transact(StunMethod.REFRESH,
                request -> request.addUint32(StunAttributeType.LIFETIME, lifetime.toSeconds()));
        return Duration.ofSeconds(Math.max(0, response.uint32(StunAttributeType.LIFETIME)));
    }

    /** RFC 8656 §8.1: deletes the allocation with a Refresh of lifetime 0; its channels go with it. */
    public void release() throws IOException {
        refresh(Duration.ZERO);
        Arrays.fill(channelPeers, null);
    }

    /** RFC 8656 §10.1: installs or refreshes permissions for {@code peers}, all in one request. */
    public void createPermission(InetAddress... peers) throws IOException {
        transact(StunMethod.CREATE_PERMISSION, request -> {
            for (InetAddress peer : peers) {
                TurnMessages.permission(request, peer);
            }
        });
    }

    /**
     * RFC 8656 §12.1: binds {@code channelNumber} (0x4000–0x4FFF) to {@code peer}, or refreshes the binding; this
     * also installs or refreshes the peer's permission.
     */
    public void bindChannel(int channelNumber, InetSocketAddress peer) throws IOException {
        if (!ChannelData.isValidChannelNumber(channelNumber)) {
            throw new IllegalArgumentException("a channel number is 0x4000-0x4FFF: " + channelNumber);
        }
        transact(StunMethod.CHANNEL_BIND, request -> TurnMessages.channelBind(request, channelNumber, peer));
        channelPeers[channelNumber - ChannelData.MIN_CHANNEL] = peer;
    }

    /** RFC 8656 §12.5: sends {@code data[offset, offset + length)} on a bound channel, padded to 4 bytes over TCP. */
    public void sendChannelData(int channelNumber, byte[] data, int offset, int length) throws IOException {
        out.clear();
        TurnMessages.channelData(out, channelNumber, data, offset, length, stun.transport().isReliable());
        stun.transport().send(out);
    }

    /** RFC 8656 §11.1: sends {@code data[offset, offset + length)} to {@code peer} in a Send indication. */
    public void sendIndication(InetSocketAddress peer, byte[] data, int offset, int length) throws IOException {
        stun.indicate(StunMethod.SEND, send -> TurnMessages.send(send, peer, data, offset, length));
    }

    /** Reads until {@code deadlineNanos} ({@link System#nanoTime()}), handing peer data to the handler. */
    public void poll(long deadlineNanos) throws IOException {
        stun.poll(deadlineNanos);
    }

    /**
     * One request with the long-term credential dance (RFC 8489 §9.2.5): a 401 to an unsigned request brings
     * REALM and NONCE, and the request is sent again signed; a 438 brings a fresh nonce for one more try. A 401 to a
     * signed request means the credentials are wrong: no retry.
     */
    private StunResponse transact(int method, Consumer<StunMessageEncoder> attributes) throws IOException {
        StunResponse response = exchange(method, attributes);
        if (!response.isSuccess()) {
            throw ErrorResponseException.of(method, response);
        }
        return response;
    }

    /** As {@link #transact}, returning an error response rather than throwing it. */
    private StunResponse exchange(int method, Consumer<StunMessageEncoder> attributes) throws IOException {
        StunResponse response = null;
        for (int attempt = 0; attempt < LongTermCredentials.MAX_ATTEMPTS; attempt++) {
            boolean signed = credentials.isReady();
            response = stun.request(method, signed ? attributes.andThen(credentials::sign) : attributes,
                    stun.transport().server(), credentials::verifies);
            if (response.isSuccess() || !LongTermCredentials.isChallenge(response.errorCode(), signed)
                    || !credentials.learn(response)) {
                break;
            }
        }
        return response;
    }

    /** The server a 300 to an Allocate names, when this client follows it; else null. */
    private InetSocketAddress alternateServer(StunResponse response) {
        if (alternates == null || response.errorCode() != StunErrorCode.TRY_ALTERNATE) {
            return null;
        }
        InetSocketAddress alternate = TurnMessages.address(response.message(), StunAttributeType.ALTERNATE_SERVER);
        return alternate == null || alternate.equals(stun.transport().server()) ? null : alternate;
    }

    /**
     * Moves to {@code alternate}: the Allocate goes there with the same credentials (RFC 8489 §10); the nonce,
     * bound to this client's old address, is answered with 438 and a fresh one, which {@link #exchange} takes.
     */
    private void redirect(InetSocketAddress alternate) throws IOException {
        StunClient next = alternates.connect(alternate);
        stun.close();
        stun = next;
        stun.onOtherFrames(this::onFrame);
    }

    /** A frame that answers no transaction: ChannelData or a Data indication from a peer, else not used. */
    private boolean onFrame(ReceivedFrame frame) {
        int first = frame.firstByte();
        PeerDataReader.Result result;
        if (PeerDataReader.isChannelData(first)) {
            result = peerData.channelData(frame.buffer(), frame.offset(), frame.length(),
                    stun.transport().isReliable(), this::channelPeer);
        } else if (PeerDataReader.isStun(first) && isDataIndication(frame)) {
            result = peerData.dataIndication(indication);
        } else {
            return false;
        }
        if (result != PeerDataReader.Result.DATA) {
            return false;
        }
        handler.onData(peerData.peer(), frame.buffer(), peerData.dataOffset(), peerData.dataLength(),
                frame.receivedNanos());
        return true;
    }

    private boolean isDataIndication(ReceivedFrame frame) {
        return indication.wrap(frame.buffer(), frame.offset(), frame.length()).validate() == StunValidation.VALID
                && indication.isIndication() && indication.method() == StunMethod.DATA;
    }

    private InetSocketAddress channelPeer(int channelNumber) {
        return ChannelData.isValidChannelNumber(channelNumber)
                ? channelPeers[channelNumber - ChannelData.MIN_CHANNEL] : null;
    }

    @Override
    public void close() throws IOException {
        stun.close();
    }
}
