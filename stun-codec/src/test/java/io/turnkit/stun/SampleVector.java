package io.turnkit.stun;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * The published STUN test vectors, read from hex resource files: RFC 5769 §2.1–§2.4 and RFC 8489
 * Appendix B.1 (as corrected by erratum 6268). Each knows its key and how to encode itself again.
 */
enum SampleVector {
    /** RFC 5769 §2.1: short-term credentials; USERNAME padded with 0x20 as RFC 5389 allowed. */
    REQUEST("rfc5769/sample-request.hex", 0x20, StunAttributeType.MESSAGE_INTEGRITY) {
        @Override
        void encodeAttributes(StunMessageEncoder encoder) {
            encoder.addString(StunAttributeType.SOFTWARE, "STUN test client")
                .addUint32(StunAttributeType.PRIORITY, 0x6E0001FFL)
                .addUint64(StunAttributeType.ICE_CONTROLLED, 0x932FF9B151263B36L)
                .addString(StunAttributeType.USERNAME, "evtj:h6vY")
                .addMessageIntegrity(key())
                .addFingerprint();
        }
    },
    /** RFC 5769 §2.2: XOR-MAPPED-ADDRESS 192.0.2.1:32853; SOFTWARE padded with 0x20. */
    IPV4_RESPONSE("rfc5769/sample-ipv4-response.hex", 0x20, StunAttributeType.MESSAGE_INTEGRITY) {
        @Override
        InetSocketAddress mappedAddress() {
            return new InetSocketAddress("192.0.2.1", 32853);
        }
    },
    /** RFC 5769 §2.3: XOR-MAPPED-ADDRESS [2001:db8:1234:5678:11:2233:4455:6677]:32853. */
    IPV6_RESPONSE("rfc5769/sample-ipv6-response.hex", 0x20, StunAttributeType.MESSAGE_INTEGRITY) {
        @Override
        InetSocketAddress mappedAddress() {
            return new InetSocketAddress("2001:db8:1234:5678:11:2233:4455:6677", 32853);
        }
    },
    /** RFC 5769 §2.4: long-term credentials with a non-ASCII user name; zero padding; no FINGERPRINT. */
    LONG_TERM_REQUEST("rfc5769/sample-long-term-request.hex", 0, StunAttributeType.MESSAGE_INTEGRITY) {
        @Override
        byte[] key() {
            return LongTermKey.md5(USERNAME, REALM, LONG_TERM_PASSWORD);
        }

        @Override
        void encodeAttributes(StunMessageEncoder encoder) {
            encoder.addString(StunAttributeType.USERNAME, USERNAME)
                .addString(StunAttributeType.NONCE, "f//499k954d6OL34oL9FSTvy64sA")
                .addString(StunAttributeType.REALM, REALM)
                .addMessageIntegrity(key());
        }
    },
    /** RFC 8489 B.1 (erratum 6268): USERHASH, PASSWORD-ALGORITHM SHA-256, MESSAGE-INTEGRITY-SHA256. */
    SHA256_REQUEST("rfc8489/sample-sha256-request.hex", 0, StunAttributeType.MESSAGE_INTEGRITY_SHA256) {
        @Override
        byte[] key() {
            return LongTermKey.sha256(USERNAME, REALM, LONG_TERM_PASSWORD);
        }

        @Override
        void encodeAttributes(StunMessageEncoder encoder) {
            encoder.addBytes(StunAttributeType.USERHASH, UserHash.of(USERNAME, REALM))
                .addString(StunAttributeType.NONCE, "obMatJos2AAACf//499k954d6OL34oL9FSTvy64sA")
                .addString(StunAttributeType.REALM, REALM)
                .addPasswordAlgorithm(PasswordAlgorithm.SHA256)
                .addMessageIntegritySha256(key());
        }
    };

    static final String SHORT_TERM_PASSWORD = "VOkJxbRl1RmTxUk/WvJxBt";
    /** U+30DE U+30C8 U+30EA U+30C3 U+30AF U+30B9, unchanged by OpaqueString. */
    static final String USERNAME = "\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9";
    static final String REALM = "example.org";
    /**
     * The vectors' password "The\u00ADM\u00AAtr\u2168" after RFC 4013 SASLprep, which RFC 5389 used:
     * OpaqueString (RFC 8265) rejects the soft hyphen and keeps ª and Ⅸ, so the RFC 8489 vector
     * states the prepared form and RFC 5769's key can only be derived from it.
     */
    static final String LONG_TERM_PASSWORD = "TheMatrIX";
    static final String RAW_LONG_TERM_PASSWORD = "The\u00ADM\u00AAtr\u2168";

    final String resource;
    final int paddingByte;
    final int integrityType;
    private final byte[] bytes;

    SampleVector(String resource, int paddingByte, int integrityType) {
        this.resource = resource;
        this.paddingByte = paddingByte;
        this.integrityType = integrityType;
        this.bytes = readHex(resource);
    }

    /** The short-term key of RFC 5769 §2.1-§2.3; the long-term vectors derive theirs. */
    byte[] key() {
        return ShortTermKey.of(SHORT_TERM_PASSWORD);
    }

    /**
     * Encodes the attributes again, in the vector's order, after the header; as written here for the two
     * response vectors of RFC 5769 §2.2 and §2.3, which differ only in their mapped address.
     */
    void encodeAttributes(StunMessageEncoder encoder) {
        encoder.addString(StunAttributeType.SOFTWARE, "test vector")
            .addAddress(StunAttributeType.XOR_MAPPED_ADDRESS, mappedAddress())
            .addMessageIntegrity(key())
            .addFingerprint();
    }

    /** The XOR-MAPPED-ADDRESS of a response vector. */
    InetSocketAddress mappedAddress() {
        throw new UnsupportedOperationException(name() + " has no mapped address");
    }

    /** A fresh copy of the vector's bytes. */
    byte[] bytes() {
        return bytes.clone();
    }

    ByteBuf buffer() {
        return Unpooled.wrappedBuffer(bytes());
    }

    byte[] transactionId() {
        return Arrays.copyOfRange(bytes, StunMessage.TRANSACTION_ID_OFFSET, StunMessage.HEADER_LENGTH);
    }

    int messageType() {
        return ((bytes[0] & 0xFF) << 8) | (bytes[1] & 0xFF);
    }

    boolean hasFingerprint() {
        return this != LONG_TERM_REQUEST && this != SHA256_REQUEST;
    }

    /** Whether the message passes both validation and its integrity check with the right key. */
    static boolean isAccepted(StunMessage m, SampleVector v) {
        if (!m.validate().isWellFormed()) {
            return false;
        }
        return v.integrityType == StunAttributeType.MESSAGE_INTEGRITY
            ? MessageIntegrity.check(m, v.key())
            : MessageIntegritySha256.check(m, v.key());
    }

    /** The offset just past the integrity attribute: bytes from there on are not authenticated. */
    int integrityEnd() {
        StunMessage m = new StunMessage().wrap(buffer(), 0, bytes.length);
        m.validate();
        int attr = m.findAttribute(integrityType);
        return attr + StunAttributes.HEADER_LENGTH + StunAttributes.valueLength(m, attr);
    }

    private static byte[] readHex(String resource) {
        try (InputStream in = SampleVector.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            StringBuilder hex = new StringBuilder();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                int comment = line.indexOf('#');
                hex.append((comment >= 0 ? line.substring(0, comment) : line).replaceAll("\\s", ""));
            }
            return HexFormat.of().parseHex(hex);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
