package io.turnkit.server;

import java.io.IOException;
import java.net.DatagramSocket;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.bouncycastle.tls.UDPTransport;

/**
 * A DTLS client's transport that keeps a copy of every datagram it sends (to replay one later), and can lose the
 * first datagram it receives that holds a record of epoch 1, as a path that dropped the server's Finished would.
 */
final class RecordingUdpTransport extends UDPTransport {
    /** RFC 6347 §4.1: the epoch follows the type and version. */
    private static final int EPOCH_OFFSET = 3;

    private final List<byte[]> sent = new CopyOnWriteArrayList<>();
    private boolean loseFirstEpochOne;
    private volatile int lost;

    RecordingUdpTransport(DatagramSocket connected, boolean loseFirstEpochOne) throws IOException {
        super(connected, 1500);
        this.loseFirstEpochOne = loseFirstEpochOne;
    }

    @Override
    public void send(byte[] buf, int off, int len) throws IOException {
        sent.add(Arrays.copyOfRange(buf, off, off + len));
        super.send(buf, off, len);
    }

    @Override
    public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
        int length = super.receive(buf, off, len, waitMillis);
        if (loseFirstEpochOne && length > EPOCH_OFFSET + 1 && hasEpochOneRecord(buf, off, length)) {
            loseFirstEpochOne = false;
            lost++;
            // As a timeout would look to bctls: it retransmits its flight.
            return -1;
        }
        return length;
    }

    private static boolean hasEpochOneRecord(byte[] buf, int off, int length) {
        for (int at = off; at + 13 <= off + length; at += 13 + ((buf[at + 11] & 0xFF) << 8 | buf[at + 12] & 0xFF)) {
            if (buf[at + EPOCH_OFFSET] == 0 && buf[at + EPOCH_OFFSET + 1] == 1) {
                return true;
            }
        }
        return false;
    }

    /** The datagrams sent so far, oldest first. */
    List<byte[]> sent() {
        return sent;
    }

    /** How many datagrams were lost on purpose. */
    int lost() {
        return lost;
    }
}
