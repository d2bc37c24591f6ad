package io.turnkit.server;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.UDPTransport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.turnkit.stun.LongTermKey;
import io.turnkit.stun.MessageIntegrity;
import io.turnkit.stun.StunAttributeType;
import io.turnkit.stun.StunAttributes;
import io.turnkit.stun.StunClass;
import io.turnkit.stun.StunMessage;
import io.turnkit.stun.StunMessageEncoder;
import io.turnkit.stun.StunMessageType;
import io.turnkit.stun.StunMethod;
import io.turnkit.stun.StunValidation;

/**
 * A small blocking TURN client for tests, over UDP, DTLS or TCP, that does the long-term credential dance
 * (RFC 8489 §9.2.3): the first request is answered 401 with REALM and NONCE, the next carries integrity.
 */
final class TestTurnClient implements AutoCloseable {
    private static final int TIMEOUT_MILLIS = 2000;

    private final DatagramSocket udp;
    private final Socket tcp;
    /** The DTLS session over {@link #udp}, or null for plain UDP. */
    private final DTLSTransport dtls;
    private final String username;
    private final String password;
    private String realm;
    private String nonce;
    private byte[] key;

    private TestTurnClient(DatagramSocket udp, Socket tcp, String username, String password) {
        this(udp, null, tcp, username, password);
    }

    private TestTurnClient(DatagramSocket udp, DTLSTransport dtls, Socket tcp, String username, String password) {
        this.udp = udp;
        this.dtls = dtls;
        this.tcp = tcp;
        this.username = username;
        this.password = password;
    }

    static TestTurnClient udp(InetSocketAddress server, String username, String password) throws IOException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(server.getAddress(), 0));
        socket.connect(server);
        socket.setSoTimeout(TIMEOUT_MILLIS);
        return new TestTurnClient(socket, null, username, password);
    }

    /** A client over DTLS 1.2 (bctls's client, which takes any server certificate) from a socket of its own. */
    static TestTurnClient dtls(InetSocketAddress server, String username, String password) throws IOException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(server.getAddress(), 0));
        socket.connect(server);
        socket.setSoTimeout(TIMEOUT_MILLIS);
        try {
            return dtls(socket, username, password);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** A client over a new DTLS session on {@code connected}, a socket that may have had one before. */
    static TestTurnClient dtls(DatagramSocket connected, String username, String password) throws IOException {
        return dtls(connected, new AnyCertificateDtlsClient(), new UDPTransport(connected, 1500), username, password);
    }

    /** A client over a DTLS session that {@code client} makes through {@code transport}, a transport on {@code connected}. */
    static TestTurnClient dtls(DatagramSocket connected, AnyCertificateDtlsClient client, DatagramTransport transport,
            String username, String password) throws IOException {
        DTLSTransport session = new DTLSClientProtocol().connect(client, transport);
        return new TestTurnClient(connected, session, null, username, password);
    }

    /**
     * Another user on this client's socket and so on its 5-tuple, with credentials to learn afresh; closing either
     * closes the socket.
     */
    TestTurnClient asUser(String otherUsername, String otherPassword) {
        return new TestTurnClient(udp, dtls, tcp, otherUsername, otherPassword);
    }

    /** Sends {@code datagram} as it is on the DTLS client's socket, outside the session (a forged record). */
    void sendRaw(byte[] datagram) throws IOException {
        udp.send(new DatagramPacket(datagram, datagram.length));
    }

    static TestTurnClient tcp(InetSocketAddress server, String username, String password) throws IOException {
        return stream(new Socket(server.getAddress(), server.getPort()), username, password);
    }

    /** A client over a stream socket already connected: TCP, or TLS on top of it. */
    static TestTurnClient stream(Socket connected, String username, String password) throws IOException {
        connected.setSoTimeout(TIMEOUT_MILLIS);
        return new TestTurnClient(null, connected, username, password);
    }

    /** The stream socket: a client data connection carries raw bytes once bound (RFC 6062 §5.4). */
    Socket socket() {
        return tcp;
    }

    InetSocketAddress localAddress() {
        return (InetSocketAddress) (udp != null ? udp.getLocalSocketAddress() : tcp.getLocalSocketAddress());
    }

    /** A response as the test sees it: the decoded message over its own heap copy. */
    static final class Response {
        final StunMessage message = new StunMessage();
        final ByteBuf bytes;

        Response(byte[] data) {
            bytes = Unpooled.wrappedBuffer(data);
            StunValidation validation = message.wrap(bytes, 0, data.length).validate();
            if (validation != StunValidation.VALID) {
                throw new AssertionError("server sent an invalid message: " + validation);
            }
        }

        boolean isSuccess() {
            return message.isSuccessResponse();
        }

        int errorCode() {
            int attribute = message.findAttribute(StunAttributeType.ERROR_CODE);
            return attribute < 0 ? 0 : StunAttributes.errorCode(message, attribute);
        }

        boolean has(int attributeType) {
            return message.findAttribute(attributeType) >= 0;
        }

        String string(int attributeType) {
            int attribute = message.findAttribute(attributeType);
            return attribute < 0 ? null : StunAttributes.string(message, attribute);
        }

        long uint32(int attributeType) {
            return StunAttributes.uint32(message, message.findAttribute(attributeType));
        }

        InetSocketAddress address(int attributeType) {
            return new io.turnkit.stun.AddressAttribute().wrap(message, message.findAttribute(attributeType))
                    .toSocketAddress();
        }

        /** Every address attribute of {@code attributeType}, in order: a dual allocation has two relayed addresses. */
        List<InetSocketAddress> addresses(int attributeType) {
            return AddressAttributes.all(message, attributeType);
        }

        @Override
        public String toString() {
            return (isSuccess() ? "success" : "error " + errorCode()) + " " + message.method();
        }
    }

    /** Sends a request without credentials and returns the response. */
    Response plain(int method, Consumer<StunMessageEncoder> attributes) throws IOException {
        return exchange(method, randomTransactionId(), attributes, false);
    }

    /** Sends a request with long-term credentials, learning REALM and NONCE from a 401 or 438 first. */
    Response authenticated(int method, Consumer<StunMessageEncoder> attributes) throws IOException {
        if (nonce == null) {
            Response challenge = plain(method, attributes);
            if (challenge.errorCode() != 401) {
                return challenge;
            }
            learn(challenge);
        }
        Response response = exchange(method, randomTransactionId(), attributes, true);
        if (response.errorCode() == 438) {
            learn(response);
            response = exchange(method, randomTransactionId(), attributes, true);
        }
        return response;
    }

    /** Sends the same request twice with one transaction id: the server must answer a retransmission alike. */
    byte[][] sentTwice(int method, Consumer<StunMessageEncoder> attributes) throws IOException {
        byte[] transactionId = randomTransactionId();
        Response first = exchange(method, transactionId, attributes, true);
        Response second = exchange(method, transactionId, attributes, true);
        return new byte[][] {ByteBufUtil.getBytes(first.bytes), ByteBufUtil.getBytes(second.bytes)};
    }

    /** Sends an authenticated request with a nonce of the test's choosing. */
    Response withNonce(String chosenNonce, String chosenRealm, int method, Consumer<StunMessageEncoder> attributes)
            throws IOException {
        nonce = chosenNonce;
        realm = chosenRealm;
        key = LongTermKey.md5(username, realm, password);
        return exchange(method, randomTransactionId(), attributes, true);
    }

    /** A Send indication (RFC 8656 §11.1) carrying {@code data} to {@code peer}. */
    byte[] sendIndication(InetSocketAddress peer, byte[] data) {
        ByteBuf out = Unpooled.buffer(64 + data.length);
        new StunMessageEncoder().wrap(out)
                .header(StunMessageType.of(StunMethod.SEND, StunClass.INDICATION), randomTransactionId())
                .addAddress(StunAttributeType.XOR_PEER_ADDRESS, peer)
                .addBytes(StunAttributeType.DATA, data)
                .finish();
        return ByteBufUtil.getBytes(out);
    }

    /** A ChannelData message (RFC 8656 §12.4) carrying {@code text}, padded to a multiple of 4 as over TCP. */
    static byte[] channelData(int channel, String text) {
        byte[] data = text.getBytes();
        byte[] frame = new byte[(4 + data.length + 3) & ~3];
        frame[0] = (byte) (channel >> 8);
        frame[1] = (byte) channel;
        frame[2] = (byte) (data.length >> 8);
        frame[3] = (byte) data.length;
        System.arraycopy(data, 0, frame, 4, data.length);
        return frame;
    }

    void learnFrom(Response challenge) {
        learn(challenge);
    }

    private void learn(Response challenge) {
        realm = challenge.string(StunAttributeType.REALM);
        nonce = challenge.string(StunAttributeType.NONCE);
        key = LongTermKey.md5(username, realm, password);
    }

    String realm() {
        return realm;
    }

    String nonce() {
        return nonce;
    }

    byte[] key() {
        return key;
    }

    private Response exchange(int method, byte[] transactionId, Consumer<StunMessageEncoder> attributes,
            boolean authenticate) throws IOException {
        ByteBuf out = Unpooled.buffer(512);
        StunMessageEncoder encoder = new StunMessageEncoder().wrap(out)
                .header(StunMessageType.of(method, StunClass.REQUEST), transactionId);
        attributes.accept(encoder);
        if (authenticate) {
            encoder.addString(StunAttributeType.USERNAME, username)
                    .addString(StunAttributeType.REALM, realm)
                    .addString(StunAttributeType.NONCE, nonce)
                    .addMessageIntegrity(key);
        }
        encoder.addFingerprint().finish();
        byte[] request = ByteBufUtil.getBytes(out);
        send(request);
        return awaitResponse(transactionId);
    }

    void send(byte[] frame) throws IOException {
        if (dtls != null) {
            dtls.send(frame, 0, frame.length);
        } else if (udp != null) {
            udp.send(new DatagramPacket(frame, frame.length));
        } else {
            OutputStream stream = tcp.getOutputStream();
            stream.write(frame);
            stream.flush();
        }
    }

    private Response awaitResponse(byte[] transactionId) throws IOException {
        long deadline = System.nanoTime() + TIMEOUT_MILLIS * 1_000_000L;
        while (System.nanoTime() < deadline) {
            byte[] frame = receiveFrame();
            if (frame.length >= StunMessage.HEADER_LENGTH && frame[0] < 4
                    && Arrays.equals(frame, 8, 20, transactionId, 0, 12)) {
                Response response = new Response(frame);
                if (response.message.findAttribute(StunAttributeType.MESSAGE_INTEGRITY) >= 0 && key != null
                        && !MessageIntegrity.check(response.message, key)) {
                    throw new AssertionError("response integrity does not verify");
                }
                return response;
            }
        }
        throw new SocketTimeoutException("no response");
    }

    /** The next datagram, or the next STUN/ChannelData frame from the stream. */
    byte[] receiveFrame() throws IOException {
        if (dtls != null) {
            byte[] buffer = new byte[1 << 14];
            int length = dtls.receive(buffer, 0, buffer.length, TIMEOUT_MILLIS);
            if (length < 0) {
                throw new SocketTimeoutException("no DTLS record");
            }
            return Arrays.copyOf(buffer, length);
        }
        if (udp != null) {
            byte[] buffer = new byte[65536];
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            udp.receive(packet);
            return Arrays.copyOf(buffer, packet.getLength());
        }
        DataInputStream in = new DataInputStream(tcp.getInputStream());
        byte[] header = new byte[4];
        in.readFully(header);
        int length = (header[2] & 0xFF) << 8 | header[3] & 0xFF;
        boolean stun = (header[0] & 0xC0) == 0;
        int rest = stun ? length + 16 : (length + 3) & ~3;
        byte[] frame = Arrays.copyOf(header, 4 + rest);
        in.readFully(frame, 4, rest);
        return frame;
    }

    static byte[] randomTransactionId() {
        byte[] id = new byte[12];
        ThreadLocalRandom.current().nextBytes(id);
        return id;
    }

    @Override
    public void close() throws IOException {
        if (dtls != null) {
            dtls.close();
        }
        if (udp != null) {
            udp.close();
        } else {
            tcp.close();
        }
    }
}
