package io.turnkit.server;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A DTLS 1.2 ClientHello written byte by byte (RFC 6347 §4.2.2, §4.3.2), as a flood would send them: the first
 * without a cookie, then the same hello with the cookie of the server's HelloVerifyRequest, never going further.
 */
final class DtlsClientHello {
    private static final int HANDSHAKE = 22;
    private static final int CLIENT_HELLO = 1;
    private static final int HELLO_VERIFY_REQUEST = 3;
    private static final int RECORD_HEADER = 13;
    private static final int MESSAGE_HEADER = 12;
    /** The HelloVerifyRequest's body: server_version, then the cookie with its length byte (RFC 6347 §4.2.1). */
    private static final int COOKIE_LENGTH_OFFSET = RECORD_HEADER + MESSAGE_HEADER + 2;
    private static final byte[] BODY_TAIL = {
        // cipher_suites: TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TLS_EMPTY_RENEGOTIATION_INFO_SCSV
        0, 4, (byte) 0xC0, 0x2B, 0, (byte) 0xFF,
        // compression_methods: null
        1, 0,
        // extensions: supported_groups secp256r1, ec_point_formats uncompressed,
        // signature_algorithms ecdsa_secp256r1_sha256, extended_master_secret
        0, 26,
        0, 10, 0, 4, 0, 2, 0, 23,
        0, 11, 0, 2, 1, 0,
        0, 13, 0, 4, 0, 2, 4, 3,
        0, 23, 0, 0,
    };

    private final byte[] random = new byte[32];

    DtlsClientHello() {
        ThreadLocalRandom.current().nextBytes(random);
    }

    /** The first ClientHello: no cookie, record and message sequence 0. */
    byte[] withoutCookie() {
        return datagram(new byte[0], 0);
    }

    /** The ClientHello again, with {@code cookie}: record and message sequence 1. */
    byte[] withCookie(byte[] cookie) {
        return datagram(cookie, 1);
    }

    /** The cookie of a HelloVerifyRequest, or null if {@code datagram} is none. */
    static byte[] cookieOf(byte[] datagram) {
        if (datagram.length <= COOKIE_LENGTH_OFFSET || datagram[0] != HANDSHAKE
                || datagram[RECORD_HEADER] != HELLO_VERIFY_REQUEST) {
            return null;
        }
        int length = datagram[COOKIE_LENGTH_OFFSET] & 0xFF;
        return Arrays.copyOfRange(datagram, COOKIE_LENGTH_OFFSET + 1, COOKIE_LENGTH_OFFSET + 1 + length);
    }

    private byte[] datagram(byte[] cookie, int sequence) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(0xFE);
        body.write(0xFD);
        body.writeBytes(random);
        body.write(0);
        body.write(cookie.length);
        body.writeBytes(cookie);
        body.writeBytes(BODY_TAIL);
        int bodyLength = body.size();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(HANDSHAKE);
        out.write(0xFE);
        out.write(0xFD);
        out.writeBytes(new byte[] {0, 0, 0, 0, 0, 0, 0, (byte) sequence});
        writeUint16(out, MESSAGE_HEADER + bodyLength);
        out.write(CLIENT_HELLO);
        writeUint24(out, bodyLength);
        writeUint16(out, sequence);
        writeUint24(out, 0);
        writeUint24(out, bodyLength);
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    private static void writeUint16(ByteArrayOutputStream out, int value) {
        out.write(value >>> 8);
        out.write(value);
    }

    private static void writeUint24(ByteArrayOutputStream out, int value) {
        out.write(value >>> 16);
        writeUint16(out, value);
    }
}
