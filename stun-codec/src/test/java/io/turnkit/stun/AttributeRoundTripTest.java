package io.turnkit.stun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

/** Encode → decode → the same values, for every attribute this codec knows. */
class AttributeRoundTripTest {
    private static final byte[] TRANSACTION_ID = {(byte) 0xB7, (byte) 0xE7, (byte) 0xA7, 1, (byte) 0xBC, 0x34,
        (byte) 0xD6, (byte) 0x86, (byte) 0xFA, (byte) 0x87, (byte) 0xDF, (byte) 0xAE};
    private static final int ALLOCATE_REQUEST = StunMessageType.of(StunMethod.ALLOCATE, StunClass.REQUEST);

    private final ByteBuf out = Unpooled.directBuffer();
    private final StunMessage message = new StunMessage();

    @AfterEach
    void release() {
        out.release();
    }

    /** Encodes one message with the given attributes and returns the offset of the first one. */
    private int roundTrip(Consumer<StunMessageEncoder> attributes) {
        StunMessageEncoder encoder = new StunMessageEncoder().wrap(out).header(ALLOCATE_REQUEST, TRANSACTION_ID);
        attributes.accept(encoder);
        encoder.addFingerprint();
        int length = encoder.finish();
        assertEquals(StunValidation.VALID, message.wrap(out, 0, length).validate());
        return StunMessage.HEADER_LENGTH;
    }

    @ParameterizedTest
    @ValueSource(ints = {StunAttributeType.MAPPED_ADDRESS, StunAttributeType.XOR_MAPPED_ADDRESS,
        StunAttributeType.XOR_PEER_ADDRESS, StunAttributeType.XOR_RELAYED_ADDRESS, StunAttributeType.ALTERNATE_SERVER,
        StunAttributeType.RESPONSE_ORIGIN, StunAttributeType.OTHER_ADDRESS})
    void shouldRoundTripIpv4Address(int type) {
        InetSocketAddress a = new InetSocketAddress("203.0.113.7", 49152);
        AddressAttribute address = new AddressAttribute().wrap(message, roundTrip(e -> e.addAddress(type, a)));
        assertTrue(address.isValid());
        assertEquals(AddressAttribute.FAMILY_IPV4, address.family());
        assertEquals(0xCB007107, address.ipv4());
        assertEquals(a, address.toSocketAddress());
        assertEquals(StunAttributeType.isXorAddress(type), out.getInt(28) != 0xCB007107);
    }

    @ParameterizedTest
    @ValueSource(ints = {StunAttributeType.MAPPED_ADDRESS, StunAttributeType.XOR_MAPPED_ADDRESS,
        StunAttributeType.XOR_PEER_ADDRESS, StunAttributeType.XOR_RELAYED_ADDRESS, StunAttributeType.ALTERNATE_SERVER,
        StunAttributeType.RESPONSE_ORIGIN, StunAttributeType.OTHER_ADDRESS})
    void shouldRoundTripIpv6Address(int type) {
        InetSocketAddress a = new InetSocketAddress("2001:db8::ff00:42:8329", 3478);
        AddressAttribute address = new AddressAttribute().wrap(message, roundTrip(e -> e.addAddress(type, a)));
        assertEquals(AddressAttribute.FAMILY_IPV6, address.family());
        assertEquals(3478, address.port());
        byte[] copied = new byte[16];
        address.copyAddress(copied);
        assertArrayEquals(a.getAddress().getAddress(), copied);
        assertEquals(a, address.toSocketAddress());
    }

    @Test
    void shouldRoundTripAddressGivenAsBytes() {
        byte[] ip = {10, 0, 0, 1};
        AddressAttribute address = new AddressAttribute().wrap(message,
            roundTrip(e -> e.addAddress(StunAttributeType.XOR_PEER_ADDRESS, ip, 65535)));
        assertEquals(65535, address.port());
        assertEquals(0x0A000001, address.ipv4());
    }

    @ParameterizedTest
    @ValueSource(ints = {StunAttributeType.LIFETIME, StunAttributeType.PRIORITY, StunAttributeType.CHANGE_REQUEST,
        StunAttributeType.CONNECTION_ID})
    void shouldRoundTripUint32(int type) {
        int attr = roundTrip(e -> e.addUint32(type, 0xFFFFFFFEL));
        assertEquals(0xFFFFFFFEL, StunAttributes.uint32(message, attr));
        assertTrue(StunAttributes.hasValidLength(message, attr));
    }

    @ParameterizedTest
    @ValueSource(ints = {StunAttributeType.ICE_CONTROLLED, StunAttributeType.ICE_CONTROLLING,
        StunAttributeType.RESERVATION_TOKEN})
    void shouldRoundTripUint64(int type) {
        int attr = roundTrip(e -> e.addUint64(type, 0x8000000000000001L));
        assertEquals(0x8000000000000001L, StunAttributes.uint64(message, attr));
        assertTrue(StunAttributes.hasValidLength(message, attr));
    }

    @Test
    void shouldRoundTripReservationToken() {
        int attr = roundTrip(e -> e.addReservationToken(-2L));
        assertEquals(StunAttributeType.RESERVATION_TOKEN, StunAttributes.type(message, attr));
        assertEquals(-2L, StunAttributes.reservationToken(message, attr));
    }

    @Test
    void shouldRoundTripChannelNumber() {
        int attr = roundTrip(e -> e.addChannelNumber(0x4FFF));
        assertEquals(0x4FFF, StunAttributes.channelNumber(message, attr));
        assertEquals(0, out.getShort(attr + 6));
    }

    @Test
    void shouldRoundTripRequestedTransport() {
        int attr = roundTrip(e -> e.addRequestedTransport(StunAttributes.TRANSPORT_UDP));
        assertEquals(17, StunAttributes.requestedTransport(message, attr));
        assertTrue(StunAttributes.hasValidLength(message, attr));
    }

    @ParameterizedTest
    @ValueSource(ints = {StunAttributeType.REQUESTED_ADDRESS_FAMILY, StunAttributeType.ADDITIONAL_ADDRESS_FAMILY,
            StunAttributeType.LEGACY_ADDITIONAL_ADDRESS_FAMILY})
    void shouldRoundTripAddressFamily(int type) {
        int attr = roundTrip(e -> e.addAddressFamily(type, AddressAttribute.FAMILY_IPV6));
        assertEquals(AddressAttribute.FAMILY_IPV6, StunAttributes.addressFamily(message, attr));
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void shouldRoundTripEvenPort(boolean reserve) {
        int attr = roundTrip(e -> e.addEvenPort(reserve));
        assertEquals(reserve, StunAttributes.evenPortReserve(message, attr));
        assertEquals(1, StunAttributes.valueLength(message, attr));
        assertTrue(StunAttributes.hasValidLength(message, attr));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, StunAttributes.CHANGE_IP, StunAttributes.CHANGE_PORT,
        StunAttributes.CHANGE_IP | StunAttributes.CHANGE_PORT})
    void shouldReadTheChangeRequestFlags(int flags) {
        // RFC 5780 §7.2: bits other than A and B are unused, and ignored.
        int attr = roundTrip(e -> e.addUint32(StunAttributeType.CHANGE_REQUEST, 0xFFFF_FF00L | flags));
        assertEquals(flags, StunAttributes.changeRequest(message, attr));
    }

    @Test
    void shouldReadAMalformedChangeRequestAsMinusOne() {
        int attr = roundTrip(e -> e.addBytes(StunAttributeType.CHANGE_REQUEST, new byte[2]));
        assertEquals(-1, StunAttributes.changeRequest(message, attr));
        assertFalse(StunAttributes.hasValidLength(message, attr));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3, 4, 1497})
    void shouldPadToTheLengthAskedAndTheNextWordBoundary(int length) {
        int attr = roundTrip(e -> e.addPadding(length).addUint32(StunAttributeType.LIFETIME, 7));
        assertEquals(StunAttributeType.PADDING, StunAttributes.type(message, attr));
        assertEquals(length, StunAttributes.valueLength(message, attr));
        assertTrue(StunAttributes.valueEquals(message, attr, new byte[length]));
        int next = StunAttributes.next(out, attr);
        assertEquals(StunAttributes.HEADER_LENGTH + StunAttributes.paddedLength(length), next - attr);
        assertEquals(7, StunAttributes.uint32(message, next));
    }

    @Test
    void shouldRoundTripResponsePort() {
        int attr = roundTrip(e -> e.addResponsePort(3479));
        assertEquals(3479, StunAttributes.responsePort(message, attr));
    }

    @ParameterizedTest
    @ValueSource(ints = {StunAttributeType.USERNAME, StunAttributeType.REALM, StunAttributeType.NONCE,
        StunAttributeType.SOFTWARE, StunAttributeType.ALTERNATE_DOMAIN, StunAttributeType.THIRD_PARTY_AUTHORIZATION})
    void shouldRoundTripStringsOfEveryPadding(int type) {
        String[] values = {"", "a", "ab", "abc", "abcd", "é€𝄞", "user:realm"};
        int attr = roundTrip(e -> {
            for (String value : values) {
                e.addString(type, value);
            }
        });
        for (String value : values) {
            assertEquals(value, StunAttributes.string(message, attr));
            attr = StunAttributes.next(out, attr);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {StunAttributeType.DATA, StunAttributeType.PADDING, StunAttributeType.USERHASH,
        StunAttributeType.MOBILITY_TICKET, StunAttributeType.ACCESS_TOKEN})
    void shouldRoundTripOpaqueBytes(int type) {
        byte[] value = new byte[32];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) (i * 7 + 1);
        }
        int attr = roundTrip(e -> e.addBytes(type, value));
        byte[] copied = new byte[value.length];
        assertEquals(value.length, StunAttributes.copyValue(message, attr, copied));
        assertArrayEquals(value, copied);
        assertTrue(StunAttributes.valueEquals(message, attr, value));
    }

    @Test
    void shouldRoundTripBytesCopiedFromBuffer() {
        ByteBuf payload = Unpooled.wrappedBuffer(new byte[] {0, 1, 2, 3, 4, 5, 6});
        int attr = roundTrip(e -> e.addBytes(StunAttributeType.DATA, payload, 2, 5));
        assertEquals(5, StunAttributes.valueLength(message, attr));
        assertArrayEquals(new byte[] {2, 3, 4, 5, 6}, ByteBufUtil.getBytes(out, attr + 4, 5));
        assertEquals(0, payload.readerIndex());
    }

    @ParameterizedTest
    @ValueSource(ints = {StunAttributeType.DONT_FRAGMENT, StunAttributeType.USE_CANDIDATE})
    void shouldRoundTripEmptyAttribute(int type) {
        int attr = roundTrip(e -> e.addEmpty(type));
        assertEquals(type, StunAttributes.type(message, attr));
        assertEquals(0, StunAttributes.valueLength(message, attr));
        assertTrue(message.hasAttribute(type));
    }

    @Test
    void shouldRoundTripEveryErrorCode() {
        for (int code = 300; code <= 699; code++) {
            out.clear();
            int c = code;
            int attr = roundTrip(e -> e.addErrorCode(c, StunErrorCode.reason(c)));
            assertEquals(code, StunAttributes.errorCode(message, attr));
            assertEquals(StunErrorCode.reason(code), StunAttributes.errorReason(message, attr));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {StunAttributeType.ADDRESS_ERROR_CODE, StunAttributeType.LEGACY_ADDRESS_ERROR_CODE})
    void shouldRoundTripAddressErrorCode(int type) {
        int attr = roundTrip(e -> e.addAddressErrorCode(type, AddressAttribute.FAMILY_IPV6,
            StunErrorCode.ADDRESS_FAMILY_NOT_SUPPORTED, "no IPv6"));
        assertEquals(type, StunAttributes.type(message, attr));
        assertTrue(StunAttributes.hasValidLength(message, attr));
        assertEquals(AddressAttribute.FAMILY_IPV6, StunAttributes.addressErrorFamily(message, attr));
        assertEquals(440, StunAttributes.errorCode(message, attr));
        assertEquals("no IPv6", StunAttributes.errorReason(message, attr));
    }

    @Test
    void shouldRoundTripUnknownAttributesFromAMessage() {
        ByteBuf request = Unpooled.buffer();
        new StunMessageEncoder().wrap(request).header(ALLOCATE_REQUEST, TRANSACTION_ID)
            .addEmpty(0x0031).addEmpty(0x7FFF).addEmpty(0x0032).finish();
        StunMessage unknown = new StunMessage().wrap(request, 0, request.writerIndex());
        assertEquals(StunValidation.UNKNOWN_COMPREHENSION_REQUIRED, unknown.validate());
        int attr = roundTrip(e -> e.addUnknownAttributes(unknown));
        assertEquals(3, StunAttributes.uint16Count(message, attr));
        assertEquals(0x0031, StunAttributes.uint16(message, attr, 0));
        assertEquals(0x7FFF, StunAttributes.uint16(message, attr, 1));
        assertEquals(0x0032, StunAttributes.uint16(message, attr, 2));
        assertEquals(-1, StunAttributes.uint16(message, attr, 3));
    }

    @Test
    void shouldRoundTripUnknownAttributesFromAList() {
        int attr = roundTrip(e -> e.addUnknownAttributes(0x0040, 0x0041));
        assertEquals(2, StunAttributes.uint16Count(message, attr));
        assertEquals(0x0041, StunAttributes.uint16(message, attr, 1));
    }

    @Test
    void shouldRoundTripPasswordAlgorithms() {
        int attr = roundTrip(e -> e.addPasswordAlgorithms(PasswordAlgorithm.SHA256, PasswordAlgorithm.MD5));
        assertTrue(StunAttributes.passwordAlgorithmsEqual(message, attr, PasswordAlgorithm.SHA256, PasswordAlgorithm.MD5));
        assertFalse(StunAttributes.passwordAlgorithmsEqual(message, attr, PasswordAlgorithm.MD5, PasswordAlgorithm.SHA256));
        assertFalse(StunAttributes.passwordAlgorithmsEqual(message, attr, PasswordAlgorithm.SHA256));
        assertTrue(StunAttributes.passwordAlgorithmsContains(message, attr, PasswordAlgorithm.MD5));
        assertFalse(StunAttributes.passwordAlgorithmsContains(message, attr, 3));
    }

    @Test
    void shouldRoundTripPasswordAlgorithm() {
        int attr = roundTrip(e -> e.addPasswordAlgorithm(PasswordAlgorithm.MD5));
        assertEquals(PasswordAlgorithm.MD5, StunAttributes.passwordAlgorithm(message, attr));
        assertTrue(StunAttributes.hasValidLength(message, attr));
    }

    @Test
    void shouldRoundTripIcmp() {
        int attr = roundTrip(e -> e.addIcmp(3, 4, 1400));
        assertEquals(3, StunAttributes.icmpType(message, attr));
        assertEquals(4, StunAttributes.icmpCode(message, attr));
        assertEquals(1400, StunAttributes.icmpErrorData(message, attr));
    }

    @Test
    void shouldKnowAndNameEveryDeclaredAttributeType() throws IllegalAccessException {
        int declared = 0;
        for (Field f : StunAttributeType.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == int.class
                && !f.getName().equals("FIRST_COMPREHENSION_OPTIONAL")) {
                int type = f.getInt(null);
                assertTrue(StunAttributeType.isKnown(type), f.getName());
                assertEquals(f.getName().replace('_', '-'), StunAttributeType.name(type));
                declared++;
            }
        }
        assertEquals(44, declared);
        assertEquals("0x7F01", StunAttributeType.name(0x7F01));
        assertFalse(StunAttributeType.isKnown(0x7F01));
    }

    @Test
    void shouldRoundTripEveryDeclaredAttributeTypeThroughTheIterator() {
        int[] types = Arrays.stream(StunAttributeType.class.getFields())
            .filter(f -> f.getType() == int.class && !f.getName().equals("FIRST_COMPREHENSION_OPTIONAL"))
            .mapToInt(AttributeRoundTripTest::valueOf)
            .filter(t -> t != StunAttributeType.FINGERPRINT && t != StunAttributeType.MESSAGE_INTEGRITY
                && t != StunAttributeType.MESSAGE_INTEGRITY_SHA256)
            .toArray();
        assertEquals(41, types.length);
        roundTrip(e -> {
            for (int type : types) {
                e.addBytes(type, new byte[] {(byte) type});
            }
        });
        AttributeIterator it = new AttributeIterator().reset(message);
        for (int type : types) {
            assertTrue(it.next());
            assertEquals(type, it.type());
            assertEquals(1, it.valueLength());
            assertEquals((byte) type, out.getByte(it.valueOffset()));
        }
        assertTrue(it.next());
        assertEquals(StunAttributeType.FINGERPRINT, it.type());
        assertFalse(it.next());
    }

    private static int valueOf(Field f) {
        try {
            return f.getInt(null);
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void shouldFlagComprehensionRequiredRange() {
        assertTrue(StunAttributeType.isComprehensionRequired(0x0000));
        assertTrue(StunAttributeType.isComprehensionRequired(0x7FFF));
        assertFalse(StunAttributeType.isComprehensionRequired(0x8000));
        assertFalse(StunAttributeType.isComprehensionRequired(0xFFFF));
    }
}
