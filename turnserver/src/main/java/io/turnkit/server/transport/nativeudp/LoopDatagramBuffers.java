package io.turnkit.server.transport.nativeudp;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;
import io.turnkit.server.transport.ChannelDataHeadroom;
import io.turnkit.server.transport.Transports;

/**
 * What the {@link NativeDatagramSocket}s of one event loop share, since a socket uses it only while the loop
 * runs that socket: the receive buffer, the memory the natives exchange addresses through, and the sender
 * addresses seen. A relay socket serves one allocation, so per-socket copies would cost every allocation a
 * receive buffer of 512 KiB.
 * <p>
 * The memory layouts are those of src/main/c/turnkit_udp.c; ints in the machine's (little-endian) order,
 * addresses in network order.
 */
final class LoopDatagramBuffers {
    /**
     * An address as the natives exchange it, within a record or an entry: family (4 or 6), port, IPv6 scope id,
     * 4 unused bytes, then the address (4 or 16 bytes).
     */
    private static final int FAMILY = 0;
    private static final int PORT = FAMILY + Integer.BYTES;
    private static final int SCOPE = PORT + Integer.BYTES;
    private static final int ADDRESS = SCOPE + 2 * Integer.BYTES;
    private static final int ADDRESS_BYTES = ADDRESS + 16;

    /** recvmmsg's record of one datagram: length, flags, sender. */
    private static final int RECORD_LENGTH = 0;
    private static final int RECORD_FLAGS = RECORD_LENGTH + Integer.BYTES;
    private static final int RECORD_SENDER = RECORD_FLAGS + Integer.BYTES;
    private static final int RECORD = RECORD_SENDER + ADDRESS_BYTES;
    /** MSG_TRUNC (recvmsg(2)): the datagram was longer than its slot. */
    private static final int MSG_TRUNC = 0x20;

    /** sendmmsg's table: a header (the count of entries dropped), then one entry per send. */
    private static final int HEADER = 8;
    private static final int ENTRY_MEMORY = 0;
    private static final int ENTRY_LENGTH = ENTRY_MEMORY + Long.BYTES;
    private static final int ENTRY_SEGMENT = ENTRY_LENGTH + Integer.BYTES;
    private static final int ENTRY_DESTINATION = ENTRY_SEGMENT + Integer.BYTES;
    private static final int ENTRY = ENTRY_DESTINATION + ADDRESS_BYTES;
    /** Entries per sendmmsg call: as many as the native sends in one system call. */
    static final int ENTRIES = 64;
    /** Senders remembered: a listening socket's active clients, or the peers of the loop's allocations. */
    private static final int SENDERS = 4096;
    /** IPv6 destinations remembered: the peers and clients a loop's sockets send to at once. */
    private static final int DESTINATIONS = 1024;
    private static final int RECEIVE_BYTES = ChannelDataHeadroom.HEADROOM + Transports.DATAGRAMS_PER_READ * Transports.MAX_DATAGRAM;

    private static final FastThreadLocal<LoopDatagramBuffers> MINE = new FastThreadLocal<>() {
        @Override
        protected LoopDatagramBuffers initialValue() {
            return new LoopDatagramBuffers();
        }

        @Override
        protected void onRemoval(LoopDatagramBuffers buffers) {
            buffers.release();
        }
    };

    private final ByteBuf records = Transports.ALLOCATOR.directBuffer(Transports.DATAGRAMS_PER_READ * RECORD);
    private final ByteBuf table = Transports.ALLOCATOR.directBuffer(HEADER + ENTRIES * ENTRY);
    private final SenderAddresses senders = new SenderAddresses(SENDERS);
    private final DestinationAddresses destinations = new DestinationAddresses(DESTINATIONS);
    private ByteBuf receive;

    private LoopDatagramBuffers() {
    }

    /** This event loop's buffers, released when its thread ends. */
    static LoopDatagramBuffers mine() {
        return MINE.get();
    }

    /**
     * The buffer for the next recvmmsg call, laid out as {@link ChannelDataHeadroom} describes: the last one
     * again unless a receiver kept part of it (a frame in place, a queued slice), else a new one.
     */
    ByteBuf receiveBuffer() {
        if (receive != null && receive.refCnt() == 1) {
            return receive;
        }
        if (receive != null) {
            receive.release();
        }
        receive = Transports.ALLOCATOR.ioBuffer(RECEIVE_BYTES);
        return receive;
    }

    long recordsAddress() {
        return records.memoryAddress();
    }

    int length(int datagram) {
        return records.getIntLE(datagram * RECORD + RECORD_LENGTH);
    }

    boolean truncated(int datagram) {
        return (records.getIntLE(datagram * RECORD + RECORD_FLAGS) & MSG_TRUNC) != 0;
    }

    InetSocketAddress sender(int datagram) {
        int at = datagram * RECORD + RECORD_SENDER;
        int port = records.getIntLE(at + PORT);
        if (records.getIntLE(at + FAMILY) == 4) {
            return senders.ipv4(records.getInt(at + ADDRESS), port);
        }
        return senders.ipv6(records.getLong(at + ADDRESS), records.getLong(at + ADDRESS + Long.BYTES), port,
                records.getIntLE(at + SCOPE));
    }

    long tableAddress() {
        return table.memoryAddress();
    }

    /** The number of entries the last sendmmsg call dropped. */
    int dropped() {
        return table.getIntLE(0);
    }

    /**
     * Writes entry {@code i}: {@code datagrams}' readable bytes (a buffer with a memory address) to {@code to}
     * (resolved), as one datagram or, with {@code segmentSize} above 0, as a UDP GSO send.
     */
    void entry(int i, ByteBuf datagrams, int segmentSize, InetSocketAddress to) {
        int at = HEADER + i * ENTRY;
        table.setLongLE(at + ENTRY_MEMORY, datagrams.memoryAddress() + datagrams.readerIndex());
        table.setIntLE(at + ENTRY_LENGTH, datagrams.readableBytes());
        table.setIntLE(at + ENTRY_SEGMENT, segmentSize);
        int destination = at + ENTRY_DESTINATION;
        table.setIntLE(destination + PORT, to.getPort());
        InetAddress address = to.getAddress();
        if (address instanceof Inet4Address) {
            table.setIntLE(destination + FAMILY, 4);
            // Inet4Address.hashCode() is the address itself: its bytes without copying them out.
            table.setInt(destination + ADDRESS, address.hashCode());
        } else {
            table.setIntLE(destination + FAMILY, 6);
            Inet6Address ipv6 = (Inet6Address) address;
            table.setIntLE(destination + SCOPE, ipv6.getScopeId());
            table.setBytes(destination + ADDRESS, destinations.bytes(ipv6));
        }
    }

    private void release() {
        records.release();
        table.release();
        if (receive != null) {
            receive.release();
        }
    }
}
