package io.turnkit.server.auth;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import io.turnkit.stun.StunAttributes;
import io.turnkit.stun.StunMessage;

/**
 * Who a request claims to be, as {@link AuthRateLimiter} counts it: the first 128 bits of SHA-256 over the type and
 * value of its USERNAME (RFC 8489 §14.3) or USERHASH (§14.4) attribute. A digest rather than the value so that every
 * entry of the limiter's table has the same small size however long a hostile USERNAME is; a cryptographic one so
 * that no client can craft a username that shares another user's count.
 *
 * @param high the first 64 bits of the digest
 * @param low  the next 64 bits
 */
record ClaimedUser(long high, long low) {
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    });

    /** The user named by {@code attr}, a present USERNAME or USERHASH of {@code request}. */
    static ClaimedUser of(StunMessage request, int attr) {
        MessageDigest digest = SHA256.get();
        int type = StunAttributes.type(request, attr);
        // The type goes in too: a USERHASH and a USERNAME with the same bytes are not the same claim.
        digest.update((byte) (type >>> 8));
        digest.update((byte) type);
        digest.update(request.buffer().nioBuffer(StunAttributes.valueOffset(attr),
                StunAttributes.valueLength(request, attr)));
        ByteBuffer hash = ByteBuffer.wrap(digest.digest());
        return new ClaimedUser(hash.getLong(0), hash.getLong(Long.BYTES));
    }
}
