package io.turnkit.stun;

import io.netty.buffer.ByteBuf;

/**
 * Demultiplexes by the first byte (RFC 7983 §7), the way Netty's HAProxy decoder sniffs its
 * protocol version:
 *
 * <pre>
 *                  +----------------+
 *                  |        [0..3] -+--&gt; STUN
 *                  |      [16..19] -+--&gt; ZRTP
 *      packet --&gt;  |      [20..63] -+--&gt; DTLS
 *                  |      [64..79] -+--&gt; TURN Channel
 *                  |    [128..191] -+--&gt; RTP/RTCP
 *                  +----------------+
 * </pre>
 *
 * <p>At the start of a stream, {@code 0x16 0x03 0x0?} is a TLS handshake record (a ClientHello),
 * not DTLS (whose version bytes are 0xFE 0xFx).
 */
public final class ProtocolDetector {
    private static final int TLS_HANDSHAKE = 0x16;
    private static final int TLS_MAJOR_VERSION = 0x03;
    private static final int TLS_PREFIX = 3;

    private ProtocolDetector() {
    }

    /** Classifies the bytes at {@code offset}; {@code streamStart} for the first bytes of a TCP connection. */
    public static DetectedProtocol detect(ByteBuf buffer, int offset, int length, boolean streamStart) {
        if (length < 1) {
            return DetectedProtocol.NEED_MORE_DATA;
        }
        int first = buffer.getUnsignedByte(offset);
        if (streamStart && first == TLS_HANDSHAKE) {
            if (length < TLS_PREFIX) {
                return DetectedProtocol.NEED_MORE_DATA;
            }
            if (buffer.getUnsignedByte(offset + 1) == TLS_MAJOR_VERSION
                && (buffer.getUnsignedByte(offset + 2) & 0xF0) == 0) {
                return DetectedProtocol.TLS;
            }
        }
        if (first <= 3) {
            return DetectedProtocol.STUN;
        }
        if (first >= 16 && first <= 19) {
            return DetectedProtocol.ZRTP;
        }
        if (first >= 20 && first <= 63) {
            return DetectedProtocol.DTLS;
        }
        if (first >= 64 && first <= 79) {
            return DetectedProtocol.CHANNEL_DATA;
        }
        if (first >= 128 && first <= 191) {
            return DetectedProtocol.RTP;
        }
        return DetectedProtocol.OTHER;
    }
}
