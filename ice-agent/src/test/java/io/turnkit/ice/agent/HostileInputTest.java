package io.turnkit.ice.agent;

import static io.turnkit.ice.agent.IceAgentTest.LIMIT;
import static io.turnkit.ice.agent.IceAgentTest.bothIn;
import static io.turnkit.ice.agent.IceAgentTest.config;
import static io.turnkit.ice.agent.IceAgentTest.connected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.turnkit.stun.ShortTermKey;
import io.turnkit.stun.StunAttributeType;
import io.turnkit.stun.StunAttributes;
import io.turnkit.stun.StunClass;
import io.turnkit.stun.StunErrorCode;
import io.turnkit.stun.StunMessage;
import io.turnkit.stun.StunMessageEncoder;
import io.turnkit.stun.StunMessageType;
import io.turnkit.stun.StunMethod;

/** Every byte from the network is hostile: malformed or unauthenticated datagrams are counted and dropped. */
class HostileInputTest {
    private static final InetSocketAddress STRANGER = BackToBack.parse("192.0.2.66:4444");

    private static BackToBack completed() {
        BackToBack net = connected(config(IceRole.CONTROLLING, 1).build(), config(IceRole.CONTROLLED, 2).build());
        net.runUntil(() -> bothIn(net, IceConnectionState.COMPLETED), LIMIT);
        return net;
    }

    private static ByteBuf binding(int stunClass, Consumer<StunMessageEncoder> attributes) {
        ByteBuf out = Unpooled.buffer();
        StunMessageEncoder encoder = new StunMessageEncoder().wrap(out)
            .header(StunMessageType.of(StunMethod.BINDING, stunClass), new byte[12]);
        attributes.accept(encoder);
        encoder.finish();
        return out;
    }

    private static Received feed(BackToBack net, ByteBuf datagram) {
        return net.agent("a").handleDatagram(1, STRANGER, datagram, net.now);
    }

    private static int errorAnswered(BackToBack net) {
        net.drain();
        BackToBack.Packet last = net.sentBy("a").get(net.sentBy("a").size() - 1);
        StunMessage m = last.stun();
        return StunAttributes.errorCode(m, m.findAttribute(StunAttributeType.ERROR_CODE));
    }

    @Test
    void shouldCountEachKindOfBadDatagram() {
        BackToBack net = completed();
        IceAgent a = net.agent("a");
        String ufrag = a.localCredentials().ufrag();

        assertEquals(Received.DROPPED, a.handleDatagram(99, STRANGER, Unpooled.buffer(4), net.now));
        assertEquals(Received.DROPPED, feed(net, Unpooled.wrappedBuffer(new byte[] {0, 1, 0, 0, 1, 2, 3})));
        assertEquals(Received.DROPPED, feed(net, Unpooled.wrappedBuffer(new byte[] {(byte) 0x80, 1, 2, 3})));
        ByteBuf allocate = Unpooled.buffer();
        new StunMessageEncoder().wrap(allocate)
            .header(StunMessageType.of(StunMethod.ALLOCATE, StunClass.REQUEST), new byte[12]).finish();
        assertEquals(Received.DROPPED, feed(net, allocate));
        assertEquals(Received.DROPPED, feed(net, binding(StunClass.REQUEST, e -> { })));
        assertEquals(StunErrorCode.BAD_REQUEST, errorAnswered(net));
        assertEquals(Received.DROPPED, feed(net, binding(StunClass.REQUEST, e -> e
            .addString(StunAttributeType.USERNAME, ufrag + ":peer")
            .addUint32(StunAttributeType.PRIORITY, 1000)
            .addMessageIntegrity(ShortTermKey.of("not-the-password-at-all-1234")).addFingerprint())));
        assertEquals(StunErrorCode.UNAUTHENTICATED, errorAnswered(net));
        assertEquals(Received.DROPPED, feed(net, binding(StunClass.SUCCESS_RESPONSE, e -> e
            .addAddress(StunAttributeType.XOR_MAPPED_ADDRESS, STRANGER))));

        assertEquals(1, a.dropped(DropReason.UNKNOWN_SOCKET));
        assertEquals(1, a.dropped(DropReason.MALFORMED_STUN));
        assertEquals(1, a.dropped(DropReason.UNKNOWN_PEER));
        assertEquals(1, a.dropped(DropReason.NOT_BINDING));
        assertEquals(1, a.dropped(DropReason.BAD_REQUEST));
        assertEquals(1, a.dropped(DropReason.UNAUTHENTICATED));
        assertEquals(1, a.dropped(DropReason.UNKNOWN_TRANSACTION));
        assertEquals(IceConnectionState.COMPLETED, a.state());
    }

    @Test
    void shouldSurviveMutatedAndRandomDatagramsAndStayConnected() {
        BackToBack net = completed();
        IceAgent a = net.agent("a");
        List<BackToBack.Packet> real = net.sentBy("b");
        SplittableRandom random = new SplittableRandom(42);
        long dropsBefore = totalDrops(a);
        int selections = net.events("a", IceEvent.SelectedPairChanged.class).size();

        for (int i = 0; i < 20_000; i++) {
            byte[] bytes;
            if (i % 2 == 0) {
                bytes = real.get(random.nextInt(real.size())).bytes().clone();
                for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                    bytes[random.nextInt(bytes.length)] ^= (byte) (1 + random.nextInt(255));
                }
            } else {
                bytes = new byte[random.nextInt(120)];
                random.nextBytes(bytes);
                if (bytes.length > 0) {
                    bytes[0] &= 3;
                }
            }
            a.handleDatagram(1, random.nextBoolean() ? STRANGER : BackToBack.parse("10.0.0.2:6000"),
                Unpooled.wrappedBuffer(bytes), net.now);
            net.drain();
        }
        // A replayed check from another address is authentic and makes a pair whose checks fail within 40 s.
        net.run(Duration.ofSeconds(45));

        assertTrue(totalDrops(a) - dropsBefore > 10_000, "dropped " + (totalDrops(a) - dropsBefore));
        assertEquals(selections, net.events("a", IceEvent.SelectedPairChanged.class).size(), "the pair stays");
        assertEquals(IceConnectionState.COMPLETED, a.state());
        assertEquals(IceConnectionState.COMPLETED, net.agent("b").state());
    }

    private static long totalDrops(IceAgent a) {
        long total = 0;
        for (DropReason reason : DropReason.values()) {
            total += a.dropped(reason);
        }
        return total;
    }
}
