package io.turnkit.stun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** Malformed address attributes read as invalid instead of throwing or reading past the value. */
class AddressAttributeTest {
    private static final byte[] TRANSACTION_ID = new byte[12];

    private final StunMessage message = new StunMessage();
    private final AddressAttribute address = new AddressAttribute();

    private AddressAttribute read(byte[] value) {
        ByteBuf b = Unpooled.buffer();
        new StunMessageEncoder().wrap(b).header(0x0101, TRANSACTION_ID)
            .addBytes(StunAttributeType.XOR_MAPPED_ADDRESS, value).finish();
        message.wrap(b, 0, b.writerIndex()).validate();
        return address.wrap(message, StunMessage.HEADER_LENGTH);
    }

    @ParameterizedTest
    @CsvSource({"1, 20", "2, 8", "3, 8", "0, 8", "1, 4", "1, 0", "1, 12"})
    void shouldRejectFamilyAndLengthThatDisagree(int family, int length) {
        byte[] value = new byte[length];
        if (length > 1) {
            value[1] = (byte) family;
        }
        AddressAttribute a = read(value);
        assertFalse(a.isValid());
        assertEquals(-1, a.family());
        assertEquals(-1, a.port());
        assertEquals(0, a.ipv4());
        assertEquals(0, a.addressLength());
        assertNull(a.toSocketAddress());
    }

    @Test
    void shouldReturnZeroIpv4ForAnIpv6Address() {
        byte[] value = new byte[20];
        value[1] = AddressAttribute.FAMILY_IPV6;
        AddressAttribute a = read(value);
        assertEquals(AddressAttribute.FAMILY_IPV6, a.family());
        assertEquals(0, a.ipv4());
    }

    @Test
    void shouldRefuseToEncodeAnAddressOfOddLength() {
        StunMessageEncoder encoder = new StunMessageEncoder().wrap(Unpooled.buffer()).header(0x0101, TRANSACTION_ID);
        assertThrows(IllegalArgumentException.class,
            () -> encoder.addAddress(StunAttributeType.XOR_MAPPED_ADDRESS, new byte[5], 1));
        assertThrows(IllegalArgumentException.class,
            () -> encoder.addAddress(StunAttributeType.XOR_MAPPED_ADDRESS, new byte[4], 65536));
    }
}
