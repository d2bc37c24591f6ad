package io.turnkit.ice.agent;

import static io.turnkit.ice.agent.IceAgentTest.LIMIT;
import static io.turnkit.ice.agent.IceAgentTest.bothIn;
import static io.turnkit.ice.agent.IceAgentTest.config;
import static io.turnkit.ice.agent.IceAgentTest.connected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Answering a check allocates about what the answer is made of, not a copy of the check, strings or iterators.
 * Measured with the JVM's per-thread allocation counter.
 */
class CheckAllocationTest {
    private static final int ITERATIONS = 100_000;
    /**
     * The Transmit (24 bytes), the address bytes XOR-MAPPED-ADDRESS copies (24), the buffer's share of the
     * allocator's objects, and what the codec's MESSAGE-INTEGRITY and FINGERPRINT computations allocate over a pooled
     * direct buffer: about 145 bytes measured on JDK 17. A USERNAME string or a few iterators per check go over.
     */
    private static final long BYTES_PER_CHECK = 176;

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
            .getCurrentThreadAllocatedBytes();
    }

    @Test
    void shouldAnswerAConsentCheckAllocatingOnlyTheResponse() {
        BackToBack net = connected(config(IceRole.CONTROLLING, 1).build(), config(IceRole.CONTROLLED, 2).build());
        net.runUntil(() -> bothIn(net, IceConnectionState.COMPLETED), LIMIT);
        long start = net.now;
        net.runUntil(() -> net.sentBy("b").stream().anyMatch(p -> p.sentNanos() > start && p.isBindingRequest()),
            Duration.ofSeconds(10));
        BackToBack.Packet consentCheck = net.sentBy("b").stream()
            .filter(p -> p.sentNanos() > start && p.isBindingRequest()).findFirst().orElseThrow();
        IceAgent a = net.agent("a");
        ByteBuf check = Unpooled.directBuffer().writeBytes(consentCheck.bytes());

        int answered = 0;
        for (int round = 0; round < 2; round++) {
            long before = allocatedBytes();
            for (int i = 0; i < ITERATIONS; i++) {
                answered += a.handleDatagram(1, consentCheck.source(), check, net.now) == Received.STUN ? 1 : 0;
                a.pollTransmit().content().release();
            }
            long perCheck = (allocatedBytes() - before) / ITERATIONS;
            // The first round warms up (pool caches, JIT); the second is measured.
            if (round == 1) {
                assertTrue(perCheck <= BYTES_PER_CHECK, perCheck + " bytes allocated per check");
            }
        }
        assertEquals(2 * ITERATIONS, answered);
        check.release();
    }
}
