package io.turnkit.stun;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/**
 * Write-side flyweight: encodes a STUN message straight into a {@link ByteBuf} (typically pooled
 * and direct), starting at its writer index. Each {@code add*} writes the attribute with its
 * padding and rewrites the header length, so that MESSAGE-INTEGRITY(-SHA256) and FINGERPRINT —
 * which cover the header — are computed over the right length (RFC 8489 §14.5–§14.7).
 *
 * <pre>{@code
 * encoder.wrap(out)
 *     .header(StunMessageType.of(StunMethod.BINDING, StunClass.SUCCESS_RESPONSE), request)
 *     .addAddress(StunAttributeType.XOR_MAPPED_ADDRESS, clientAddress, clientPort)
 *     .addFingerprint()
 *     .finish();
 * }</pre>
 *
 * <p>Arguments come from the application, not the network: a wrong one (a 5-byte address, an
 * error code of 1000, a value over 65535 bytes) throws {@link IllegalArgumentException}.
 * Not thread-safe; one per event loop.
 */
public final class StunMessageEncoder {
    private ByteBuf out;
    private int start;
    private byte paddingByte;

    /** Starts a message at {@code out.writerIndex()}. */
    public StunMessageEncoder wrap(ByteBuf out) {
        this.out = out;
        this.start = out.writerIndex();
        return this;
    }

    /**
     * The byte written into attribute padding from now on (it survives {@link #wrap}), 0 by
     * default as RFC 8489 §14 requires. RFC 5389 let senders pad with any value (the RFC 5769
     * vectors use 0x20); a receiver ignores it.
     */
    public StunMessageEncoder paddingByte(int value) {
        paddingByte = (byte) value;
        return this;
    }

    /** Writes the 20-byte header, with {@code request}'s transaction id (a response). */
    public StunMessageEncoder header(int messageType, StunMessage request) {
        writeHeaderStart(messageType);
        out.writeBytes(request.buffer(), request.offset() + StunMessage.TRANSACTION_ID_OFFSET,
            StunMessage.TRANSACTION_ID_LENGTH);
        return this;
    }

    /** Writes the 20-byte header with a 12-byte transaction id. */
    public StunMessageEncoder header(int messageType, byte[] transactionId) {
        if (transactionId.length != StunMessage.TRANSACTION_ID_LENGTH) {
            throw new IllegalArgumentException("a transaction id is 12 bytes, not " + transactionId.length);
        }
        writeHeaderStart(messageType);
        out.writeBytes(transactionId);
        return this;
    }

    /** Writes the 20-byte header with a transaction id given as its two halves. */
    public StunMessageEncoder header(int messageType, long transactionIdHigh, int transactionIdLow) {
        writeHeaderStart(messageType);
        out.writeLong(transactionIdHigh);
        out.writeInt(transactionIdLow);
        return this;
    }

    private void writeHeaderStart(int messageType) {
        if ((messageType & ~0x3FFF) != 0) {
            throw new IllegalArgumentException("a message type is 14 bits: " + messageType);
        }
        out.ensureWritable(StunMessage.HEADER_LENGTH);
        out.writeShort(messageType);
        out.writeShort(0);
        out.writeInt(StunMessage.MAGIC_COOKIE);
    }

    /** An address attribute; XOR-ed when {@code type} is an XOR-* type (RFC 8489 §14.1, §14.2). */
    public StunMessageEncoder addAddress(int type, InetSocketAddress address) {
        return addAddress(type, address.getAddress().getAddress(), address.getPort());
    }

    /** An address attribute from a 4- or 16-byte address; XOR-ed when {@code type} is an XOR-* type. */
    public StunMessageEncoder addAddress(int type, byte[] address, int port) {
        int family;
        if (address.length == AddressAttribute.IPV4_LENGTH) {
            family = AddressAttribute.FAMILY_IPV4;
        } else if (address.length == AddressAttribute.IPV6_LENGTH) {
            family = AddressAttribute.FAMILY_IPV6;
        } else {
            throw new IllegalArgumentException("an IP address is 4 or 16 bytes, not " + address.length);
        }
        checkUint16(port, "port");
        boolean xor = StunAttributeType.isXorAddress(type);
        int attr = beginAttribute(type, 4 + address.length);
        out.writeByte(0);
        out.writeByte(family);
        out.writeShort(xor ? port ^ (StunMessage.MAGIC_COOKIE >>> 16) : port);
        for (int i = 0; i < address.length; i++) {
            int key = xor ? out.getByte(start + AddressAttribute.XOR_KEY_OFFSET + i) : 0;
            out.writeByte(address[i] ^ key);
        }
        return endAttribute(attr);
    }

    /** A 32-bit value: LIFETIME, PRIORITY, CHANGE-REQUEST, CONNECTION-ID. */
    public StunMessageEncoder addUint32(int type, long value) {
        if ((value & ~0xFFFFFFFFL) != 0) {
            throw new IllegalArgumentException("not an unsigned 32-bit value: " + value);
        }
        int attr = beginAttribute(type, 4);
        out.writeInt((int) value);
        return endAttribute(attr);
    }

    /** A 64-bit value: ICE-CONTROLLED, ICE-CONTROLLING tie-breakers, RESERVATION-TOKEN. */
    public StunMessageEncoder addUint64(int type, long value) {
        int attr = beginAttribute(type, 8);
        out.writeLong(value);
        return endAttribute(attr);
    }

    /** CHANNEL-NUMBER (RFC 8656 §18.1): number then 16 RFFU bits. */
    public StunMessageEncoder addChannelNumber(int channelNumber) {
        return addUpper16(StunAttributeType.CHANNEL_NUMBER, channelNumber);
    }

    /** RESPONSE-PORT (RFC 5780 §7.5): port then 16 bits of padding. */
    public StunMessageEncoder addResponsePort(int port) {
        return addUpper16(StunAttributeType.RESPONSE_PORT, port);
    }

    private StunMessageEncoder addUpper16(int type, int value) {
        checkUint16(value, "value");
        int attr = beginAttribute(type, 4);
        out.writeShort(value);
        out.writeShort(0);
        return endAttribute(attr);
    }

    /** REQUESTED-TRANSPORT (RFC 8656 §18.6): protocol number (17 = UDP, 6 = TCP) then 24 RFFU bits. */
    public StunMessageEncoder addRequestedTransport(int protocol) {
        return addFirstByte(StunAttributeType.REQUESTED_TRANSPORT, protocol);
    }

    /** REQUESTED-ADDRESS-FAMILY / ADDITIONAL-ADDRESS-FAMILY (RFC 8656 §18.10, §18.11): family then 24 reserved bits. */
    public StunMessageEncoder addAddressFamily(int type, int family) {
        return addFirstByte(type, family);
    }

    private StunMessageEncoder addFirstByte(int type, int value) {
        if ((value & ~0xFF) != 0) {
            throw new IllegalArgumentException("not an unsigned byte: " + value);
        }
        int attr = beginAttribute(type, 4);
        out.writeByte(value);
        out.writeMedium(0);
        return endAttribute(attr);
    }

    /** EVEN-PORT (RFC 8656 §18.8): one byte, the R bit first. */
    public StunMessageEncoder addEvenPort(boolean reserve) {
        int attr = beginAttribute(StunAttributeType.EVEN_PORT, 1);
        out.writeByte(reserve ? StunAttributes.EVEN_PORT_RESERVE_BIT : 0);
        return endAttribute(attr);
    }

    /** RESERVATION-TOKEN (RFC 8656 §18.9): 8 bytes. */
    public StunMessageEncoder addReservationToken(long token) {
        return addUint64(StunAttributeType.RESERVATION_TOKEN, token);
    }

    /** A UTF-8 string value (USERNAME, REALM, NONCE, SOFTWARE, ...), written without an intermediate array. */
    public StunMessageEncoder addString(int type, String value) {
        int attr = beginAttribute(type, ByteBufUtil.utf8Bytes(value));
        out.writeCharSequence(value, StandardCharsets.UTF_8);
        return endAttribute(attr);
    }

    /** An opaque value (USERHASH, DATA, PADDING, MOBILITY-TICKET, ...). */
    public StunMessageEncoder addBytes(int type, byte[] value) {
        int attr = beginAttribute(type, value.length);
        out.writeBytes(value);
        return endAttribute(attr);
    }

    /** An opaque value copied from {@code src[offset, offset + length)} (DATA from a received datagram). */
    public StunMessageEncoder addBytes(int type, ByteBuf src, int offset, int length) {
        int attr = beginAttribute(type, length);
        out.writeBytes(src, offset, length);
        return endAttribute(attr);
    }

    /**
     * PADDING (RFC 5780 §7.6) of {@code length} zero bytes, written without an intermediate array: its value
     * does not matter, only the size it gives the message.
     */
    public StunMessageEncoder addPadding(int length) {
        int attr = beginAttribute(StunAttributeType.PADDING, length);
        out.writeZero(length);
        return endAttribute(attr);
    }

    /** An attribute without value (DONT-FRAGMENT, USE-CANDIDATE). */
    public StunMessageEncoder addEmpty(int type) {
        return endAttribute(beginAttribute(type, 0));
    }

    /** ERROR-CODE (RFC 8489 §14.8): code 300..699 split into class and number, then the reason. */
    public StunMessageEncoder addErrorCode(int code, String reason) {
        return addErrorCode(StunAttributeType.ERROR_CODE, 0, code, reason);
    }

    /** ADDRESS-ERROR-CODE (RFC 8656 §18.12): the family the error is about, then as ERROR-CODE. */
    public StunMessageEncoder addAddressErrorCode(int family, int code, String reason) {
        return addAddressErrorCode(StunAttributeType.ADDRESS_ERROR_CODE, family, code, reason);
    }

    /** ADDRESS-ERROR-CODE of {@code type}: RFC 8656's, or {@link StunAttributeType#LEGACY_ADDRESS_ERROR_CODE}. */
    public StunMessageEncoder addAddressErrorCode(int type, int family, int code, String reason) {
        return addErrorCode(type, family, code, reason);
    }

    private StunMessageEncoder addErrorCode(int type, int family, int code, String reason) {
        if (code < 300 || code > 699) {
            throw new IllegalArgumentException("an error code is 300..699: " + code);
        }
        int attr = beginAttribute(type, 4 + ByteBufUtil.utf8Bytes(reason));
        out.writeByte(family);
        out.writeByte(0);
        out.writeByte(code / 100);
        out.writeByte(code % 100);
        out.writeCharSequence(reason, StandardCharsets.UTF_8);
        return endAttribute(attr);
    }

    /** UNKNOWN-ATTRIBUTES (RFC 8489 §14.9) listing what {@link StunMessage#validate()} collected from {@code m}. */
    public StunMessageEncoder addUnknownAttributes(StunMessage m) {
        int count = m.unknownAttributeCount();
        int attr = beginAttribute(StunAttributeType.UNKNOWN_ATTRIBUTES, 2 * count);
        for (int i = 0; i < count; i++) {
            out.writeShort(m.unknownAttribute(i));
        }
        return endAttribute(attr);
    }

    /** UNKNOWN-ATTRIBUTES (RFC 8489 §14.9) listing {@code types}. */
    public StunMessageEncoder addUnknownAttributes(int... types) {
        int attr = beginAttribute(StunAttributeType.UNKNOWN_ATTRIBUTES, 2 * types.length);
        for (int type : types) {
            out.writeShort(type);
        }
        return endAttribute(attr);
    }

    /** PASSWORD-ALGORITHMS (RFC 8489 §14.11): each algorithm with no parameters. */
    public StunMessageEncoder addPasswordAlgorithms(int... algorithms) {
        int attr = beginAttribute(StunAttributeType.PASSWORD_ALGORITHMS, 4 * algorithms.length);
        for (int algorithm : algorithms) {
            out.writeShort(algorithm);
            out.writeShort(0);
        }
        return endAttribute(attr);
    }

    /** PASSWORD-ALGORITHM (RFC 8489 §14.12): the algorithm with no parameters. */
    public StunMessageEncoder addPasswordAlgorithm(int algorithm) {
        int attr = beginAttribute(StunAttributeType.PASSWORD_ALGORITHM, 4);
        out.writeShort(algorithm);
        out.writeShort(0);
        return endAttribute(attr);
    }

    /** ICMP (RFC 8656 §18.13): type, code and error data. */
    public StunMessageEncoder addIcmp(int icmpType, int icmpCode, long errorData) {
        int attr = beginAttribute(StunAttributeType.ICMP, 8);
        out.writeShort(0);
        out.writeByte(icmpType);
        out.writeByte(icmpCode);
        out.writeInt((int) errorData);
        return endAttribute(attr);
    }

    /** MESSAGE-INTEGRITY (RFC 8489 §14.5): HMAC-SHA1 with {@code key} of everything written so far. */
    public StunMessageEncoder addMessageIntegrity(byte[] key) {
        return addIntegrity(StunAttributeType.MESSAGE_INTEGRITY, MessageIntegrity.VALUE_LENGTH, key);
    }

    /** MESSAGE-INTEGRITY-SHA256 (RFC 8489 §14.6): the full 32-byte HMAC-SHA256 with {@code key}. */
    public StunMessageEncoder addMessageIntegritySha256(byte[] key) {
        return addIntegrity(StunAttributeType.MESSAGE_INTEGRITY_SHA256, MessageIntegritySha256.VALUE_LENGTH, key);
    }

    private StunMessageEncoder addIntegrity(int type, int macLength, byte[] key) {
        if (key.length == 0) {
            throw new IllegalArgumentException("empty integrity key");
        }
        int attr = out.writerIndex();
        DigestScratch scratch = DigestScratch.current();
        MessageIntegrity.compute(scratch.hmac(type), key, out, start, attr, macLength, scratch);
        beginAttribute(type, macLength);
        out.writeBytes(scratch.mac, 0, macLength);
        return endAttribute(attr);
    }

    /** FINGERPRINT (RFC 8489 §14.7); the last attribute. */
    public StunMessageEncoder addFingerprint() {
        int attr = beginAttribute(StunAttributeType.FINGERPRINT, Fingerprint.VALUE_LENGTH);
        writeLength(attr + StunAttributes.HEADER_LENGTH + Fingerprint.VALUE_LENGTH);
        out.writeInt((int) Fingerprint.compute(out, start, attr - start));
        return endAttribute(attr);
    }

    /** Leaves the writer index after the message and returns its total length (header included). */
    public int finish() {
        int length = out.writerIndex() - start;
        writeLength(out.writerIndex());
        return length;
    }

    /** Writes the attribute header; returns the attribute's offset. */
    private int beginAttribute(int type, int valueLength) {
        checkUint16(type, "attribute type");
        checkUint16(valueLength, "attribute length");
        int attr = out.writerIndex();
        if (attr - start + StunAttributes.HEADER_LENGTH + StunAttributes.paddedLength(valueLength)
            > StunMessage.MAX_LENGTH) {
            throw new IllegalArgumentException("message would exceed " + StunMessage.MAX_LENGTH + " bytes");
        }
        out.ensureWritable(StunAttributes.HEADER_LENGTH + StunAttributes.paddedLength(valueLength));
        out.writeShort(type);
        out.writeShort(valueLength);
        return attr;
    }

    /** Pads the value written since {@code attr} to 4 bytes and updates the header length. */
    private StunMessageEncoder endAttribute(int attr) {
        int valueLength = out.getUnsignedShort(attr + StunAttributes.LENGTH_OFFSET);
        for (int i = valueLength; i < StunAttributes.paddedLength(valueLength); i++) {
            out.writeByte(paddingByte);
        }
        writeLength(out.writerIndex());
        return this;
    }

    /** RFC 8489 §5: the length field counts the bytes after the header, up to {@code end}. */
    private void writeLength(int end) {
        out.setShort(start + StunMessage.LENGTH_OFFSET, end - start - StunMessage.HEADER_LENGTH);
    }

    /** {@code what} is a constant: nothing is built unless the check fails (no allocation per attribute). */
    private static void checkUint16(int value, String what) {
        if ((value & ~0xFFFF) != 0) {
            throw new IllegalArgumentException(what + " is 16 bits: " + value);
        }
    }
}
