package io.turnkit.ice.driver;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.netty.buffer.ByteBuf;

/**
 * A ufrag as bytes, the mux's table key. The mux keeps one instance it refills from each packet to look up, so the
 * lookup allocates nothing; the table's own keys are made once, when an agent registers.
 */
final class UfragKey {
    /** RFC 8445 §5.3: a ufrag has at most 256 characters. */
    private static final int MAX = 256;

    private final byte[] bytes;
    private int length;
    private int hash;

    /** The reusable lookup key. */
    UfragKey() {
        bytes = new byte[MAX];
    }

    UfragKey(String ufrag) {
        bytes = ufrag.getBytes(StandardCharsets.UTF_8);
        length = bytes.length;
        hash = hashOf(bytes, length);
    }

    /** Refills this key from {@code buf}; false when the ufrag is too long to be one. */
    boolean set(ByteBuf buf, int index, int count) {
        if (count > bytes.length) {
            return false;
        }
        buf.getBytes(index, bytes, 0, count);
        length = count;
        hash = hashOf(bytes, count);
        return true;
    }

    private static int hashOf(byte[] b, int n) {
        int h = 1;
        for (int i = 0; i < n; i++) {
            h = 31 * h + b[i];
        }
        return h;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UfragKey k && Arrays.equals(bytes, 0, length, k.bytes, 0, k.length);
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
