package io.turnkit.ice.driver;

import io.netty.buffer.ByteBuf;

/** Reads the local ufrag of a Binding request's USERNAME in place, for the mux: no copy, no object. */
final class StunUsername {
    private static final int HEADER = 20;
    private static final int MAGIC_COOKIE = 0x2112A442;
    private static final int BINDING_REQUEST = 0x0001;
    private static final int USERNAME = 0x0006;

    private StunUsername() {
    }

    /**
     * Whether {@code buf} is a Binding request (RFC 8489 §5: first two bits zero, the magic cookie, a length that is
     * a multiple of 4 and fits) whose USERNAME has a ':'; if so its part before the ':' is put in {@code key}
     * (RFC 8445 §7.2.2: the receiver's ufrag comes first). The buffer's indexes are not moved.
     */
    static boolean localUfrag(ByteBuf buf, UfragKey key) {
        int start = buf.readerIndex();
        int size = buf.readableBytes();
        if (size < HEADER || buf.getUnsignedShort(start) != BINDING_REQUEST || buf.getInt(start + 4) != MAGIC_COOKIE) {
            return false;
        }
        int length = buf.getUnsignedShort(start + 2);
        if ((length & 3) != 0 || HEADER + length > size) {
            return false;
        }
        int at = start + HEADER;
        int end = at + length;
        while (at + 4 <= end) {
            int type = buf.getUnsignedShort(at);
            int valueLength = buf.getUnsignedShort(at + 2);
            int value = at + 4;
            if (value + valueLength > end) {
                return false;
            }
            if (type == USERNAME) {
                int colon = buf.indexOf(value, value + valueLength, (byte) ':');
                return colon > value && key.set(buf, value, colon - value);
            }
            at = value + ((valueLength + 3) & ~3);
        }
        return false;
    }
}
