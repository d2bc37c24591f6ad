package io.turnkit.perf.load;

import java.net.InetSocketAddress;

import io.netty.buffer.ByteBuf;
import io.turnkit.server.metrics.ServerCounter;
import io.turnkit.server.metrics.ServerCounters;
import io.turnkit.server.transport.DatagramBurst;
import io.turnkit.server.transport.DatagramReceiver;
import io.turnkit.server.transport.UdpSocket;

/**
 * A UDP echo peer: every datagram goes back, unchanged, to the address it came from (the relayed address of an
 * allocation), flushed once per batch of reads. It reads and sends on the server's own sockets
 * ({@link UdpSocket#bind}), and echoes of one size to one relayed address in a row leave in one UDP GSO send, as
 * the server's relay sockets send them ({@link DatagramBurst}), so that the generator spends less of the machine.
 * One instance per peer socket.
 */
final class EchoPeer implements DatagramReceiver {
    private final boolean segmentation;
    private UdpSocket socket;
    private DatagramBurst echoes;

    /** @param segmentation whether the kernel takes UDP_SEGMENT sends */
    EchoPeer(boolean segmentation) {
        this.segmentation = segmentation;
    }

    @Override
    public void bound(UdpSocket bound) {
        socket = bound;
        // Nobody reads the burst counters of an echo peer.
        echoes = new DatagramBurst(bound, segmentation, new ServerCounters(), ServerCounter.GSO_BURSTS_TO_PEER);
    }

    @Override
    public void closed() {
        echoes.discard();
    }

    @Override
    public void datagram(ByteBuf data, InetSocketAddress sender) {
        // The socket keeps its receive buffer; the burst owns, and releases, its own slice of it.
        echoes.add(data.retainedSlice(), sender);
    }

    @Override
    public void readComplete() {
        echoes.send();
        socket.flush();
    }
}
