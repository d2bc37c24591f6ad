package io.turnkit.stun;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

import io.netty.buffer.ByteBuf;

/**
 * Flyweight over an address attribute: MAPPED-ADDRESS (RFC 8489 §14.1) and the same layout in
 * ALTERNATE-SERVER, RESPONSE-ORIGIN and OTHER-ADDRESS; XOR-MAPPED-ADDRESS (§14.2) and the same
 * in XOR-PEER-ADDRESS and XOR-RELAYED-ADDRESS. Reads without allocating, except
 * {@link #toSocketAddress()}.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |0 0 0 0 0 0 0 0|    Family     |         (X-)Port              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                (X-)Address (32 bits or 128 bits)              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>XOR (§14.2): the port with the cookie's top 16 bits, an IPv4 address with the cookie, an IPv6
 * address with the cookie followed by the transaction id — that is, with header bytes 4..19, so
 * one loop XORs either family.
 */
public final class AddressAttribute {
    /** RFC 8489 §14.1 family numbers. */
    public static final int FAMILY_IPV4 = 0x01;
    public static final int FAMILY_IPV6 = 0x02;
    public static final int IPV4_LENGTH = 4;
    public static final int IPV6_LENGTH = 16;

    public static final int FAMILY_OFFSET = StunAttributes.VALUE_OFFSET + 1;
    public static final int PORT_OFFSET = FAMILY_OFFSET + 1;
    public static final int ADDRESS_OFFSET = PORT_OFFSET + 2;
    public static final int IPV4_VALUE_LENGTH = ADDRESS_OFFSET - StunAttributes.VALUE_OFFSET + IPV4_LENGTH;
    public static final int IPV6_VALUE_LENGTH = ADDRESS_OFFSET - StunAttributes.VALUE_OFFSET + IPV6_LENGTH;

    /** The RFC 8489 §14.1 family number of {@code address}. */
    public static int familyOf(InetAddress address) {
        return address instanceof Inet6Address ? FAMILY_IPV6 : FAMILY_IPV4;
    }

    /** The XOR key starts at the magic cookie (RFC 8489 §14.2). */
    static final int XOR_KEY_OFFSET = StunMessage.MAGIC_COOKIE_OFFSET;
    private static final int PORT_XOR = StunMessage.MAGIC_COOKIE >>> 16;

    private ByteBuf buffer;
    private int messageOffset;
    private int attr;
    private boolean xor;
    private int family;

    /**
     * Wraps the attribute at {@code attributeOffset}; XOR-ed when its type is an XOR-* type. An
     * offset of -1 (absent attribute) wraps as not valid.
     */
    public AddressAttribute wrap(StunMessage m, int attributeOffset) {
        buffer = m.buffer();
        messageOffset = m.offset();
        attr = attributeOffset;
        xor = StunAttributeType.isXorAddress(StunAttributes.type(m, attributeOffset));
        family = familyOf(StunAttributes.valueLength(m, attributeOffset));
        return this;
    }

    private int familyOf(int valueLength) {
        if (valueLength < ADDRESS_OFFSET - StunAttributes.VALUE_OFFSET) {
            return -1;
        }
        int f = buffer.getUnsignedByte(attr + FAMILY_OFFSET);
        if ((f == FAMILY_IPV4 && valueLength == IPV4_VALUE_LENGTH)
            || (f == FAMILY_IPV6 && valueLength == IPV6_VALUE_LENGTH)) {
            return f;
        }
        return -1;
    }

    /** Family 1 with a 4-byte address (value length 8), or family 2 with 16 (value length 20). */
    public boolean isValid() {
        return family > 0;
    }

    /** {@link #FAMILY_IPV4}, {@link #FAMILY_IPV6}, or -1 when not valid. */
    public int family() {
        return family;
    }

    /** The port, un-XORed; -1 when not valid. */
    public int port() {
        if (family < 0) {
            return -1;
        }
        int port = buffer.getUnsignedShort(attr + PORT_OFFSET);
        return xor ? port ^ PORT_XOR : port;
    }

    /** An IPv4 address as an int (first octet in the top byte), un-XORed; 0 unless a valid IPv4 attribute. */
    public int ipv4() {
        if (family != FAMILY_IPV4) {
            return 0;
        }
        int address = buffer.getInt(attr + ADDRESS_OFFSET);
        return xor ? address ^ StunMessage.MAGIC_COOKIE : address;
    }

    /** The address length: 4, 16, or 0 when not valid. */
    public int addressLength() {
        return family == FAMILY_IPV4 ? IPV4_LENGTH : family == FAMILY_IPV6 ? IPV6_LENGTH : 0;
    }

    /** Copies the un-XORed address (4 or 16 bytes) into {@code dst}; nothing when not valid. */
    public void copyAddress(byte[] dst) {
        int length = addressLength();
        for (int i = 0; i < length; i++) {
            byte b = buffer.getByte(attr + ADDRESS_OFFSET + i);
            dst[i] = xor ? (byte) (b ^ buffer.getByte(messageOffset + XOR_KEY_OFFSET + i)) : b;
        }
    }

    /** The address as a socket address, or null when not valid. Allocates: control path only. */
    public InetSocketAddress toSocketAddress() {
        if (family < 0) {
            return null;
        }
        byte[] address = new byte[addressLength()];
        copyAddress(address);
        try {
            return new InetSocketAddress(InetAddress.getByAddress(address), port());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a 4 or 16 byte address is always accepted", e);
        }
    }
}
