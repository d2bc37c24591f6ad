package io.turnkit.server.transport.dtls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HexFormat;

import org.junit.jupiter.api.Test;

/** RFC 6347 §4.1: the DTLS 1.2 record header, read and written at a record's offset. */
class RecordHeaderTest {
    /** An application_data record of epoch 1, sequence number 0x0102_0304_0506, a 0x0a0b-byte fragment. */
    private static final byte[] HEADER = HexFormat.of().parseHex("17fefd0001010203040506" + "0a0b");

    @Test
    void shouldReadEachField() {
        byte[] buffer = new byte[2 + HEADER.length];
        System.arraycopy(HEADER, 0, buffer, 2, HEADER.length);
        assertEquals(23, RecordHeader.type(buffer, 2));
        assertEquals(RecordHeader.DTLS_1_2, RecordHeader.version(buffer, 2));
        assertEquals(1, RecordHeader.epoch(buffer, 2));
        assertEquals(0x0102_0304_0506L, RecordHeader.sequenceNumber(buffer, 2));
        assertEquals(0x0a0b, RecordHeader.fragmentLength(buffer, 2));
    }

    @Test
    void shouldWriteWhatItReads() {
        byte[] buffer = new byte[RecordHeader.LENGTH];
        RecordHeader.write(buffer, 0, 23, 1, 0x0102_0304_0506L);
        RecordHeader.writeFragmentLength(buffer, 0, 0x0a0b);
        assertArrayEquals(HEADER, buffer);
    }

    @Test
    void shouldKeepAllFortyEightBitsOfTheSequenceNumber() {
        byte[] buffer = new byte[RecordHeader.LENGTH];
        long last = (1L << 48) - 1;
        RecordHeader.write(buffer, 0, 23, 0xFFFF, last);
        assertEquals(last, RecordHeader.sequenceNumber(buffer, 0));
        assertEquals(0xFFFF, RecordHeader.epoch(buffer, 0));
    }
}
