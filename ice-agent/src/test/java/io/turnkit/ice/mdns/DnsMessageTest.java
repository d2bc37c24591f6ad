package io.turnkit.ice.mdns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.turnkit.stun.EnumCounters;

/**
 * The DNS message flyweight on packets laid out by hand after RFC 1035 §4.1 and RFC 6762 §18, in the shapes a
 * browser's mDNS stack sends: a query for a candidate's {@code <uuid>.local} name with the QU bit, an answer with
 * the cache-flush bit, a compressed second record, and hostile ones.
 */
class DnsMessageTest {
    private static final String NAME = "1f4712c2-1a1b-4c8e-9b3f-22c1e0b8a9d7.local";

    private final EnumCounters<DnsValidation> counters = new EnumCounters<>(DnsValidation.class);
    private final DnsMessage message = new DnsMessage(counters);

    /** Builds a packet from ints and chars (each one octet) and strings (written as labels, with their length octets). */
    private static ByteBuf packet(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object part : parts) {
            if (part instanceof Integer octet) {
                out.write(octet);
            } else if (part instanceof Character ch) {
                out.write(ch);
            } else {
                for (String label : ((String) part).split("\\.")) {
                    out.write(label.length());
                    out.writeBytes(label.getBytes(StandardCharsets.US_ASCII));
                }
                out.write(0);
            }
        }
        return Unpooled.wrappedBuffer(out.toByteArray());
    }

    private DnsValidation validate(ByteBuf packet) {
        return message.wrap(packet, 0, packet.readableBytes()).validate();
    }

    @Test
    void shouldReadAQueryWithTheQuBit() {
        ByteBuf query = packet(0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,   // ID 0, flags 0, one question
            NAME, 0, 1, 0x80, 1);                                     // A, QU | IN
        assertEquals(DnsValidation.VALID, validate(query));
        assertFalse(message.isResponse());
        assertTrue(message.nextRecord());
        assertEquals(DnsMessage.Section.QUESTION, message.section());
        assertEquals(NAME, message.name());
        assertEquals(DnsMessage.TYPE_A, message.type());
        assertEquals(DnsMessage.CLASS_IN, message.dnsClass());
        assertTrue(message.classTopBit());
        assertFalse(message.nextRecord());
    }

    @Test
    void shouldReadAnAnswerAndACompressedSecondRecord() throws Exception {
        ByteBuf response = packet(0, 0, 0x84, 0, 0, 0, 0, 2, 0, 0, 0, 0,   // QR AA, two answers
            NAME.toUpperCase(), 0, 1, 0x80, 1, 0, 0, 0, 120, 0, 4, 192, 168, 1, 20,
            0xC0, 12, 0, 28, 0x80, 1, 0, 0, 0, 120, 0, 16,                  // the same name by pointer, AAAA
            0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);
        assertEquals(DnsValidation.VALID, validate(response));
        assertTrue(message.isResponse());
        assertTrue(message.nextRecord());
        assertEquals(DnsMessage.Section.ANSWER, message.section());
        assertEquals(NAME, message.name(), "names compare in lower case");
        assertEquals(120, message.ttl());
        assertTrue(message.classTopBit(), "cache-flush");
        assertEquals(InetAddress.getByName("192.168.1.20"), message.address());
        assertTrue(message.nextRecord());
        assertEquals(NAME, message.name());
        assertEquals(InetAddress.getByName("fd00::1"), message.address());
        assertFalse(message.nextRecord());
    }

    @Test
    void shouldGiveNoAddressForAWrongRdataLength() {
        ByteBuf response = packet(0, 0, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0,
            NAME, 0, 1, 0x80, 1, 0, 0, 0, 120, 0, 3, 192, 168, 1);
        assertEquals(DnsValidation.VALID, validate(response));
        assertTrue(message.nextRecord());
        assertNull(message.address());
    }

    @Test
    void shouldRefuseHostilePackets() {
        assertEquals(DnsValidation.TRUNCATED, validate(packet(0, 0, 0, 0, 0, 1)));
        // A label running past the end.
        assertEquals(DnsValidation.TRUNCATED, validate(packet(0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 20, 'a', 'b')));
        // More records announced than there are.
        assertEquals(DnsValidation.TRUNCATED, validate(packet(0, 0, 0x84, 0, 0, 0, 0, 3, 0, 0, 0, 0,
            NAME, 0, 1, 0x80, 1, 0, 0, 0, 120, 0, 4, 192, 168, 1, 20)));
        // RDLENGTH beyond the end.
        assertEquals(DnsValidation.TRUNCATED, validate(packet(0, 0, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0,
            NAME, 0, 1, 0x80, 1, 0, 0, 0, 120, 0xFF, 0xFF, 192, 168, 1, 20)));
        // Huge counts: 65535 questions in 17 bytes.
        assertEquals(DnsValidation.TOO_MANY_RECORDS, validate(packet(0, 0, 0, 0, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0,
            "a", 0, 1, 0, 1)));
        // A pointer to itself, a pointer forward, two names pointing at each other.
        assertEquals(DnsValidation.BAD_POINTER, validate(packet(0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
            0xC0, 12, 0, 1, 0, 1)));
        assertEquals(DnsValidation.BAD_POINTER, validate(packet(0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
            0xC0, 14, 1, 'a', 0, 0, 1, 0, 1)));
        assertEquals(DnsValidation.BAD_POINTER, validate(packet(0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0,
            1, 'a', 0xC0, 20, 0, 1, 0, 1, 1, 'b', 0xC0, 12, 0, 1, 0, 1)));
        // A reserved label type (01), and a name of more than 255 octets.
        assertEquals(DnsValidation.BAD_NAME, validate(packet(0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
            0x41, 'a', 0, 0, 1, 0, 1)));
        String longName = ("a".repeat(60) + ".").repeat(5) + "local";
        assertEquals(DnsValidation.BAD_NAME, validate(packet(0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
            longName, 0, 1, 0, 1)));
        // RFC 6762 §18.3: an opcode other than 0 is ignored.
        assertEquals(DnsValidation.NOT_STANDARD, validate(packet(0, 0, 0x08, 0, 0, 1, 0, 0, 0, 0, 0, 0,
            NAME, 0, 1, 0, 1)));
        assertFalse(message.nextRecord(), "nothing is read from a refused message");
        assertEquals(3, counters.get(DnsValidation.BAD_POINTER));
        assertEquals(4, counters.get(DnsValidation.TRUNCATED));
    }

    @Test
    void shouldFollowABackwardChainOfPointers() {
        // "b.a" at 12 (the question), then a record named "c" + pointer to 12 at 21, then one pointing at that "c".
        ByteBuf packet = packet(0, 0, 0x84, 0, 0, 1, 0, 2, 0, 0, 0, 0,
            "b.a", 0, 1, 0, 1,                                          // name 12..16, type and class 17..20
            1, 'c', 0xC0, 12, 0, 1, 0x80, 1, 0, 0, 0, 120, 0, 4, 10, 0, 0, 1,
            0xC0, 21, 0, 1, 0x80, 1, 0, 0, 0, 120, 0, 4, 10, 0, 0, 2);
        assertEquals(DnsValidation.VALID, validate(packet));
        assertTrue(message.nextRecord());
        assertEquals("b.a", message.name());
        assertTrue(message.nextRecord());
        assertEquals("c.b.a", message.name());
        assertTrue(message.nextRecord());
        assertEquals("c.b.a", message.name());
    }

    @Test
    void shouldWriteWhatItReads() throws Exception {
        ByteBuf query = Unpooled.buffer();
        DnsMessageEncoder.writeQuery(query, NAME, true);
        assertEquals(DnsValidation.VALID, validate(query));
        assertTrue(message.nextRecord());
        assertEquals(NAME, message.name());
        assertEquals(DnsMessage.TYPE_A, message.type());
        assertTrue(message.classTopBit());
        assertTrue(message.nextRecord());
        assertEquals(DnsMessage.TYPE_AAAA, message.type());

        ByteBuf answer = Unpooled.buffer();
        DnsMessageEncoder.writeAnswer(answer, 0, false, NAME, InetAddress.getByName("10.1.2.3"), 120);
        assertEquals(DnsValidation.VALID, validate(answer));
        assertEquals(DnsMessage.FLAG_RESPONSE | DnsMessage.FLAG_AUTHORITATIVE, message.flags());
        assertTrue(message.nextRecord());
        assertEquals(DnsMessage.Section.ANSWER, message.section());
        assertEquals(InetAddress.getByName("10.1.2.3"), message.address());
        assertEquals(120, message.ttl());
    }
}
