package io.turnkit.stun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * The packet path allocates nothing: validating, iterating, reading addresses, checking integrity
 * and fingerprint, and encoding a response, measured with the JVM's per-thread allocation counter.
 */
class AllocationFreeTest {
    private static final int ITERATIONS = 20_000;
    /** Slack for one-off allocations (a lazily created JDK object, a ThreadLocal map resize). */
    private static final long SLACK_BYTES = 16 * 1024;

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    @Test
    void shouldDecodeAndAuthenticateWithoutAllocating() {
        byte[] key = LongTermKey.md5("alice", "turnkit.io", "secret");
        ByteBuf b = Unpooled.directBuffer();
        new StunMessageEncoder().wrap(b).header(StunMessageType.of(StunMethod.ALLOCATE, StunClass.REQUEST), new byte[12])
            .addRequestedTransport(StunAttributes.TRANSPORT_UDP)
            .addString(StunAttributeType.USERNAME, "alice")
            .addString(StunAttributeType.REALM, "turnkit.io")
            .addString(StunAttributeType.NONCE, "0123456789abcdef")
            .addAddress(StunAttributeType.XOR_PEER_ADDRESS, new byte[16], 9)
            .addMessageIntegrity(key).addMessageIntegritySha256(key).addFingerprint().finish();
        StunMessage message = new StunMessage();
        AttributeIterator iterator = new AttributeIterator();
        AddressAttribute address = new AddressAttribute();
        byte[] peer = new byte[16];
        byte[] username = {'a', 'l', 'i', 'c', 'e'};
        int length = b.writerIndex();

        int authenticated = 0;
        for (int round = 0; round < 2; round++) {
            long before = allocatedBytes();
            for (int i = 0; i < ITERATIONS; i++) {
                message.wrap(b, 0, length);
                boolean ok = message.validate() == StunValidation.VALID;
                int attributes = 0;
                for (iterator.reset(message); iterator.next(); ) {
                    attributes++;
                }
                address.wrap(message, message.findAttribute(StunAttributeType.XOR_PEER_ADDRESS)).copyAddress(peer);
                ok &= attributes == 8 && address.port() == 9;
                ok &= StunAttributes.stringEquals(message, message.findAttribute(StunAttributeType.USERNAME), username);
                ok &= MessageIntegrity.check(message, key) && MessageIntegritySha256.check(message, key);
                authenticated += ok ? 1 : 0;
            }
            long allocated = allocatedBytes() - before;
            // The first round warms up; the second must be allocation-free.
            if (round == 1) {
                assertTrue(allocated < SLACK_BYTES, allocated + " bytes allocated in " + ITERATIONS + " decodes");
            }
        }
        assertEquals(2 * ITERATIONS, authenticated);
        b.release();
    }

    @Test
    void shouldEncodeWithoutAllocating() {
        byte[] key = ShortTermKey.of("password");
        byte[] transactionId = new byte[12];
        byte[] client = {(byte) 203, 0, 113, 1};
        ByteBuf out = Unpooled.directBuffer(256);
        StunMessageEncoder encoder = new StunMessageEncoder();
        int type = StunMessageType.of(StunMethod.ALLOCATE, StunClass.SUCCESS_RESPONSE);
        int total = 0;
        for (int round = 0; round < 2; round++) {
            long before = allocatedBytes();
            for (int i = 0; i < ITERATIONS; i++) {
                total += encoder.wrap(out.clear()).header(type, transactionId)
                    .addAddress(StunAttributeType.XOR_RELAYED_ADDRESS, client, 50000)
                    .addAddress(StunAttributeType.XOR_MAPPED_ADDRESS, client, 3478)
                    .addUint32(StunAttributeType.LIFETIME, 600)
                    .addString(StunAttributeType.SOFTWARE, "turnkit")
                    .addMessageIntegrity(key)
                    .addFingerprint()
                    .finish();
            }
            long allocated = allocatedBytes() - before;
            if (round == 1) {
                assertTrue(allocated < SLACK_BYTES, allocated + " bytes allocated in " + ITERATIONS + " encodes");
            }
        }
        assertEquals(2 * ITERATIONS * 96, total);
        out.release();
    }
}
