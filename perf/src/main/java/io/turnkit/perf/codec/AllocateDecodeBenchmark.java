package io.turnkit.perf.codec;

import java.nio.charset.StandardCharsets;
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
import io.netty.buffer.PooledByteBufAllocator;
import io.turnkit.stun.AttributeIterator;
import io.turnkit.stun.LongTermKey;
import io.turnkit.stun.MessageIntegrity;
import io.turnkit.stun.MessageIntegritySha256;
import io.turnkit.stun.PasswordAlgorithm;
import io.turnkit.stun.StunAttributeType;
import io.turnkit.stun.StunAttributes;
import io.turnkit.stun.StunClass;
import io.turnkit.stun.StunMessage;
import io.turnkit.stun.StunMessageEncoder;
import io.turnkit.stun.StunMessageType;
import io.turnkit.stun.StunMethod;
import io.turnkit.stun.StunValidation;

/**
 * What a TURN server does with an authenticated Allocate request before touching any state:
 * validate (with FINGERPRINT), find USERNAME/REALM/NONCE, compare the user name, read
 * REQUESTED-TRANSPORT, and check MESSAGE-INTEGRITY (HMAC-SHA1) or MESSAGE-INTEGRITY-SHA256 with the
 * long-term key (RFC 8656 §7.2, RFC 8489 §9.2.4), from a pooled direct buffer as a datagram arrives.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AllocateDecodeBenchmark {
    @Param({"MD5", "SHA256"})
    public String passwordAlgorithm;

    private final StunMessage message = new StunMessage();
    private final AttributeIterator iterator = new AttributeIterator();
    private final byte[] username = "alice@example.org".getBytes(StandardCharsets.UTF_8);
    private ByteBuf datagram;
    private int length;
    private byte[] key;
    private boolean sha256;

    @Setup
    public void setUp() {
        sha256 = passwordAlgorithm.equals("SHA256");
        int algorithm = sha256 ? PasswordAlgorithm.SHA256 : PasswordAlgorithm.MD5;
        key = LongTermKey.derive(algorithm, "alice@example.org", "example.org", "correct horse battery staple");
        datagram = PooledByteBufAllocator.DEFAULT.directBuffer(256);
        StunMessageEncoder encoder = new StunMessageEncoder().wrap(datagram)
            .header(StunMessageType.of(StunMethod.ALLOCATE, StunClass.REQUEST), new byte[] {
                0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, (byte) 0x88, (byte) 0x99, 0x0A, 0x0B, 0x0C})
            .addRequestedTransport(StunAttributes.TRANSPORT_UDP)
            .addUint32(StunAttributeType.LIFETIME, 600)
            .addString(StunAttributeType.USERNAME, "alice@example.org")
            .addString(StunAttributeType.REALM, "example.org")
            .addString(StunAttributeType.NONCE, "obMatJos2AAACf//499k954d6OL34oL9FSTvy64sA")
            .addString(StunAttributeType.SOFTWARE, "turnkit-bench");
        if (sha256) {
            encoder.addPasswordAlgorithm(PasswordAlgorithm.SHA256).addMessageIntegritySha256(key);
        } else {
            encoder.addMessageIntegrity(key);
        }
        length = encoder.addFingerprint().finish();
        if (!decodeAndAuthenticate()) {
            throw new IllegalStateException("the benchmark message does not authenticate");
        }
    }

    @TearDown
    public void tearDown() {
        datagram.release();
    }

    @Benchmark
    public boolean decodeAndAuthenticate() {
        StunMessage m = message.wrap(datagram, 0, length);
        if (m.validate() != StunValidation.VALID || !m.isRequest() || m.method() != StunMethod.ALLOCATE) {
            return false;
        }
        int user = m.findAttribute(StunAttributeType.USERNAME);
        if (user < 0 || m.findAttribute(StunAttributeType.REALM) < 0 || m.findAttribute(StunAttributeType.NONCE) < 0
            || !StunAttributes.stringEquals(m, user, username)
            || StunAttributes.requestedTransport(m, m.findAttribute(StunAttributeType.REQUESTED_TRANSPORT))
                != StunAttributes.TRANSPORT_UDP) {
            return false;
        }
        return sha256 ? MessageIntegritySha256.check(m, key) : MessageIntegrity.check(m, key);
    }

    /** Validation and a full attribute walk without the HMAC, to show what the integrity check costs. */
    @Benchmark
    public int decodeOnly() {
        StunMessage m = message.wrap(datagram, 0, length);
        if (m.validate() != StunValidation.VALID) {
            return -1;
        }
        int sum = 0;
        for (iterator.reset(m); iterator.next(); ) {
            sum += iterator.type() + iterator.valueLength();
        }
        return sum;
    }
}
