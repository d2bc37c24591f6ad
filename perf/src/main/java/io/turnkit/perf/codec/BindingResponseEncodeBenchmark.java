package io.turnkit.perf.codec;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.turnkit.stun.ShortTermKey;
import io.turnkit.stun.StunAttributeType;
import io.turnkit.stun.StunClass;
import io.turnkit.stun.StunMessage;
import io.turnkit.stun.StunMessageEncoder;
import io.turnkit.stun.StunMessageType;
import io.turnkit.stun.StunMethod;

/**
 * Answering a Binding request: encode the success response with the request's transaction id,
 * XOR-MAPPED-ADDRESS, optionally MESSAGE-INTEGRITY (an ICE connectivity check, RFC 8445 §7.3), and
 * FINGERPRINT into a pooled direct buffer. {@link #encode()} measures the encoder alone, reusing one
 * pooled buffer; {@link #allocateEncodeRelease()} adds taking the buffer from the pool and
 * releasing it, as the transport does once written. The latter's allocation comes from Netty's
 * pool, which keeps per-thread caches only for Netty's own threads (event loops), not JMH's.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BindingResponseEncodeBenchmark {
    /** "plain": a STUN server's answer; "ice": with short-term MESSAGE-INTEGRITY as ICE sends it. */
    @Param({"plain", "ice"})
    public String kind;

    private final ByteBufAllocator allocator = PooledByteBufAllocator.DEFAULT;
    private final StunMessageEncoder encoder = new StunMessageEncoder();
    private final StunMessage request = new StunMessage();
    private final byte[] clientAddress = {(byte) 203, 0, 113, 42};
    private ByteBuf requestBuffer;
    private ByteBuf response;
    private byte[] key;
    private boolean ice;

    @Setup
    public void setUp() {
        ice = kind.equals("ice");
        key = ShortTermKey.of("VOkJxbRl1RmTxUk/WvJxBt");
        requestBuffer = allocator.directBuffer(64);
        int length = new StunMessageEncoder().wrap(requestBuffer)
            .header(StunMessageType.of(StunMethod.BINDING, StunClass.REQUEST), new byte[] {
                1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
            .addFingerprint().finish();
        request.wrap(requestBuffer, 0, length).validate();
        response = allocator.directBuffer(128);
    }

    @TearDown
    public void tearDown() {
        requestBuffer.release();
        response.release();
    }

    @Benchmark
    public int encode() {
        return encodeInto(response.clear());
    }

    @Benchmark
    public int allocateEncodeRelease() {
        ByteBuf out = allocator.directBuffer(128);
        int length = encodeInto(out);
        out.release();
        return length;
    }

    private int encodeInto(ByteBuf out) {
        encoder.wrap(out)
            .header(StunMessageType.of(StunMethod.BINDING, StunClass.SUCCESS_RESPONSE), request)
            .addAddress(StunAttributeType.XOR_MAPPED_ADDRESS, clientAddress, 54321);
        if (ice) {
            encoder.addMessageIntegrity(key);
        }
        return encoder.addFingerprint().finish();
    }
}
