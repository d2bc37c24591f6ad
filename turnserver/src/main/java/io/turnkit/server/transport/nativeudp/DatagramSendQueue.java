package io.turnkit.server.transport.nativeudp;

import java.net.InetSocketAddress;
import java.util.Arrays;

import io.netty.buffer.ByteBuf;

/**
 * The sends one {@link NativeDatagramSocket} queued and owns until the kernel took them: datagrams, or UDP GSO
 * runs (a segment size above 0). Bounded, since what waits for a full send buffer would otherwise grow without
 * limit; it starts small and grows, as a relay socket seldom queues more than a burst.
 */
final class DatagramSendQueue {
    static final int MAX_SENDS = 1024;
    private static final int INITIAL_SENDS = 16;

    private ByteBuf[] datagrams = new ByteBuf[INITIAL_SENDS];
    private int[] segmentSizes = new int[INITIAL_SENDS];
    private InetSocketAddress[] destinations = new InetSocketAddress[INITIAL_SENDS];
    /** The sends waiting are [head, tail). */
    private int head;
    private int tail;

    boolean isEmpty() {
        return head == tail;
    }

    /** Queues a send, taking ownership of {@code sent}; false (not taking it) when the queue is full. */
    boolean add(ByteBuf sent, int segmentSize, InetSocketAddress to) {
        if (tail == datagrams.length && !makeRoom()) {
            return false;
        }
        datagrams[tail] = sent;
        segmentSizes[tail] = segmentSize;
        destinations[tail] = to;
        tail++;
        return true;
    }

    private boolean makeRoom() {
        int waiting = tail - head;
        if (waiting == MAX_SENDS) {
            return false;
        }
        if (waiting > datagrams.length / 2 && datagrams.length < MAX_SENDS) {
            int capacity = datagrams.length * 2;
            datagrams = Arrays.copyOf(datagrams, capacity);
            segmentSizes = Arrays.copyOf(segmentSizes, capacity);
            destinations = Arrays.copyOf(destinations, capacity);
        }
        System.arraycopy(datagrams, head, datagrams, 0, waiting);
        System.arraycopy(segmentSizes, head, segmentSizes, 0, waiting);
        System.arraycopy(destinations, head, destinations, 0, waiting);
        Arrays.fill(datagrams, waiting, tail, null);
        Arrays.fill(destinations, waiting, tail, null);
        head = 0;
        tail = waiting;
        return true;
    }

    /**
     * Hands the queued sends to the kernel, {@link LoopDatagramBuffers#ENTRIES} per sendmmsg call, until they
     * are all gone or the send buffer is full; releases those the kernel took or refused.
     *
     * @return how many the kernel refused (dropped)
     */
    int send(int fd, boolean ipv6, LoopDatagramBuffers buffers) {
        int dropped = 0;
        while (head < tail) {
            int entries = Math.min(tail - head, LoopDatagramBuffers.ENTRIES);
            for (int i = 0; i < entries; i++) {
                buffers.entry(i, datagrams[head + i], segmentSizes[head + i], destinations[head + i]);
            }
            int consumed = NativeDatagramSocket.sendmmsg(fd, ipv6, buffers.tableAddress(), entries);
            dropped += buffers.dropped();
            release(head, head + consumed);
            head += consumed;
            if (consumed < entries) {
                break;
            }
        }
        if (head == tail) {
            head = 0;
            tail = 0;
        }
        return dropped;
    }

    /** Releases every send still queued: the socket is closing. */
    void discard() {
        release(head, tail);
        head = 0;
        tail = 0;
    }

    private void release(int from, int to) {
        for (int i = from; i < to; i++) {
            datagrams[i].release();
            datagrams[i] = null;
            destinations[i] = null;
        }
    }
}
