package io.turnkit.server.transport.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateEvent;
import io.turnkit.server.metrics.ServerCounter;
import io.turnkit.server.metrics.ServerCounters;
import io.turnkit.server.transport.ClosingOnError;

/** PROXY protocol headers (HAProxy's proxy-protocol.txt) in front of a TURN connection, good and hostile. */
class ProxyHeaderReaderTest {
    private static final byte[] STUN = {0, 1, 0, 0, 0x21, 0x12, (byte) 0xA4, 0x42, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    /** proxy-protocol.txt §2.2: the v2 signature. */
    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    private final ServerCounters counters = new ServerCounters();
    private EmbeddedChannel channel;

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    private EmbeddedChannel channel() {
        channel = new EmbeddedChannel(new ProxyHeaderReader(counters), new ClosingOnError());
        return channel;
    }

    private static ByteBuf v1(String header) {
        return Unpooled.copiedBuffer(header, StandardCharsets.US_ASCII);
    }

    /** A v2 PROXY TCP over IPv4 header from 198.51.100.7:40000 to 203.0.113.1:3478, with {@code length} announced. */
    private static ByteBuf v2(int length, int bodyBytes) {
        ByteBuf header = Unpooled.buffer();
        header.writeBytes(V2_SIGNATURE);
        header.writeByte(0x21); // version 2, PROXY
        header.writeByte(0x11); // AF_INET, STREAM
        header.writeShort(length);
        ByteBuf body = Unpooled.buffer();
        body.writeBytes(new byte[] {(byte) 198, 51, 100, 7});
        body.writeBytes(new byte[] {(byte) 203, 0, 113, 1});
        body.writeShort(40000);
        body.writeShort(3478);
        while (body.readableBytes() < bodyBytes) {
            body.writeByte(0);
        }
        header.writeBytes(body, 0, bodyBytes);
        body.release();
        return header;
    }

    private void assertRefused() {
        assertFalse(channel.isActive(), "closed");
        assertNull(channel.readInbound(), "nothing passed on");
        assertEquals(1, counters.get(ServerCounter.PROXY_REFUSED));
    }

    private void assertPassesOnAfterHeader(InetSocketAddress client) {
        ByteBuf passed = channel.readInbound();
        try {
            assertArrayEquals(STUN, ByteBufUtil.getBytes(passed));
        } finally {
            passed.release();
        }
        assertEquals(client, ProxyHeaderReader.clientAddress(channel));
        assertEquals(0, counters.get(ServerCounter.PROXY_REFUSED));
        assertTrue(channel.isActive());
    }

    @Test
    void shouldTakeTheClientFromAV1Header() {
        channel().writeInbound(Unpooled.wrappedBuffer(v1("PROXY TCP4 198.51.100.7 203.0.113.1 40000 3478\r\n"),
                Unpooled.wrappedBuffer(STUN)));
        assertPassesOnAfterHeader(new InetSocketAddress("198.51.100.7", 40000));
    }

    @Test
    void shouldTakeAnIpv6ClientFromAV1HeaderSentInPieces() {
        channel();
        byte[] header = "PROXY TCP6 2001:db8::7 2001:db8::1 40000 443\r\n".getBytes(StandardCharsets.US_ASCII);
        for (byte b : header) {
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        channel.writeInbound(Unpooled.wrappedBuffer(STUN));
        assertPassesOnAfterHeader(new InetSocketAddress("2001:db8::7", 40000));
    }

    @Test
    void shouldTakeTheClientFromAV2Header() {
        channel().writeInbound(Unpooled.wrappedBuffer(v2(12, 12), Unpooled.wrappedBuffer(STUN)));
        assertPassesOnAfterHeader(new InetSocketAddress("198.51.100.7", 40000));
    }

    @Test
    void shouldKeepTheConnectionsAddressForAV2LocalHeader() {
        ByteBuf local = Unpooled.buffer();
        local.writeBytes(V2_SIGNATURE).writeByte(0x20).writeByte(0x00).writeShort(0);
        channel().writeInbound(Unpooled.wrappedBuffer(local, Unpooled.wrappedBuffer(STUN)));
        ByteBuf passed = channel.readInbound();
        assertArrayEquals(STUN, ByteBufUtil.getBytes(passed));
        passed.release();
        assertNull(channel.attr(ProxyHeaderReader.CLIENT).get(), "the connection's own address stays the client's");
        assertTrue(channel.isActive());
    }

    @Test
    void shouldRefuseAConnectionWithoutHeader() {
        channel().writeInbound(Unpooled.wrappedBuffer(STUN));
        assertRefused();
    }

    @Test
    void shouldRefuseAV2HeaderWhoseLengthIsForged() {
        channel().writeInbound(v2(65_535, 12));
        assertRefused();
    }

    @Test
    void shouldRefuseAV2HeaderTooShortForItsAddresses() {
        channel().writeInbound(Unpooled.wrappedBuffer(v2(4, 4), Unpooled.wrappedBuffer(STUN)));
        assertRefused();
    }

    @Test
    void shouldRefuseAMalformedV1Header() {
        channel().writeInbound(v1("PROXY TCP4 198.51.100.999 203.0.113.1 40000 3478\r\n"));
        assertRefused();
    }

    @Test
    void shouldRefuseAV1HeaderThatNeverEnds() {
        channel().writeInbound(v1("PROXY TCP4 " + "1".repeat(200)));
        assertRefused();
    }

    @Test
    void shouldRefuseATruncatedHeaderWhenTheConnectionIdles() {
        channel().writeInbound(v2(12, 6));
        assertTrue(channel.isActive(), "still waiting for the rest");
        channel.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT);
        assertRefused();
    }

    @Test
    void shouldRefuseAHeaderPrefixWhenTheConnectionIdles() {
        channel().writeInbound(v1("PROX"));
        channel.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT);
        assertRefused();
    }
}
