package io.turnkit.stun;

import java.util.zip.CRC32;

import io.netty.buffer.ByteBuf;

/**
 * Per-thread working state for FINGERPRINT and the MESSAGE-INTEGRITY attributes, so that checking
 * a message allocates nothing: a CRC-32, two HMACs, and a small byte array into which a message
 * is copied chunk by chunk (heap, direct and composite buffers alike, and without touching the
 * caller's bytes when the header length has to be adjusted).
 */
final class DigestScratch {
    /** Something that consumes bytes: a CRC or a MAC. */
    interface ByteSink {
        void update(byte[] bytes, int offset, int length);
    }

    private static final int CHUNK_LENGTH = 1024;
    private static final ThreadLocal<DigestScratch> CURRENT = ThreadLocal.withInitial(DigestScratch::new);

    private final Hmac hmacSha1 = new Hmac("SHA-1");
    private final Hmac hmacSha256 = new Hmac("SHA-256");
    /** Holds a computed MAC; 32 bytes fit either. */
    final byte[] mac = new byte[32];
    private final CRC32 crc32 = new CRC32();
    private final ByteSink crcSink = crc32::update;
    private final byte[] chunk = new byte[CHUNK_LENGTH];

    private DigestScratch() {
    }

    static DigestScratch current() {
        return CURRENT.get();
    }

    /** The HMAC of an integrity attribute type: SHA-1 for MESSAGE-INTEGRITY, else SHA-256. */
    Hmac hmac(int integrityType) {
        return integrityType == StunAttributeType.MESSAGE_INTEGRITY ? hmacSha1 : hmacSha256;
    }

    /** CRC-32 (ISO/IEC 3309, as RFC 8489 §14.7 asks) of {@code buffer[index, index + length)}. */
    long crc32(ByteBuf buffer, int index, int length) {
        crc32.reset();
        feed(crcSink, buffer, index, length, -1);
        return crc32.getValue();
    }

    /**
     * Feeds a message prefix {@code buffer[messageOffset, messageOffset + length)} to a sink. When
     * {@code messageLength >= 0} the sink sees that value in the header's length field instead of
     * the one in the buffer (RFC 8489 §14.5: the length as if the message ended after the
     * integrity attribute), the buffer itself untouched.
     */
    void feed(ByteSink sink, ByteBuf buffer, int messageOffset, int length, int messageLength) {
        int done = 0;
        while (done < length) {
            int n = Math.min(CHUNK_LENGTH, length - done);
            copy(buffer, messageOffset + done, n);
            if (done == 0 && messageLength >= 0) {
                chunk[StunMessage.LENGTH_OFFSET] = (byte) (messageLength >>> 8);
                chunk[StunMessage.LENGTH_OFFSET + 1] = (byte) messageLength;
            }
            sink.update(chunk, 0, n);
            done += n;
        }
    }

    /**
     * {@code buffer[index, index + n)} into the chunk. A direct buffer is read through its cached NIO view:
     * where Netty may not use sun.misc.Unsafe (JDK 24 and later), its getBytes makes a new ByteBuffer
     * duplicate on every call.
     */
    private void copy(ByteBuf buffer, int index, int n) {
        if (buffer.hasArray() || buffer.nioBufferCount() != 1) {
            buffer.getBytes(index, chunk, 0, n);
        } else {
            buffer.internalNioBuffer(index, n).get(chunk, 0, n);
        }
    }
}
