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
 *                  |     [64..127] -+--&gt; TURN Channel
 *                  |    [128..191] -+--&gt; RTP/RTCP
 *                  +----------------+
 * </pre>
 *
 * <p>RFC 7983 gives TURN channels 64..79, the first bytes of RFC 8656 §12's channel numbers 0x4000–0x4FFF;
 * RFC 5766 clients still bind channels up to 0x7FFF, whose first bytes run to 127, and a TURN server's client
 * port carries nothing else there, so this demux says ChannelData wherever {@link ChannelData#isChannelNumber}
 * would accept the channel number.
 *
 * <p>At the start of a stream, {@code 0x16 0x03 0x0?} is a TLS handshake record (a ClientHello),
 * not DTLS (whose version bytes are 0xFE 0xFx).
 */
public final class ProtocolDetector {
    private static final int TLS_HANDSHAKE = 0x16;
    private static final int TLS_MAJOR_VERSION = 0x03;
    private static final int TLS_PREFIX = 3;
    /** RFC 7983 §7. */
    private static final int STUN_LAST = 3;
    private static final int ZRTP_FIRST = 16;
    private static final int DTLS_FIRST = 20;
    private static final int DTLS_LAST = 63;
    private static final int CHANNEL_DATA_FIRST = ChannelData.MIN_CHANNEL >>> 8;
    private static final int CHANNEL_DATA_LAST = ChannelData.MAX_RFC5766_CHANNEL >>> 8;
    private static final int RTP_FIRST = 128;
    private static final int RTP_LAST = 191;

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
        return detect(first);
    }

    /** Classifies a datagram or frame by its first byte alone. */
    public static DetectedProtocol detect(int first) {
        if (first <= STUN_LAST) {
            return DetectedProtocol.STUN;
        }
        if (first >= CHANNEL_DATA_FIRST && first <= CHANNEL_DATA_LAST) {
            return DetectedProtocol.CHANNEL_DATA;
        }
        if (first >= DTLS_FIRST && first <= DTLS_LAST) {
            return DetectedProtocol.DTLS;
        }
        if (first >= ZRTP_FIRST && first < DTLS_FIRST) {
            return DetectedProtocol.ZRTP;
        }
        if (first >= RTP_FIRST && first <= RTP_LAST) {
            return DetectedProtocol.RTP;
        }
        return DetectedProtocol.OTHER;
    }
}
