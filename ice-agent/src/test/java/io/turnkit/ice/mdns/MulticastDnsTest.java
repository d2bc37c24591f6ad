package io.turnkit.ice.mdns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.turnkit.stun.EnumCounters;

/** The resolver and the responder, sans-I/O: two instances whose datagrams the test carries by hand. */
class MulticastDnsTest {
    private static final long SECOND = 1_000_000_000L;
    private static final InetSocketAddress RESPONDER_HOST = new InetSocketAddress("192.168.1.10", MulticastDns.PORT);
    private static final InetSocketAddress QUERIER_HOST = new InetSocketAddress("192.168.1.11", MulticastDns.PORT);

    private final MulticastDns responder = new MulticastDns(new Random(1), MulticastDns.DEFAULT_TIMEOUT,
        ByteBufAllocator.DEFAULT);
    private final MulticastDns querier = new MulticastDns(new Random(2), MulticastDns.DEFAULT_TIMEOUT,
        ByteBufAllocator.DEFAULT);
    private final List<InetAddress> results = new ArrayList<>();
    private final List<ByteBuf> held = new ArrayList<>();

    @AfterEach
    void release() {
        held.forEach(ByteBuf::release);
        responder.close();
        querier.close();
    }

    private MdnsTransmit poll(MulticastDns mdns) {
        MdnsTransmit t = mdns.pollTransmit();
        if (t != null) {
            held.add(t.content());
        }
        return t;
    }

    private void resolve(String name, long now) {
        assertTrue(querier.resolve(name, (n, address, at) -> results.add(address), now));
    }

    @Test
    void shouldResolveARegisteredNameWithAUnicastAnswerToAQuQuery() throws Exception {
        InetAddress real = InetAddress.getByName("192.168.1.10");
        String name = responder.register(real);
        assertTrue(name.matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\\.local"), name);
        assertEquals(name, responder.register(real), "one name per address");

        resolve(name, 0);
        MdnsTransmit query = poll(querier);
        assertEquals(MulticastDns.IPV4_GROUP, query.destination());
        DnsMessage read = new DnsMessage(new EnumCounters<>(DnsValidation.class));
        read.wrap(query.content(), 0, query.content().readableBytes()).validate();
        assertTrue(read.nextRecord());
        assertTrue(read.classTopBit(), "the first query asks for a unicast answer (RFC 6762 §5.4)");

        responder.handleDatagram(QUERIER_HOST, query.content(), 0);
        MdnsTransmit answer = poll(responder);
        assertEquals(QUERIER_HOST, answer.destination(), "QU: answered to the querier");
        querier.handleDatagram(RESPONDER_HOST, answer.content(), SECOND / 10);
        assertEquals(List.of(real), results);
        assertEquals(0, querier.pendingResolutions());

        resolve(name.toUpperCase(), 2 * SECOND);
        assertEquals(List.of(real, real), results, "from the cache");
        assertNull(poll(querier), "no query for a cached name");

        resolve(name, 121 * SECOND);
        assertEquals(2, results.size(), "the TTL of 120 s is over: asked again");
        assertNotNull(poll(querier));
    }

    @Test
    void shouldRetransmitThenGiveUpAtTheTimeout() {
        resolve("0d1e2f30-1111-4222-8333-444455556666.local", 0);
        assertNotNull(poll(querier));
        assertEquals(SECOND, querier.pollTimeout());
        querier.handleTimeout(SECOND);
        MdnsTransmit second = poll(querier);
        assertNotNull(second);
        DnsMessage read = new DnsMessage(new EnumCounters<>(DnsValidation.class));
        read.wrap(second.content(), 0, second.content().readableBytes()).validate();
        assertTrue(read.nextRecord());
        assertFalse(read.classTopBit(), "later queries ask for multicast answers");
        assertEquals(3 * SECOND, querier.pollTimeout());
        querier.handleTimeout(3 * SECOND);
        assertNotNull(poll(querier));
        assertEquals(5 * SECOND, querier.pollTimeout());
        querier.handleTimeout(5 * SECOND);
        assertEquals(1, results.size());
        assertNull(results.get(0), "no answer in 5 s: not resolved");
        assertEquals(Long.MAX_VALUE, querier.pollTimeout());
    }

    @Test
    void shouldAnswerOnlyItsOwnNamesAndTheirFamily() throws Exception {
        String name = responder.register(InetAddress.getByName("192.168.1.10"));
        ByteBuf other = Unpooled.buffer();
        DnsMessageEncoder.writeQuery(other, "0d1e2f30-1111-4222-8333-444455556666.local", false);
        responder.handleDatagram(QUERIER_HOST, other, 0);
        assertNull(poll(responder), "another host's name");

        ByteBuf multicast = Unpooled.buffer();
        DnsMessageEncoder.writeQuery(multicast, name, false);
        responder.handleDatagram(QUERIER_HOST, multicast, 0);
        MdnsTransmit answer = poll(responder);
        assertEquals(MulticastDns.IPV4_GROUP, answer.destination(), "QM: answered to the group");
        assertNull(poll(responder), "the AAAA question of an IPv4 name is not answered");
        other.release();
        multicast.release();
    }

    @Test
    void shouldAnswerALegacyUnicastQueryWithItsIdAndQuestion() throws Exception {
        String name = responder.register(InetAddress.getByName("192.168.1.10"));
        ByteBuf query = Unpooled.buffer();
        DnsMessageEncoder.writeQuery(query, name, false);
        query.setShort(DnsMessage.ID_OFFSET, 0x1234);
        InetSocketAddress dig = new InetSocketAddress("192.168.1.11", 40000);
        responder.handleDatagram(dig, query, 0);
        MdnsTransmit answer = poll(responder);
        assertEquals(dig, answer.destination());
        DnsMessage read = new DnsMessage(new EnumCounters<>(DnsValidation.class));
        read.wrap(answer.content(), 0, answer.content().readableBytes()).validate();
        assertEquals(0x1234, read.id());
        assertEquals(1, read.questionCount());
        assertTrue(read.nextRecord());
        assertTrue(read.nextRecord());
        assertEquals(MdnsResponder.LEGACY_UNICAST_TTL_SECONDS, read.ttl());
        query.release();
    }

    @Test
    void shouldIgnoreAnswersFromAnotherPortAndForgetAtAGoodbye() throws Exception {
        InetAddress real = InetAddress.getByName("192.168.1.10");
        String name = responder.register(real);
        resolve(name, 0);
        MdnsTransmit query = poll(querier);
        responder.handleDatagram(QUERIER_HOST, query.content(), 0);
        MdnsTransmit answer = poll(responder);
        querier.handleDatagram(new InetSocketAddress("192.168.1.10", 40000), answer.content(), 0);
        assertEquals(1, querier.nonMdnsResponses());
        assertTrue(results.isEmpty(), "RFC 6762 §6: responses come from port 5353");
        querier.handleDatagram(RESPONDER_HOST, answer.content(), 0);
        assertEquals(List.of(real), results);

        responder.withdrawAll();
        assertEquals(0, responder.registeredNames());
        MdnsTransmit goodbye = poll(responder);
        assertEquals(MulticastDns.IPV4_GROUP, goodbye.destination());
        querier.handleDatagram(RESPONDER_HOST, goodbye.content(), SECOND);
        resolve(name, 2 * SECOND);
        assertEquals(1, results.size(), "forgotten at the goodbye: asked again");
        assertNotNull(poll(querier));
    }
}
