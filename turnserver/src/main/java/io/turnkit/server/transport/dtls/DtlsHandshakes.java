package io.turnkit.server.transport.dtls;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.bouncycastle.tls.ContentType;
import org.bouncycastle.tls.DTLSRequest;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSVerifier;
import org.bouncycastle.tls.DatagramSender;
import org.bouncycastle.tls.HandshakeType;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.turnkit.server.metrics.ServerCounter;
import io.turnkit.server.metrics.ServerCounters;
import io.turnkit.server.transport.Transports;
import io.turnkit.server.transport.UdpSocket;
import io.turnkit.server.transport.tls.ServerCertificate;

/**
 * The server's DTLS handshakes (RFC 6347), for every UDP listener.
 *
 * <p>A ClientHello without a valid cookie gets a HelloVerifyRequest and leaves no state (RFC 6347 §4.2.1): the
 * cookie is an HMAC of the client's address and hello under a key made at start, so a flood from spoofed sources
 * costs one MAC and one small datagram each. Only a client that echoes its cookie, and so receives at its address,
 * starts a handshake; at most {@code maxInProgress} run at once, and each is dropped after {@code timeoutSeconds}.
 *
 * <p>bctls's handshake is blocking: it reads its socket and sleeps through its retransmission timers. So each
 * handshake runs on a thread of this class's pool, reading the datagrams the event loop queues for it, and the
 * event loop never waits for one; the pool has one thread per handshake allowed, so a client that stalls its
 * handshake holds up nobody else's. Once the handshake is over the event loop takes the session's keys and
 * encrypts and decrypts its records itself ({@link DtlsSession}).
 */
public final class DtlsHandshakes implements AutoCloseable {
    private final ServerCertificate certificate;
    private final ServerCounters counters;
    private final int maxInProgress;
    private final int timeoutMillis;
    private final JcaTlsCrypto crypto;
    /** Replaced now and then ({@link #newCookieSecret}): the HMAC key is the verifier's own. */
    private volatile DTLSVerifier cookies;
    private final ThreadPoolExecutor threads;
    private final AtomicInteger inProgress = new AtomicInteger();

    public DtlsHandshakes(ServerCertificate certificate, int maxInProgress, int timeoutSeconds,
            ServerCounters counters) {
        this.certificate = certificate;
        this.counters = counters;
        this.maxInProgress = maxInProgress;
        this.timeoutMillis = (int) TimeUnit.SECONDS.toMillis(timeoutSeconds);
        this.crypto = new JcaTlsCryptoProvider().create(new SecureRandom());
        this.cookies = new DTLSVerifier(crypto);
        this.threads = new ThreadPoolExecutor(maxInProgress, maxInProgress, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), new DefaultThreadFactory("turnkit-dtls-handshake", true));
        threads.allowCoreThreadTimeOut(true);
    }

    /**
     * RFC 6347 §4.2.1: the cookie secret should change often. A client whose cookie was made with the old one gets
     * a new HelloVerifyRequest, and its handshake begins a round trip later.
     */
    public void newCookieSecret() {
        cookies = new DTLSVerifier(crypto);
    }

    /** How many handshakes are under way (past their cookie), on every listener. */
    public int inProgress() {
        return inProgress.get();
    }

    /**
     * A DTLS datagram from {@code client}, which has neither a session nor a handshake on {@code socket}: a
     * ClientHello without its cookie is answered with a HelloVerifyRequest, one with it starts a handshake, anything
     * else is counted and dropped. Called on {@code socket}'s event loop.
     *
     * @param established called on the event loop when the handshake is over: with the session, or with null if the
     *                    handshake failed or took too long
     * @return the handshake started, or null
     */
    public DtlsHandshake accept(ByteBuf datagram, InetSocketAddress client, UdpSocket socket,
            Consumer<DtlsSession> established) {
        byte[] data = new byte[datagram.readableBytes()];
        datagram.getBytes(datagram.readerIndex(), data);
        HelloVerifySender verify = new HelloVerifySender(socket, client);
        DTLSRequest request = cookies.verifyRequest(clientId(client), data, 0, data.length, verify);
        if (request == null) {
            counters.increment(verify.sent ? ServerCounter.DTLS_HELLO_VERIFY : ServerCounter.DTLS_DROPPED);
            return null;
        }
        if (inProgress.incrementAndGet() > maxInProgress) {
            inProgress.decrementAndGet();
            counters.increment(ServerCounter.DTLS_HANDSHAKES_REFUSED);
            return null;
        }
        DatagramQueue queue = new DatagramQueue(socket, client,
                System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis));
        try {
            threads.execute(() -> handshake(request, queue, socket, established));
        } catch (RejectedExecutionException e) {
            // The server is stopping.
            inProgress.decrementAndGet();
            return null;
        }
        return new DtlsHandshake(queue, counters);
    }

    private void handshake(DTLSRequest request, DatagramQueue queue, UdpSocket socket,
            Consumer<DtlsSession> established) {
        // The certificate current now: a reload serves new handshakes, sessions keep the one they started with.
        TurnDtlsServer server = new TurnDtlsServer(crypto, certificate.current(), timeoutMillis);
        KeyBlock keys = null;
        try {
            // bctls's transport is left behind: the session protects its records itself, from the keys.
            new DTLSServerProtocol().accept(server, queue, request);
            keys = server.keys();
        } catch (IOException | RuntimeException e) {
            // Failed, timed out or cut short by a stop: counted on the event loop below.
        } finally {
            inProgress.decrementAndGet();
        }
        KeyBlock up = keys;
        try {
            socket.eventLoop().execute(() -> established.accept(session(up, queue, socket)));
        } catch (RejectedExecutionException e) {
            // The event loop has stopped, and the session with it.
        }
    }

    private DtlsSession session(KeyBlock keys, DatagramQueue queue, UdpSocket socket) {
        if (keys != null) {
            try {
                DtlsSession session = new DtlsSession(keys, queue, socket, counters);
                counters.increment(ServerCounter.DTLS_HANDSHAKES);
                return session;
            } catch (GeneralSecurityException e) {
                // The JCA has no cipher for the suite bctls agreed through it: the session cannot start.
            }
        }
        counters.increment(ServerCounter.DTLS_HANDSHAKE_FAILED);
        return null;
    }

    /**
     * Whether {@code datagram} starts with an epoch-0 handshake record holding a ClientHello: a client beginning
     * (again) rather than a record of its session (RFC 6347 §4.1, §4.2.8).
     */
    public static boolean isClientHello(ByteBuf datagram) {
        int start = datagram.readerIndex();
        return datagram.readableBytes() > RecordHeader.LENGTH
                && datagram.getUnsignedByte(start) == ContentType.handshake
                && datagram.getUnsignedShort(start + RecordHeader.EPOCH_OFFSET) == 0
                && datagram.getUnsignedByte(start + RecordHeader.LENGTH) == HandshakeType.client_hello;
    }

    /** What the cookie is bound to (RFC 6347 §4.2.1): the client's address and port. */
    private static byte[] clientId(InetSocketAddress client) {
        byte[] address = client.getAddress().getAddress();
        byte[] id = new byte[address.length + 2];
        System.arraycopy(address, 0, id, 0, address.length);
        id[address.length] = (byte) (client.getPort() >>> 8);
        id[address.length + 1] = (byte) client.getPort();
        return id;
    }

    /** Stops the handshakes under way; their clients start again with another server. */
    @Override
    public void close() {
        threads.shutdownNow();
    }

    /** Sends the HelloVerifyRequest straight back on the event loop, and remembers that it did. */
    private static final class HelloVerifySender implements DatagramSender {
        private final UdpSocket socket;
        private final InetSocketAddress client;
        private boolean sent;

        HelloVerifySender(UdpSocket socket, InetSocketAddress client) {
            this.socket = socket;
            this.client = client;
        }

        @Override
        public int getSendLimit() {
            return DatagramQueue.DATAGRAM_LIMIT;
        }

        @Override
        public void send(byte[] buf, int off, int len) {
            socket.write(Transports.ALLOCATOR.directBuffer(len).writeBytes(buf, off, len), client);
            sent = true;
        }
    }
}
