package io.turnkit.server.transport.dtls;

import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.util.function.Consumer;

import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.AlertLevel;
import org.bouncycastle.tls.ContentType;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;
import io.turnkit.server.metrics.ServerCounter;
import io.turnkit.server.metrics.ServerCounters;
import io.turnkit.server.transport.Transports;
import io.turnkit.server.transport.UdpSocket;

/**
 * An established DTLS 1.2 session with one client (RFC 6347), whose records the server protects itself once bctls
 * has made the handshake: each datagram's records are checked against the replay window and decrypted in place
 * through one cipher, and each message to the client is encrypted into one record through another (RFC 5246
 * §6.2.3.3), on the listening socket's event loop. Used from that event loop only.
 */
public final class DtlsSession {
    /** RFC 6347 §4.1: sequence numbers are 48 bits; the session ends before it would use one twice. */
    private static final long LAST_SEQUENCE = (1L << 48) - 1;
    /**
     * How often the client's repeated last flight is answered with the server's (RFC 6347 §4.2.4): a client that
     * misses it more often than this has a path that loses everything.
     */
    private static final int FLIGHT_RESENDS = 4;
    /** The longest UDP payload: every datagram read fits. */
    private static final int LONGEST_DATAGRAM = 65_535;
    private static final FastThreadLocal<RecordBuffers> BUFFERS = new FastThreadLocal<>() {
        @Override
        protected RecordBuffers initialValue() {
            return new RecordBuffers();
        }
    };

    private final DatagramQueue handshake;
    private final UdpSocket socket;
    private final ServerCounters counters;
    private final RecordProtection reading;
    private final RecordProtection writing;
    private final ReplayWindow replays = new ReplayWindow();
    private final int epoch;
    private final int sendLimit;
    private long nextSequence;
    private int flightResends;
    private boolean over;

    DtlsSession(KeyBlock keys, DatagramQueue handshake, UdpSocket socket, ServerCounters counters)
            throws GeneralSecurityException {
        this.handshake = handshake;
        this.socket = socket;
        this.counters = counters;
        this.reading = keys.clientWrite();
        this.writing = keys.serverWrite();
        keys.destroy();
        this.epoch = handshake.writeEpoch();
        this.nextSequence = handshake.nextWriteSequence();
        this.sendLimit = DatagramQueue.DATAGRAM_LIMIT - RecordHeader.LENGTH - RecordCipher.OVERHEAD;
    }

    public InetSocketAddress client() {
        return handshake.client();
    }

    /**
     * Reads the records of {@code datagram}, handing the plaintext of each application_data record to {@code records}
     * (a buffer it must not keep past the call without retaining it). A datagram of which no record could be read
     * (forged, replayed, cut, of another epoch) is counted and dropped (RFC 6347 §4.1.2.7: invalid records are
     * discarded silently).
     *
     * @return false once the session is over: the client closed it (close_notify) or sent a fatal alert
     */
    public boolean receive(ByteBuf datagram, Consumer<ByteBuf> records) {
        int length = datagram.readableBytes();
        if (over || length > LONGEST_DATAGRAM) {
            counters.increment(ServerCounter.DTLS_DROPPED);
            return !over;
        }
        byte[] buffer = BUFFERS.get().received;
        datagram.getBytes(datagram.readerIndex(), buffer, 0, length);
        if (!readRecords(buffer, length, records)) {
            counters.increment(ServerCounter.DTLS_DROPPED);
        }
        return !over;
    }

    /**
     * Reads what the client sent between the end of the handshake and the session taking over from it.
     *
     * @return false once the session is over
     */
    public boolean readQueued(Consumer<ByteBuf> records) {
        byte[] buffer = BUFFERS.get().received;
        for (byte[] datagram = handshake.poll(); datagram != null && !over; datagram = handshake.poll()) {
            System.arraycopy(datagram, 0, buffer, 0, datagram.length);
            if (!readRecords(buffer, datagram.length, records)) {
                counters.increment(ServerCounter.DTLS_DROPPED);
            }
        }
        return !over;
    }

    /** @return whether any record of the datagram authenticated */
    private boolean readRecords(byte[] buffer, int length, Consumer<ByteBuf> records) {
        boolean accepted = false;
        int at = 0;
        while (!over && at + RecordHeader.LENGTH <= length) {
            int fragment = RecordHeader.fragmentLength(buffer, at);
            int next = at + RecordHeader.LENGTH + fragment;
            if (next > length) {
                // RFC 6347 §4.1.2.7: a record cut short; nothing after it can be found.
                break;
            }
            accepted |= readRecord(buffer, at, fragment, records);
            at = next;
        }
        return accepted;
    }

    /** @return whether the record authenticated */
    private boolean readRecord(byte[] buffer, int at, int fragment, Consumer<ByteBuf> records) {
        long sequence = RecordHeader.sequenceNumber(buffer, at);
        if (RecordHeader.version(buffer, at) != RecordHeader.DTLS_1_2
                || RecordHeader.epoch(buffer, at) != epoch
                || replays.isReplay(sequence)) {
            return false;
        }
        int length = reading.open(buffer, at, fragment);
        if (length < 0) {
            return false;
        }
        replays.accept(sequence);
        int plaintext = RecordProtection.plaintextOffset(at);
        switch (RecordHeader.type(buffer, at)) {
            case ContentType.application_data:
                ByteBuf record = Transports.ALLOCATOR.directBuffer(length).writeBytes(buffer, plaintext, length);
                try {
                    records.accept(record);
                } finally {
                    record.release();
                }
                break;
            case ContentType.alert:
                // RFC 5246 §7.2: close_notify, which is answered with one, or any fatal alert ends the session.
                if (length == 2 && buffer[plaintext + 1] == AlertDescription.close_notify) {
                    close();
                } else if (length == 2 && buffer[plaintext] == AlertLevel.fatal) {
                    over = true;
                }
                break;
            case ContentType.handshake:
                // The client's Finished again: it did not get the server's last flight (RFC 6347 §4.2.4).
                if (flightResends++ < FLIGHT_RESENDS) {
                    handshake.resendLastFlight();
                }
                break;
            default:
                // Nothing else may come in this epoch; it authenticated, so it is the client's, and ignored.
                break;
        }
        return true;
    }

    /** Encrypts {@code frame} into one record to the client, and releases it; the link flushes the socket. */
    public void send(ByteBuf frame) {
        try {
            int length = frame.readableBytes();
            if (over || length > sendLimit) {
                counters.increment(ServerCounter.DTLS_DROPPED);
                return;
            }
            byte[] buffer = BUFFERS.get().sent;
            frame.getBytes(frame.readerIndex(), buffer, RecordProtection.plaintextOffset(0), length);
            sendRecord(buffer, ContentType.application_data, length);
        } finally {
            frame.release();
        }
    }

    private void sendRecord(byte[] buffer, short type, int plaintextLength) {
        if (nextSequence > LAST_SEQUENCE) {
            over = true;
            return;
        }
        RecordHeader.write(buffer, 0, type, epoch, nextSequence++);
        try {
            int length = writing.seal(buffer, 0, plaintextLength);
            socket.write(Transports.ALLOCATOR.directBuffer(length).writeBytes(buffer, 0, length), client());
        } catch (GeneralSecurityException e) {
            // The JCA refused a key it took at the start: nothing more can be sent.
            over = true;
            counters.increment(ServerCounter.DTLS_DROPPED);
        }
    }

    /** Ends the session with a close_notify (RFC 5246 §7.2.1), unless it is over already. */
    public void close() {
        if (!over) {
            byte[] buffer = BUFFERS.get().sent;
            int alert = RecordProtection.plaintextOffset(0);
            buffer[alert] = AlertLevel.warning;
            buffer[alert + 1] = AlertDescription.close_notify;
            sendRecord(buffer, ContentType.alert, 2);
            over = true;
        }
    }

    /**
     * The event loop's buffers for records in and out, apart because a record read may be answered at once: every
     * session of the loop uses them, one record at a time.
     */
    private static final class RecordBuffers {
        final byte[] received = new byte[LONGEST_DATAGRAM];
        final byte[] sent = new byte[DatagramQueue.DATAGRAM_LIMIT];
    }
}
