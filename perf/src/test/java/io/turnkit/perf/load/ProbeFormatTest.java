package io.turnkit.perf.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.turnkit.stun.StunAttributeType;
import io.turnkit.stun.StunClass;
import io.turnkit.stun.StunMessage;
import io.turnkit.stun.StunMessageEncoder;
import io.turnkit.stun.StunMessageType;
import io.turnkit.stun.StunMethod;

class ProbeFormatTest {
    private static final long SEQUENCE = 123_456;
    private static final long SENT = 987_654_321_012L;
    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 40000);

    private final Probe probe = new Probe();

    @Test
    void shouldReadBackAChannelDataProbe() {
        ChannelDataProbe format = new ChannelDataProbe(0x4000, 160);
        ByteBuf datagram = Unpooled.buffer();
        format.write(datagram, SEQUENCE, SENT);
        assertEquals(format.maxLength(), datagram.readableBytes());
        assertTrue(format.read(datagram, probe));
        assertProbe();
    }

    @Test
    void shouldReadTheProbeOutOfTheDataIndicationThatEchoesASendIndication() {
        SendIndicationProbe format = new SendIndicationProbe(PEER, 160);
        ByteBuf send = Unpooled.buffer();
        format.write(send, SEQUENCE, SENT);
        StunMessage indication = new StunMessage();
        assertTrue(indication.wrap(send, 0, send.readableBytes()).validate().isWellFormed());
        int data = indication.findAttribute(StunAttributeType.DATA);
        // What the server sends back: a Data indication from the peer, the same DATA (RFC 8656 §11.3).
        ByteBuf dataIndication = Unpooled.buffer();
        new StunMessageEncoder().wrap(dataIndication)
                .header(StunMessageType.of(StunMethod.DATA, StunClass.INDICATION), 1L, 2)
                .addAddress(StunAttributeType.XOR_PEER_ADDRESS, PEER)
                .addBytes(StunAttributeType.DATA, send, data + 4, 160)
                .finish();
        assertTrue(format.read(dataIndication, probe));
        assertProbe();
    }

    @Test
    void shouldReadTheProbeOutOfABindingSuccessResponse() {
        BindingProbe format = new BindingProbe();
        ByteBuf request = Unpooled.buffer();
        format.write(request, SEQUENCE, SENT);
        StunMessage sent = new StunMessage();
        assertTrue(sent.wrap(request, 0, request.readableBytes()).validate().isWellFormed());
        ByteBuf response = Unpooled.buffer();
        new StunMessageEncoder().wrap(response)
                .header(StunMessageType.of(StunMethod.BINDING, StunClass.SUCCESS_RESPONSE), sent)
                .addAddress(StunAttributeType.XOR_MAPPED_ADDRESS, PEER)
                .addFingerprint()
                .finish();
        assertTrue(format.read(response, probe));
        assertProbe();
    }

    @Test
    void shouldLeaveAControlResponseToTheControlPath() {
        ByteBuf allocateResponse = Unpooled.buffer();
        new StunMessageEncoder().wrap(allocateResponse)
                .header(StunMessageType.of(StunMethod.ALLOCATE, StunClass.SUCCESS_RESPONSE), 1L, 2)
                .addAddress(StunAttributeType.XOR_RELAYED_ADDRESS, PEER)
                .finish();
        assertFalse(new ChannelDataProbe(0x4000, 160).read(allocateResponse, probe));
        assertFalse(new SendIndicationProbe(PEER, 160).read(allocateResponse, probe));
        assertFalse(new BindingProbe().read(allocateResponse, probe));
    }

    private void assertProbe() {
        assertEquals(SEQUENCE, probe.sequence);
        assertEquals(SENT, probe.sentNanos);
    }
}
