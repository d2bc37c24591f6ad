package io.turnkit.ice.driver;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** The mux's table on its own: routing by the check's local ufrag, then by the learned address. */
class MuxRoutesTest {
    private final MuxRoutes<String> routes = new MuxRoutes<>();

    @Test
    void shouldRouteAFirstCheckByTheUfragBeforeTheColonThenItsAddress() {
        MuxRoutes<String>.Route route = routes.join("agent", "LFRAG");
        InetSocketAddress peer = new InetSocketAddress("192.0.2.1", 5000);
        assertSame(route, routes.route(peer, check("LFRAG:RFRAG")));
        // Learned: data from that address now reaches the agent.
        assertSame(route, routes.route(peer, Unpooled.wrappedBuffer(new byte[] {(byte) 0x80, 0, 0, 0})));
        assertNull(routes.route(new InetSocketAddress("192.0.2.1", 5001), check("RFRAG:LFRAG")));
        assertEquals(1, routes.dropped(MuxDropReason.UNKNOWN_UFRAG));
    }

    @Test
    void shouldRouteTheOldAndNewUfragDuringARestartAndForgetTheOneBefore() {
        MuxRoutes<String>.Route route = routes.join("agent", "first");
        route.addUfrag("second");
        assertSame(route, routes.byUsername(check("first:peer")));
        assertSame(route, routes.byUsername(check("second:peer")));
        route.addUfrag("third");
        assertNull(routes.byUsername(check("first:peer")));
        assertSame(route, routes.byUsername(check("third:peer")));
        assertEquals(2, routes.ufragCount());
    }

    @Test
    void shouldLearnABoundedNumberOfAddressesPerAgent() {
        routes.join("agent", "LFRAG");
        for (int port = 1; port <= MuxRoutes.MAX_ADDRESSES_PER_AGENT + 10; port++) {
            routes.route(new InetSocketAddress("192.0.2.1", port), check("LFRAG:RFRAG"));
        }
        assertEquals(MuxRoutes.MAX_ADDRESSES_PER_AGENT, routes.addressCount());
        assertEquals(10, routes.dropped(MuxDropReason.ADDRESS_LIMIT));
    }

    @Test
    void shouldDropWhatIsNoBindingRequestWithAUsername() {
        routes.join("agent", "LFRAG");
        InetSocketAddress stranger = new InetSocketAddress("192.0.2.9", 9);
        assertNull(routes.route(stranger, Unpooled.wrappedBuffer("LFRAG:RFRAG".getBytes(UTF_8))));
        ByteBuf truncated = check("LFRAG:RFRAG");
        assertNull(routes.route(stranger, truncated.slice(0, truncated.readableBytes() - 4)));
        assertNull(routes.route(stranger, check("LFRAG")));
        assertEquals(3, routes.dropped(MuxDropReason.UNKNOWN_SENDER));
        assertEquals(0, routes.addressCount());
    }

    /** A Binding request (RFC 8489 §5) with only a USERNAME, which is all the table reads. */
    private static ByteBuf check(String username) {
        byte[] name = username.getBytes(UTF_8);
        int padded = (name.length + 3) & ~3;
        ByteBuf b = Unpooled.buffer(20 + 4 + padded);
        b.writeShort(0x0001).writeShort(4 + padded).writeInt(0x2112A442).writeZero(12);
        b.writeShort(0x0006).writeShort(name.length).writeBytes(name).writeZero(padded - name.length);
        return b;
    }
}
