package io.turnkit.server.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.turnkit.server.TestServices;
import io.turnkit.server.config.ServerConfig;
import io.turnkit.server.link.ClientLink;
import io.turnkit.stun.AddressAttribute;
import io.turnkit.stun.StunAttributeType;
import io.turnkit.stun.StunAttributes;
import io.turnkit.stun.StunClass;
import io.turnkit.stun.StunErrorCode;
import io.turnkit.stun.StunMessage;
import io.turnkit.stun.StunMessageEncoder;
import io.turnkit.stun.StunMessageType;
import io.turnkit.stun.StunMethod;
import io.turnkit.stun.StunValidation;

/**
 * Binding requests on a listener with an alternate address and port (RFC 5780 §6): four recording links stand for
 * the four listeners, so a test sees which one answered, and to where.
 */
class BindingHandlerTest {
    private static final int PRIMARY_PORT = 3478;
    private static final int ALTERNATE_PORT = 3479;
    private static final InetAddress PRIMARY_IP = address("127.0.0.1");
    private static final InetAddress ALTERNATE_IP = address("127.0.0.2");
    private static final InetSocketAddress CLIENT = new InetSocketAddress(PRIMARY_IP, 50_000);

    private final Map<InetSocketAddress, RecordingLink> listeners = Map.of(
            listener(PRIMARY_IP, PRIMARY_PORT), new RecordingLink(listener(PRIMARY_IP, PRIMARY_PORT)),
            listener(PRIMARY_IP, ALTERNATE_PORT), new RecordingLink(listener(PRIMARY_IP, ALTERNATE_PORT)),
            listener(ALTERNATE_IP, PRIMARY_PORT), new RecordingLink(listener(ALTERNATE_IP, PRIMARY_PORT)),
            listener(ALTERNATE_IP, ALTERNATE_PORT), new RecordingLink(listener(ALTERNATE_IP, ALTERNATE_PORT)));
    private final RecordingLink primary = listeners.get(listener(PRIMARY_IP, PRIMARY_PORT));
    private final TestServices server = new TestServices(ServerConfig.builder().listeners(ls -> ls.addListeningIp(PRIMARY_IP))
            .auth(au -> au.realm("example.org")).build());
    private final TurnProtocol protocol = new TurnProtocol(withOrigins(server.services()), primary);
    private final List<ByteBuf> responses = new ArrayList<>();
    /** Where the last answer went. */
    private List<InetSocketAddress> answeredTo;

    @AfterEach
    void close() {
        listeners.values().forEach(link -> link.takeSent().forEach(ByteBuf::release));
        responses.forEach(ByteBuf::release);
        server.close();
    }

    @Test
    void shouldSayWhereTheResponseComesFromAndWhereTheOtherAddressIs() {
        StunMessage response = answer(primary, e -> { });

        assertEquals(CLIENT, address(response, StunAttributeType.XOR_MAPPED_ADDRESS));
        assertEquals(listener(PRIMARY_IP, PRIMARY_PORT), address(response, StunAttributeType.RESPONSE_ORIGIN));
        assertEquals(listener(ALTERNATE_IP, ALTERNATE_PORT), address(response, StunAttributeType.OTHER_ADDRESS));
    }

    @ParameterizedTest
    @CsvSource({"6, 127.0.0.2, 3479", "4, 127.0.0.2, 3478", "2, 127.0.0.1, 3479", "0, 127.0.0.1, 3478"})
    void shouldAnswerFromTheListenerTheChangeRequestNames(int flags, String ip, int port) {
        RecordingLink origin = listeners.get(listener(address(ip), port));

        StunMessage response = answer(origin, e -> e.addUint32(StunAttributeType.CHANGE_REQUEST, flags));

        assertEquals(origin.localAddress(), address(response, StunAttributeType.RESPONSE_ORIGIN));
        assertEquals(List.of(CLIENT), answeredTo);
        for (RecordingLink other : listeners.values()) {
            assertTrue(other == origin || other.destinations().isEmpty(), "only one listener answers");
        }
    }

    @Test
    void shouldSendTheResponseToTheResponsePort() {
        StunMessage response = answer(primary, e -> e.addResponsePort(40_000));

        assertEquals(List.of(new InetSocketAddress(PRIMARY_IP, 40_000)), answeredTo);
        assertEquals(CLIENT, address(response, StunAttributeType.XOR_MAPPED_ADDRESS), "the request's source");
    }

    @ParameterizedTest
    @CsvSource({"1000, 1000", "1497, 1497", "4000, 1500"})
    void shouldPadTheResponseAsMuchAsTheRequestUpToTheMtu(int requested, int expected) {
        StunMessage response = answer(primary, e -> e.addPadding(requested));

        assertEquals(expected, StunAttributes.valueLength(response, response.findAttribute(StunAttributeType.PADDING)));
    }

    @Test
    void shouldRefusePaddingWithResponsePortWith400() {
        StunMessage response = answer(primary, e -> e.addPadding(100).addResponsePort(40_000));

        assertEquals(StunClass.ERROR_RESPONSE, StunMessageType.stunClass(response.messageType()));
        assertEquals(StunErrorCode.BAD_REQUEST,
                StunAttributes.errorCode(response, response.findAttribute(StunAttributeType.ERROR_CODE)));
    }

    /** Hands a Binding request with {@code attributes} to the primary listener; {@code origin} sends the one answer. */
    private StunMessage answer(RecordingLink origin, Consumer<StunMessageEncoder> attributes) {
        byte[] transactionId = new byte[StunMessage.TRANSACTION_ID_LENGTH];
        ThreadLocalRandom.current().nextBytes(transactionId);
        ByteBuf request = Unpooled.buffer();
        StunMessageEncoder encoder = new StunMessageEncoder().wrap(request)
                .header(StunMessageType.of(StunMethod.BINDING, StunClass.REQUEST), transactionId);
        attributes.accept(encoder);
        encoder.addFingerprint().finish();
        protocol.onFrame(request, CLIENT);
        request.release();
        answeredTo = origin.destinations();
        List<ByteBuf> sent = origin.takeSent();
        responses.addAll(sent);
        assertEquals(1, sent.size(), "one response from " + origin.localAddress());
        ByteBuf response = sent.get(0);
        StunMessage message = new StunMessage();
        assertEquals(StunValidation.VALID, message.wrap(response, 0, response.readableBytes()).validate());
        return message;
    }

    /** The services of {@code server}, with the four recording listeners as RFC 5780's. */
    private TurnServices withOrigins(TurnServices base) {
        ResponseOrigins origins = new ResponseOrigins() {
            @Override
            public InetSocketAddress otherAddress(ClientLink link) {
                InetSocketAddress local = link.localAddress();
                return listener(other(local.getAddress()), local.getPort() == PRIMARY_PORT ? ALTERNATE_PORT
                        : PRIMARY_PORT);
            }

            @Override
            public ClientLink origin(ClientLink link, boolean changeIp, boolean changePort) {
                InetSocketAddress local = link.localAddress();
                int port = local.getPort();
                return listeners.get(listener(changeIp ? other(local.getAddress()) : local.getAddress(),
                        changePort ? (port == PRIMARY_PORT ? ALTERNATE_PORT : PRIMARY_PORT) : port));
            }
        };
        return new TurnServices(base.settings(), base.admission(), base.authenticator(), base.relays(),
                base.relayAddresses(), base.counters(), base.validation(), base.refusals(), base.redirect(), origins);
    }

    private static InetAddress other(InetAddress ip) {
        return ip.equals(PRIMARY_IP) ? ALTERNATE_IP : PRIMARY_IP;
    }

    private static InetSocketAddress address(StunMessage message, int type) {
        return new AddressAttribute().wrap(message, message.findAttribute(type)).toSocketAddress();
    }

    private static InetSocketAddress listener(InetAddress ip, int port) {
        return new InetSocketAddress(ip, port);
    }

    private static InetAddress address(String literal) {
        return new InetSocketAddress(literal, 0).getAddress();
    }
}
