package io.turnkit.stun;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Coverage-guided fuzzing of ChannelData, stream framing and the first-byte demultiplexer.
 * Seeds: {@code src/test/resources/io/turnkit/stun/FramingFuzzTestInputs/}.
 */
class FramingFuzzTest {
    private static final int MAX_FRAME = 0xFFFF + ChannelData.HEADER_LENGTH + 3;

    private final ChannelData channelData = new ChannelData();

    @FuzzTest(maxDuration = "30s")
    void shouldFrameAnyStream(byte[] input) {
        ByteBuf b = Unpooled.wrappedBuffer(input);
        int offset = 0;
        // Every frame found is at least 4 bytes, so this walks the input at most length / 4 times.
        while (offset < input.length) {
            ProtocolDetector.detect(b, offset, input.length - offset, offset == 0);
            int frame = StreamFraming.frameLength(b, offset, input.length - offset, MAX_FRAME);
            if (frame < 0) {
                assertTrue(frame == StreamFraming.NEED_MORE || frame == StreamFraming.INVALID);
                return;
            }
            assertTrue(frame >= ChannelData.HEADER_LENGTH && offset + frame <= input.length, "frame " + frame);
            if ((b.getUnsignedByte(offset) & 0xC0) == 0x40) {
                ChannelDataValidation result = channelData.wrap(b, offset, frame).validate(true);
                assertTrue(result == ChannelDataValidation.VALID, "a framed ChannelData is valid: " + result);
            }
            offset += frame;
        }
    }

    @FuzzTest(maxDuration = "30s")
    void shouldParseAnyChannelDataDatagram(byte[] input) {
        ByteBuf b = Unpooled.wrappedBuffer(input);
        ChannelDataValidation result = channelData.wrap(b, 0, input.length).validate(false);
        ProtocolDetector.detect(b, 0, input.length, false);
        if (result == ChannelDataValidation.VALID) {
            assertTrue(ChannelData.isChannelNumber(channelData.channelNumber()));
            assertTrue(channelData.dataOffset() + channelData.dataLength() <= input.length);
        }
    }
}
