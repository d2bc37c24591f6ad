package io.turnkit.server.transport.nativeudp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.turnkit.server.transport.Transports;

class DatagramSendQueueTest {
    private static final InetSocketAddress PEER = new InetSocketAddress("192.0.2.1", 3478);

    @Test
    void shouldRefuseSendsBeyondItsBoundWithoutTakingThem() {
        DatagramSendQueue queue = new DatagramSendQueue();
        List<ByteBuf> taken = new ArrayList<>();
        for (int i = 0; i < DatagramSendQueue.MAX_SENDS; i++) {
            ByteBuf datagram = Transports.ALLOCATOR.directBuffer(8).writeLong(i);
            assertTrue(queue.add(datagram, 0, PEER), "send " + i);
            taken.add(datagram);
        }
        ByteBuf refused = Transports.ALLOCATOR.directBuffer(8).writeLong(-1);
        assertFalse(queue.add(refused, 0, PEER));
        assertEquals(1, refused.refCnt(), "still the caller's");
        refused.release();
        queue.discard();
        assertTrue(queue.isEmpty());
        taken.forEach(datagram -> assertEquals(0, datagram.refCnt(), "released on discard"));
    }
}
