package io.turnkit.server.transport.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslHandler;
import io.turnkit.server.config.ServerConfig;
import io.turnkit.server.metrics.ServerCounter;
import io.turnkit.server.metrics.ServerCounters;
import io.turnkit.server.transport.ClosingOnError;

/** One TCP port, TLS and plain STUN/ChannelData told apart by the first bytes. */
class StreamDemultiplexerTest {
    /** A Binding request header with no attributes (RFC 8489 §5): type 0x0001, length 0, the magic cookie. */
    private static final byte[] BINDING_REQUEST = {0, 1, 0, 0, 0x21, 0x12, (byte) 0xA4, 0x42,
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    /** A ChannelData frame on channel 0x4000 with 4 bytes (RFC 8656 §12.4). */
    private static final byte[] CHANNEL_DATA = {0x40, 0, 0, 4, 'd', 'a', 't', 'a'};

    private final ServerCounters counters = new ServerCounters();
    private EmbeddedChannel channel;

    @AfterEach
    void close() {
        if (channel != null) {
            channel.finishAndReleaseAll();
        }
    }

    private EmbeddedChannel channel(ServerCertificate certificate) {
        channel = new EmbeddedChannel(new StreamDemultiplexer(certificate, counters), new ClosingOnError());
        return channel;
    }

    private static ServerCertificate certificate() {
        return ServerCertificate.of(ServerConfig.builder().auth(au -> au.realm("turnkit.test")).build(), List.of());
    }

    /** The first flight of a real TLS client: a ClientHello in a handshake record. */
    private static byte[] clientHello() throws Exception {
        SSLEngine client = SSLContext.getDefault().createSSLEngine();
        client.setUseClientMode(true);
        ByteBuffer out = ByteBuffer.allocate(client.getSession().getPacketBufferSize());
        client.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        byte[] hello = new byte[out.remaining()];
        out.get(hello);
        return hello;
    }

    private static byte[] read(ByteBuf buffer) {
        try {
            return ByteBufUtil.getBytes(buffer);
        } finally {
            buffer.release();
        }
    }

    @Test
    void shouldPassPlainStunOnUntouched() {
        EmbeddedChannel plain = channel(certificate());
        plain.writeInbound(Unpooled.wrappedBuffer(BINDING_REQUEST));
        assertArrayEquals(BINDING_REQUEST, read(plain.readInbound()));
        assertNull(plain.pipeline().get(StreamDemultiplexer.class), "the demultiplexer steps aside");
        assertNull(plain.pipeline().get(SslHandler.class));
    }

    @Test
    void shouldPassChannelDataOnUntouched() {
        EmbeddedChannel plain = channel(certificate());
        plain.writeInbound(Unpooled.wrappedBuffer(CHANNEL_DATA));
        assertArrayEquals(CHANNEL_DATA, read(plain.readInbound()));
        assertNull(plain.pipeline().get(SslHandler.class));
    }

    @Test
    void shouldAnswerAClientHelloSplitAfterItsFirstByteWithAServerHello() throws Exception {
        EmbeddedChannel tls = channel(certificate());
        byte[] hello = clientHello();
        assertEquals(22, hello[0], "a handshake record");
        tls.writeInbound(Unpooled.wrappedBuffer(hello, 0, 1));
        assertNull(tls.pipeline().get(SslHandler.class), "one byte does not tell TLS from anything else");
        tls.writeInbound(Unpooled.wrappedBuffer(hello, 1, hello.length - 1));
        assertNotNull(tls.pipeline().get(SslHandler.class));
        ByteBuf serverHello = tls.readOutbound();
        assertNotNull(serverHello, "the server answered the handshake");
        assertEquals(22, read(serverHello)[0]);
        assertTrue(tls.isActive());
    }

    @Test
    void shouldRefuseTlsWhenTlsIsOff() throws Exception {
        EmbeddedChannel noTls = channel(null);
        noTls.writeInbound(Unpooled.wrappedBuffer(clientHello()));
        assertFalse(noTls.isActive());
        assertNull(noTls.readInbound());
        assertEquals(1, counters.get(ServerCounter.TLS_REFUSED));
    }

    @Test
    void shouldCloseAndCountAnythingElse() {
        // A SOCKS5 greeting: its first byte, 5, is neither STUN, ChannelData nor a TLS record. (Text protocols such
        // as SSH or HTTP start with letters, which are RFC 5766 channel numbers' first bytes.)
        EmbeddedChannel socks = channel(certificate());
        socks.writeInbound(Unpooled.wrappedBuffer(new byte[] {5, 1, 0}));
        assertFalse(socks.isActive());
        assertNull(socks.readInbound());
        assertEquals(1, counters.get(ServerCounter.TCP_BAD_FRAME));
    }

    @Test
    void shouldCountAFailedHandshake() {
        EmbeddedChannel tls = channel(certificate());
        // A handshake record (type 22, TLS 1.2) whose body is no ClientHello.
        tls.writeInbound(Unpooled.wrappedBuffer(new byte[] {22, 3, 3, 0, 4, 99, 0, 0, 0}));
        tls.runPendingTasks();
        assertFalse(tls.isActive());
        assertEquals(1, counters.get(ServerCounter.TLS_HANDSHAKE_FAILED));
    }
}
