package io.turnkit.ice.stun;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.function.Consumer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.turnkit.stun.StunAttributeType;
import io.turnkit.stun.StunClass;
import io.turnkit.stun.StunMessage;
import io.turnkit.stun.StunMessageEncoder;
import io.turnkit.stun.StunMessageType;
import io.turnkit.stun.StunMethod;
import io.turnkit.stun.StunValidation;

/**
 * The client side of STUN transactions (RFC 8489 §6.2): one request at a time, retransmitted over UDP on the
 * {@link TransactionTimers} schedule, matched to its response by transaction id. Frames that answer no transaction —
 * ChannelData, Data indications, late duplicates of earlier responses — go to the {@link FrameHandler}, also while a
 * transaction waits, so that relayed data is not lost to a Refresh. Blocking and single-threaded.
 */
public final class StunClient implements Closeable {
    /** What the client does with a frame that answers no transaction. */
    @FunctionalInterface
    public interface FrameHandler {
        /**
         * Handles a frame; its bytes are valid during the call only.
         *
         * @return whether the frame was used; the others are counted in {@link #discardedFrames()}
         */
        boolean onFrame(ReceivedFrame frame);
    }

    /** Whether a response that matches the transaction is authentic; one that is not is ignored (RFC 8489 §9.2.5). */
    @FunctionalInterface
    public interface ResponseCheck {
        ResponseCheck ANY = response -> true;

        boolean accepts(StunMessage response);
    }

    private static final int REQUEST_CAPACITY = 512;

    private final StunTransport transport;
    private final TransactionTimers timers;
    private final SecureRandom random = new SecureRandom();
    private final byte[] transactionId = new byte[StunMessage.TRANSACTION_ID_LENGTH];
    private final ByteBuf request = Unpooled.buffer(REQUEST_CAPACITY);
    private final StunMessageEncoder encoder = new StunMessageEncoder();
    private final StunMessage inbound = new StunMessage();
    private final ReceivedFrame frame = new ReceivedFrame();
    private FrameHandler otherFrames = frame -> false;
    private long discarded;

    public StunClient(StunTransport transport, TransactionTimers timers) {
        this.transport = transport;
        this.timers = timers;
    }

    public StunTransport transport() {
        return transport;
    }

    public TransactionTimers timers() {
        return timers;
    }

    /** Sets what becomes of frames that answer no transaction (by default they are discarded). */
    public void onOtherFrames(FrameHandler handler) {
        otherFrames = handler;
    }

    /**
     * Frames received and not used: not STUN or ChannelData, malformed, failing the integrity check, duplicate
     * responses, or refused by the {@link FrameHandler}.
     */
    public long discardedFrames() {
        return discarded;
    }

    /** A request to the server, any well-formed response accepted. */
    public StunResponse request(int method, Consumer<StunMessageEncoder> attributes) throws IOException {
        return request(method, attributes, transport.server(), ResponseCheck.ANY);
    }

    /**
     * Runs one transaction: a request of {@code method} with a fresh random transaction id (RFC 8489 §5), the
     * attributes {@code attributes} writes, and FINGERPRINT (§14.7), sent to {@code destination} and retransmitted
     * unchanged until a response that {@code check} accepts arrives.
     *
     * @return the response, success or error
     * @throws StunTimeoutException when the transaction times out
     * @throws ProtocolException when the response holds comprehension-required attributes this client does not know
     *                           (RFC 8489 §6.3.3, §6.3.4: the transaction has failed)
     * @throws IOException when the transport fails
     */
    public StunResponse request(int method, Consumer<StunMessageEncoder> attributes, InetSocketAddress destination,
            ResponseCheck check) throws IOException {
        encode(method, StunClass.REQUEST, attributes);
        long high = request.getLong(StunMessage.TRANSACTION_ID_OFFSET);
        int low = request.getInt(StunMessage.TRANSACTION_ID_OFFSET + Long.BYTES);

        int requestLimit = transport.isReliable() ? 1 : timers.maxRequests();
        long start = System.nanoTime();
        long end = start + timers.timeout().toNanos();
        long nextSend = start;
        int sent = 0;
        while (end - System.nanoTime() > 0) {
            if (sent < requestLimit && System.nanoTime() - nextSend >= 0) {
                transport.send(request, destination);
                sent++;
                nextSend = start + timers.retransmissionNanos(sent);
            }
            long wait = sent < requestLimit && nextSend - end < 0 ? nextSend : end;
            if (transport.receive(frame, wait)) {
                StunResponse response = response(method, high, low, check, start, sent);
                if (response != null) {
                    return response;
                }
            }
        }
        throw new StunTimeoutException("no response from " + transport + " in " + format(timers.timeout())
                + (sent > 1 ? " (" + sent + " requests sent)" : ""));
    }

    /**
     * Sends an indication of {@code method} (RFC 8489 §6.2: no response, no retransmission) to the server, with the
     * attributes {@code attributes} writes and FINGERPRINT.
     */
    public void indicate(int method, Consumer<StunMessageEncoder> attributes) throws IOException {
        encode(method, StunClass.INDICATION, attributes);
        transport.send(request);
    }

    /** Writes a message with a fresh transaction id, uniformly random as RFC 8489 §5 asks, into {@link #request}. */
    private void encode(int method, int stunClass, Consumer<StunMessageEncoder> attributes) {
        random.nextBytes(transactionId);
        request.clear();
        encoder.wrap(request).header(StunMessageType.of(method, stunClass), transactionId);
        attributes.accept(encoder);
        encoder.addFingerprint().finish();
    }

    /** The frame as the response awaited, or null after handing it to the {@link FrameHandler}. */
    private StunResponse response(int method, long high, int low, ResponseCheck check, long start, int sent)
            throws ProtocolException {
        int first = frame.firstByte();
        // RFC 7983 §7: 0-3 is STUN.
        if (first < 0 || first > 3) {
            dispatch();
            return null;
        }
        StunValidation validation = inbound.wrap(frame.buffer(), frame.offset(), frame.length()).validate();
        boolean answers = validation.isWellFormed() && inbound.hasTransactionId(high, low)
                && inbound.method() == method && (inbound.isSuccessResponse() || inbound.isErrorResponse());
        if (!answers) {
            dispatch();
            return null;
        }
        if (validation == StunValidation.UNKNOWN_COMPREHENSION_REQUIRED) {
            throw new ProtocolException(StunMethod.name(method) + " response with unknown comprehension-required "
                    + "attribute " + StunAttributeType.name(inbound.unknownAttribute(0)));
        }
        if (!check.accepts(inbound)) {
            discarded++;
            return null;
        }
        byte[] copy = ByteBufUtil.getBytes(frame.buffer(), frame.offset(), frame.length());
        return new StunResponse(copy, frame.source(), Duration.ofNanos(frame.receivedNanos() - start), sent);
    }

    /** Handles the frames that arrive until {@code deadlineNanos} ({@link System#nanoTime()}). */
    public void poll(long deadlineNanos) throws IOException {
        while (transport.receive(frame, deadlineNanos)) {
            dispatch();
        }
    }

    private void dispatch() {
        if (!otherFrames.onFrame(frame)) {
            discarded++;
        }
    }

    /** A Binding request to the server (RFC 8489 §3, §6). */
    public BindingResult binding() throws IOException {
        return binding(transport.server(), 0);
    }

    /**
     * A Binding request to {@code destination} — the server, or over UDP another of its addresses — carrying
     * CHANGE-REQUEST with {@code changeRequest} when that is not 0 (RFC 5780 §7.2).
     *
     * @throws ErrorResponseException when the server answers with an error
     * @throws ProtocolException      when the success response has no mapped address
     */
    public BindingResult binding(InetSocketAddress destination, int changeRequest) throws IOException {
        StunResponse response = request(StunMethod.BINDING, attributes -> {
            if (changeRequest != 0) {
                attributes.addUint32(StunAttributeType.CHANGE_REQUEST, changeRequest);
            }
        }, destination, ResponseCheck.ANY);
        if (!response.isSuccess()) {
            throw ErrorResponseException.of(StunMethod.BINDING, response);
        }
        InetSocketAddress mapped = response.address(StunAttributeType.XOR_MAPPED_ADDRESS);
        if (mapped == null) {
            // RFC 8489 §14.1: servers that predate XOR-MAPPED-ADDRESS send MAPPED-ADDRESS.
            mapped = response.address(StunAttributeType.MAPPED_ADDRESS);
        }
        if (mapped == null) {
            throw new ProtocolException("Binding response without XOR-MAPPED-ADDRESS");
        }
        return new BindingResult(mapped, response.string(StunAttributeType.SOFTWARE),
                response.address(StunAttributeType.OTHER_ADDRESS), response.source(), response.roundTrip(),
                response.requestsSent());
    }

    /** "39.5 s", "500 ms": durations in messages. */
    static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis < 1000) {
            return millis + " ms";
        }
        return (millis % 1000 == 0 ? Long.toString(millis / 1000) : Double.toString(millis / 1000.0)) + " s";
    }

    @Override
    public void close() throws IOException {
        transport.close();
    }
}
