package io.turnkit.stun;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * HMAC (RFC 2104) over a reusable {@link MessageDigest}, for one thread. Unlike
 * {@code javax.crypto.Mac}, whose {@code doFinal} returns a new array, nothing here allocates once
 * built: the key pads are recomputed in place per call (two 64-byte XOR loops) and the digests are
 * written into caller arrays.
 */
final class Hmac implements DigestScratch.ByteSink {
    /** RFC 2104 §2: B, the block size of SHA-1 and SHA-256. */
    private static final int BLOCK_LENGTH = 64;
    private static final byte INNER_PAD = 0x36;
    private static final byte OUTER_PAD = 0x5C;

    private final MessageDigest digest;
    private final int macLength;
    private final byte[] key = new byte[BLOCK_LENGTH];
    private final byte[] pad = new byte[BLOCK_LENGTH];
    private final byte[] inner;

    Hmac(String digestAlgorithm) {
        try {
            digest = MessageDigest.getInstance(digestAlgorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(digestAlgorithm + " is required of every JDK", e);
        }
        macLength = digest.getDigestLength();
        inner = new byte[macLength];
    }

    /** The MAC length in bytes: 20 for SHA-1, 32 for SHA-256. */
    int macLength() {
        return macLength;
    }

    /** Starts a MAC with this key: RFC 2104 H(K XOR ipad, ...). */
    void start(byte[] secret) {
        Arrays.fill(key, (byte) 0);
        if (secret.length > BLOCK_LENGTH) {
            // RFC 2104 §2: a key longer than B is first hashed.
            digest.reset();
            digest.update(secret);
            digestInto(key);
        } else {
            System.arraycopy(secret, 0, key, 0, secret.length);
        }
        digest.reset();
        xorPad(INNER_PAD);
        digest.update(pad);
    }

    @Override
    public void update(byte[] bytes, int offset, int length) {
        digest.update(bytes, offset, length);
    }

    /** Completes the MAC into {@code out[0..macLength)}: H(K XOR opad, H(K XOR ipad, text)). */
    void finish(byte[] out) {
        digestInto(inner);
        xorPad(OUTER_PAD);
        digest.update(pad);
        digest.update(inner);
        digestInto(out);
    }

    private void xorPad(byte padByte) {
        for (int i = 0; i < BLOCK_LENGTH; i++) {
            pad[i] = (byte) (key[i] ^ padByte);
        }
    }

    private void digestInto(byte[] out) {
        try {
            digest.digest(out, 0, macLength);
        } catch (DigestException e) {
            throw new IllegalStateException("output array shorter than the digest", e);
        }
    }
}
