package io.turnkit.stun;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** RFC 7983 §7 first-byte demultiplexing, plus TLS at a stream start. */
class ProtocolDetectorTest {
    private static DetectedProtocol detect(boolean streamStart, int... bytes) {
        ByteBuf b = Unpooled.buffer();
        for (int x : bytes) {
            b.writeByte(x);
        }
        return ProtocolDetector.detect(b, 0, b.writerIndex(), streamStart);
    }

    @ParameterizedTest
    @CsvSource({"0, 3, STUN", "4, 15, OTHER", "16, 19, ZRTP", "20, 63, DTLS", "64, 127, CHANNEL_DATA",
        "128, 191, RTP", "192, 255, OTHER"})
    void shouldClassifyEveryFirstByteOfADatagram(int from, int to, DetectedProtocol expected) {
        for (int first = from; first <= to; first++) {
            assertEquals(expected, detect(false, first, 0, 0), "first byte " + first);
        }
    }

    @Test
    void shouldSayChannelDataExactlyWhereChannelDataTakesTheChannelNumber() {
        for (int number = 0; number <= 0xFFFF; number++) {
            boolean channelData = ProtocolDetector.detect(number >>> 8) == DetectedProtocol.CHANNEL_DATA;
            assertEquals(ChannelData.isChannelNumber(number), channelData, "channel number " + number);
        }
    }

    @Test
    void shouldNeedDataWhenEmpty() {
        assertEquals(DetectedProtocol.NEED_MORE_DATA, detect(false));
    }

    @Test
    void shouldDetectTlsClientHelloAtStreamStart() {
        assertEquals(DetectedProtocol.TLS, detect(true, 0x16, 0x03, 0x01));
        assertEquals(DetectedProtocol.TLS, detect(true, 0x16, 0x03, 0x03, 0x00, 0x40));
    }

    @Test
    void shouldNeedThreeBytesToTellTlsAtStreamStart() {
        assertEquals(DetectedProtocol.NEED_MORE_DATA, detect(true, 0x16, 0x03));
    }

    @Test
    void shouldTreatHandshakeByteOfADatagramAsDtls() {
        assertEquals(DetectedProtocol.DTLS, detect(false, 0x16, 0x03, 0x01));
        assertEquals(DetectedProtocol.DTLS, detect(true, 0x16, 0xFE, 0xFD));
    }

    @Test
    void shouldDetectStunAndChannelDataAtStreamStart() {
        assertEquals(DetectedProtocol.STUN, detect(true, 0x00, 0x01));
        assertEquals(DetectedProtocol.CHANNEL_DATA, detect(true, 0x40, 0x00));
    }

    @Test
    void shouldReadAtTheGivenOffset() {
        ByteBuf b = Unpooled.buffer().writeByte(0xFF).writeByte(0x40);
        assertEquals(DetectedProtocol.CHANNEL_DATA, ProtocolDetector.detect(b, 1, 1, false));
        assertEquals(0, b.readerIndex());
    }
}
