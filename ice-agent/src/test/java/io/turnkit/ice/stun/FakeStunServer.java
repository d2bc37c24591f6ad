package io.turnkit.ice.stun;

import java.io.IOException;
import java.net.BindException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.BitSet;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.turnkit.stun.StunAttributeType;
import io.turnkit.stun.StunAttributes;
import io.turnkit.stun.StunClass;
import io.turnkit.stun.StunMessage;
import io.turnkit.stun.StunMessageEncoder;
import io.turnkit.stun.StunMessageType;
import io.turnkit.stun.StunMethod;

/**
 * A STUN server with RFC 5780's four transport addresses on loopback — ::1 (primary) and 127.0.0.1 stand for its
 * two IP addresses, the same two ports on each — behind a simulated NAT. The NAT's mapping decides the
 * XOR-MAPPED-ADDRESS reported (a TEST-NET-3 address, or the client's real one without a NAT); its filtering decides
 * which answers reach the client, from the addresses the client has sent to. The client's dual-stack socket gets
 * answers from 127.0.0.1 at its own port on 127.0.0.1. (The primary is the IPv6 one because Linux no longer delivers
 * IPv6 to a dual-stack socket once it was connected to an IPv4 address, as the client's is for test I.)
 * {@code dropFirst} requests are ignored, to make a client retransmit.
 */
final class FakeStunServer implements AutoCloseable {
    /** Socket index bits: which IP (0 = ::1, 1 = 127.0.0.1) and which port (0 = primary, 1 = other). */
    private static final int IP_BIT = 2;
    private static final int PORT_BIT = 1;
    private static final int SOCKETS = 4;
    private static final int BIND_ATTEMPTS = 20;

    private final NatBehavior.Type mapping;
    private final NatBehavior.Type filtering;
    private final boolean advertiseOtherAddress;
    private final int dropFirst;
    private final DatagramChannel[] sockets = new DatagramChannel[SOCKETS];
    private final InetSocketAddress[] addresses = new InetSocketAddress[SOCKETS];
    private final BitSet contacted = new BitSet(SOCKETS);
    private final AtomicInteger requests = new AtomicInteger();
    private final Selector selector;
    private final Thread thread;
    private volatile boolean closed;

    /**
     * @param mapping   the NAT's mapping, or null for no NAT at all
     * @param filtering the NAT's (or firewall's) filtering
     */
    private FakeStunServer(NatBehavior.Type mapping, NatBehavior.Type filtering, boolean advertiseOtherAddress,
            int dropFirst) throws IOException {
        this.mapping = mapping;
        this.filtering = filtering;
        this.advertiseOtherAddress = advertiseOtherAddress;
        this.dropFirst = dropFirst;
        this.selector = Selector.open();
        bindAll();
        this.thread = new Thread(this::serve, "fake-stun-server");
        thread.setDaemon(true);
        thread.start();
    }

    static FakeStunServer behindNat(NatBehavior.Type mapping, NatBehavior.Type filtering) throws IOException {
        return new FakeStunServer(mapping, filtering, true, 0);
    }

    static FakeStunServer withoutNat() throws IOException {
        return new FakeStunServer(null, NatBehavior.Type.ENDPOINT_INDEPENDENT, true, 0);
    }

    /** A plain STUN server (no OTHER-ADDRESS) that ignores the first {@code count} requests. */
    static FakeStunServer ignoringFirst(int count) throws IOException {
        return new FakeStunServer(null, NatBehavior.Type.ENDPOINT_INDEPENDENT, false, count);
    }

    InetSocketAddress primary() {
        return addresses[0];
    }

    /** Requests received so far, ignored ones included. */
    int requests() {
        return requests.get();
    }

    /** Two ports free on both loopback addresses: each picked by the system on ::1, then tried on 127.0.0.1. */
    private void bindAll() throws IOException {
        InetAddress[] ips = {InetAddress.getByName("::1"), InetAddress.getByName("127.0.0.1")};
        for (int port = 0; port <= PORT_BIT; port++) {
            IOException last = null;
            for (int attempt = 0; attempt < BIND_ATTEMPTS && sockets[port] == null; attempt++) {
                try {
                    bindPair(ips, port);
                } catch (BindException e) {
                    last = e;
                }
            }
            if (sockets[port] == null) {
                throw last;
            }
        }
    }

    private void bindPair(InetAddress[] ips, int port) throws IOException {
        DatagramChannel first = DatagramChannel.open().bind(new InetSocketAddress(ips[0], 0));
        int chosen = ((InetSocketAddress) first.getLocalAddress()).getPort();
        DatagramChannel second;
        try {
            second = DatagramChannel.open().bind(new InetSocketAddress(ips[1], chosen));
        } catch (IOException e) {
            first.close();
            throw e;
        }
        register(port, first);
        register(IP_BIT | port, second);
    }

    private void register(int index, DatagramChannel channel) throws IOException {
        channel.configureBlocking(false);
        channel.register(selector, SelectionKey.OP_READ, index);
        sockets[index] = channel;
        addresses[index] = (InetSocketAddress) channel.getLocalAddress();
    }

    private void serve() {
        ByteBuffer in = ByteBuffer.allocate(2048);
        while (!closed) {
            try {
                selector.select(100);
                for (SelectionKey key : selector.selectedKeys()) {
                    in.clear();
                    InetSocketAddress client = (InetSocketAddress) ((DatagramChannel) key.channel()).receive(in);
                    if (client != null) {
                        in.flip();
                        onDatagram((Integer) key.attachment(), in, client);
                    }
                }
                selector.selectedKeys().clear();
            } catch (IOException e) {
                // The selector or a socket was closed by close(); the loop condition decides.
            }
        }
    }

    private void onDatagram(int socket, ByteBuffer datagram, InetSocketAddress client) throws IOException {
        if (requests.incrementAndGet() <= dropFirst) {
            return;
        }
        contacted.set(socket);
        StunMessage request = new StunMessage().wrap(Unpooled.wrappedBuffer(datagram), 0, datagram.remaining());
        if (!request.validate().isWellFormed() || !request.isRequest() || request.method() != StunMethod.BINDING) {
            return;
        }
        long flags = Math.max(0, StunAttributes.uint32(request,
                request.findAttribute(StunAttributeType.CHANGE_REQUEST)));
        int from = socket;
        if ((flags & StunAttributes.CHANGE_IP) != 0) {
            from ^= IP_BIT;
        }
        if ((flags & StunAttributes.CHANGE_PORT) != 0) {
            from ^= PORT_BIT;
        }
        if (!passesFilter(from)) {
            return;
        }
        ByteBuf out = Unpooled.buffer(128);
        StunMessageEncoder encoder = new StunMessageEncoder().wrap(out)
                .header(StunMessageType.of(StunMethod.BINDING, StunClass.SUCCESS_RESPONSE), request)
                .addAddress(StunAttributeType.XOR_MAPPED_ADDRESS, mappedAddress(socket, client));
        if (advertiseOtherAddress) {
            encoder.addAddress(StunAttributeType.OTHER_ADDRESS, addresses[IP_BIT | PORT_BIT]);
        }
        encoder.finish();
        sockets[from].send(out.nioBuffer(), sameFamily(client, from));
    }

    /** RFC 4787 §5: whether the NAT lets a datagram from socket {@code from} in, given where the client sent. */
    private boolean passesFilter(int from) {
        switch (filtering) {
            case ENDPOINT_INDEPENDENT:
                return true;
            case ADDRESS_DEPENDENT:
                return contacted.get(from & IP_BIT) || contacted.get((from & IP_BIT) | PORT_BIT);
            default:
                return contacted.get(from);
        }
    }

    /** RFC 4787 §4.1: one mapping for all, one per destination IP, or one per destination IP and port. */
    private InetSocketAddress mappedAddress(int socket, InetSocketAddress client) throws IOException {
        if (mapping == null) {
            return client;
        }
        int perDestination = mapping == NatBehavior.Type.ENDPOINT_INDEPENDENT ? 0
                : mapping == NatBehavior.Type.ADDRESS_DEPENDENT ? socket >> 1 : socket;
        return new InetSocketAddress(InetAddress.getByName("203.0.113.7"), 50_000 + perDestination);
    }

    /** The client's dual-stack socket, at its port, in the family of socket {@code from}. */
    private InetSocketAddress sameFamily(InetSocketAddress client, int from) {
        boolean v4 = addresses[from].getAddress() instanceof Inet4Address;
        if (v4 == client.getAddress() instanceof Inet4Address) {
            return client;
        }
        return new InetSocketAddress(addresses[from].getAddress(), client.getPort());
    }

    @Override
    public void close() throws IOException {
        closed = true;
        selector.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        selector.close();
        for (DatagramChannel socket : sockets) {
            socket.close();
        }
    }
}
