package io.turnkit.perf.codec;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.turnkit.stun.ChannelData;
import io.turnkit.stun.ChannelDataValidation;
import io.turnkit.stun.DetectedProtocol;
import io.turnkit.stun.ProtocolDetector;

/**
 * The relay hot path's codec share: demultiplex the first byte (RFC 7983), then validate a
 * ChannelData datagram carrying a 1200-byte media packet and locate its payload (RFC 8656 §12.4).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ChannelDataParseBenchmark {
    private static final int PAYLOAD = 1200;

    private final ChannelData channelData = new ChannelData();
    private ByteBuf datagram;
    private int length;

    @Setup
    public void setUp() {
        datagram = PooledByteBufAllocator.DEFAULT.directBuffer(ChannelData.paddedLength(PAYLOAD));
        ChannelData.writeHeader(datagram, 0x4001, PAYLOAD);
        datagram.writeZero(PAYLOAD);
        length = datagram.writerIndex();
    }

    @TearDown
    public void tearDown() {
        datagram.release();
    }

    @Benchmark
    public long demultiplexAndParse() {
        if (ProtocolDetector.detect(datagram, 0, length, false) != DetectedProtocol.CHANNEL_DATA
            || channelData.wrap(datagram, 0, length).validate(false) != ChannelDataValidation.VALID) {
            return -1;
        }
        return ((long) channelData.channelNumber() << 32) | ((long) channelData.dataOffset() << 16) | channelData.dataLength();
    }
}
