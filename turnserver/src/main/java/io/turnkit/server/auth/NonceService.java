package io.turnkit.server.auth;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Objects;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Stateless NONCE values (RFC 8489 §9.2): nothing is stored per client, so every node of a fleet that shares the
 * secret accepts the nonces of the others.
 *
 * <pre>
 *   NONCE = "obMatJos2"                                      nonce cookie, RFC 8489 §9.2
 *         + base64(security features, 3 bytes)               4 chars, bit 0 = MSB of the first byte (§18.1)
 *         + base64url-no-padding(expiry || tag)              22 chars
 *
 *   expiry = unix seconds after which the nonce is stale      4 bytes, big endian
 *   tag    = HMAC-SHA256(secret, features || expiry || client port || client IP)[0..12)
 * </pre>
 *
 * The tag binds the nonce to the client's address (§9.2.4: the server MUST NOT give the same NONCE to two requests
 * unless they come from the same source IP address and port) and to the security features, so that a man in the
 * middle who clears the "Password algorithms" bit in a 401 (a bid-down attack, §9.2.1) produces a nonce the server
 * refuses. A nonce is {@link Check#VALID} until its expiry, then {@link Check#STALE} (438); a nonce this service did
 * not issue for that address is {@link Check#INVALID}. Checking allocates nothing and never throws on hostile input.
 */
public final class NonceService {
    /** The nonce cookie prefix of RFC 8489 §9.2. */
    public static final String COOKIE = "obMatJos2";
    /** Security feature "Password algorithms" (RFC 8489 §18.1, bit 0 of 24, counted from the most significant). */
    public static final int FEATURE_PASSWORD_ALGORITHMS = 1 << 23;
    /** Security feature "Username anonymity" (RFC 8489 §18.1, bit 1 of 24). */
    public static final int FEATURE_USERNAME_ANONYMITY = 1 << 22;
    /** How long a nonce stays valid unless configured otherwise (coturn's default, too). */
    public static final long DEFAULT_LIFETIME_SECONDS = 600;

    private static final int FEATURES_LENGTH = 3;
    private static final int FEATURES_CHARS = 4;
    private static final int EXPIRY_LENGTH = 4;
    private static final int TAG_LENGTH = 12;
    private static final int TOKEN_LENGTH = EXPIRY_LENGTH + TAG_LENGTH;
    /** 16 bytes in base64 without padding: ceil(128 / 6). */
    private static final int TOKEN_CHARS = 22;
    private static final int COOKIE_LENGTH = COOKIE.length();
    private static final int FEATURES_OFFSET = COOKIE_LENGTH;
    private static final int TOKEN_OFFSET = FEATURES_OFFSET + FEATURES_CHARS;
    /** Every nonce this service issues has this many ASCII characters. */
    public static final int LENGTH = TOKEN_OFFSET + TOKEN_CHARS;
    private static final byte[] COOKIE_BYTES = COOKIE.getBytes(StandardCharsets.US_ASCII);
    private static final int SECURITY_FEATURES_MASK = (1 << 24) - 1;
    private static final int MAC_INPUT_LENGTH = FEATURES_LENGTH + EXPIRY_LENGTH + 2 + 16;
    private static final String HMAC_SHA256 = "HmacSHA256";

    /** Per-thread MAC and byte arrays, so that a check on an event loop allocates nothing. */
    private static final class Scratch {
        final Mac mac;
        final byte[] input = new byte[MAC_INPUT_LENGTH];
        final byte[] tag = new byte[32];
        final byte[] features = new byte[FEATURES_LENGTH];
        final byte[] token = new byte[TOKEN_LENGTH];

        Scratch(byte[] secret) {
            try {
                mac = Mac.getInstance(HMAC_SHA256);
                mac.init(new SecretKeySpec(secret, HMAC_SHA256));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HMAC-SHA256 is required of every JDK", e);
            }
        }
    }

    private final long lifetimeSeconds;
    private final Clock clock;
    private final int securityFeatures;
    private final ThreadLocal<Scratch> scratch;

    /** Nonces that announce the "Password algorithms" feature, as a server offering PASSWORD-ALGORITHMS must. */
    public NonceService(byte[] secret, long lifetimeSeconds, Clock clock) {
        this(secret, lifetimeSeconds, clock, FEATURE_PASSWORD_ALGORITHMS);
    }

    /**
     * @param secret           the HMAC key; at least 16 bytes (see {@link #randomSecret()}); shared by a fleet
     * @param lifetimeSeconds  how long a nonce stays valid
     * @param clock            the time that decides expiry
     * @param securityFeatures the 24-bit feature set {@link #issue(InetSocketAddress)} announces
     */
    public NonceService(byte[] secret, long lifetimeSeconds, Clock clock, int securityFeatures) {
        if (secret.length < 16) {
            throw new IllegalArgumentException("a nonce secret needs at least 16 bytes");
        }
        if (lifetimeSeconds <= 0) {
            throw new IllegalArgumentException("nonce lifetime must be positive: " + lifetimeSeconds);
        }
        if ((securityFeatures & ~SECURITY_FEATURES_MASK) != 0) {
            throw new IllegalArgumentException("security features are 24 bits: " + securityFeatures);
        }
        byte[] key = secret.clone();
        this.lifetimeSeconds = lifetimeSeconds;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.securityFeatures = securityFeatures;
        this.scratch = ThreadLocal.withInitial(() -> new Scratch(key));
    }

    /** 32 random bytes, for a server that does not share nonces with other nodes. */
    public static byte[] randomSecret() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        return secret;
    }

    /** A fresh nonce for {@code client} with the features given at construction. */
    public String issue(InetSocketAddress client) {
        return issue(client, securityFeatures);
    }

    /** A fresh nonce for {@code client} announcing {@code features} (24 bits, RFC 8489 §18.1). */
    public String issue(InetSocketAddress client, int features) {
        InetAddress address = Objects.requireNonNull(client.getAddress(), "client address must be resolved");
        if ((features & ~SECURITY_FEATURES_MASK) != 0) {
            throw new IllegalArgumentException("security features are 24 bits: " + features);
        }
        Scratch s = scratch.get();
        byte[] featureBytes = {(byte) (features >>> 16), (byte) (features >>> 8), (byte) features};
        long expiry = clock.millis() / 1000 + lifetimeSeconds;
        byte[] token = new byte[TOKEN_LENGTH];
        putUint32(token, 0, expiry);
        tag(s, featureBytes, token, address.getAddress(), client.getPort());
        System.arraycopy(s.tag, 0, token, EXPIRY_LENGTH, TAG_LENGTH);
        return COOKIE + Base64.getEncoder().encodeToString(featureBytes)
                + Base64.getUrlEncoder().withoutPadding().encodeToString(token);
    }

    /** Whether a nonce may still be used. */
    public enum Check {
        /** Issued by this service (or a peer sharing its secret) for this client, and not expired. */
        VALID,
        /** Issued for this client, but expired: answer 438 Stale Nonce (RFC 8489 §9.2.4). */
        STALE,
        /** Not a nonce issued for this client address: forged, altered, or from another source address. */
        INVALID
    }

    /** Checks a nonce given as text. */
    public Check check(String nonce, InetSocketAddress client) {
        byte[] ascii = nonce.getBytes(StandardCharsets.US_ASCII);
        return check(Unpooled.wrappedBuffer(ascii), 0, ascii.length, client);
    }

    /** Checks the nonce in {@code buffer[offset, offset + length)}, e.g. a NONCE attribute's value, in place. */
    public Check check(ByteBuf buffer, int offset, int length, InetSocketAddress client) {
        InetAddress address = client.getAddress();
        if (length != LENGTH || address == null || !hasCookie(buffer, offset, length)) {
            return Check.INVALID;
        }
        Scratch s = scratch.get();
        if (!decodeBase64(buffer, offset + FEATURES_OFFSET, FEATURES_CHARS, s.features, false)
                || !decodeBase64(buffer, offset + TOKEN_OFFSET, TOKEN_CHARS, s.token, true)) {
            return Check.INVALID;
        }
        tag(s, s.features, s.token, address.getAddress(), client.getPort());
        int difference = 0;
        for (int i = 0; i < TAG_LENGTH; i++) {
            difference |= s.tag[i] ^ s.token[EXPIRY_LENGTH + i];
        }
        if (difference != 0) {
            return Check.INVALID;
        }
        long expiry = (s.token[0] & 0xFFL) << 24 | (s.token[1] & 0xFFL) << 16 | (s.token[2] & 0xFFL) << 8
                | s.token[3] & 0xFFL;
        return clock.millis() / 1000 > expiry ? Check.STALE : Check.VALID;
    }

    /** Whether a nonce starts with a nonce cookie whose "Password algorithms" bit is set (RFC 8489 §9.2.1). */
    public static boolean offersPasswordAlgorithms(String nonce) {
        byte[] ascii = nonce.getBytes(StandardCharsets.US_ASCII);
        return (securityFeatures(Unpooled.wrappedBuffer(ascii), 0, ascii.length) & FEATURE_PASSWORD_ALGORITHMS) != 0;
    }

    /**
     * The 24-bit security features of the nonce cookie in {@code buffer[offset, offset + length)}, or 0 when the
     * nonce has no (well-formed) cookie: a server without RFC 8489 support offers no features (§9.2).
     */
    public static int securityFeatures(ByteBuf buffer, int offset, int length) {
        if (length < TOKEN_OFFSET || !hasCookie(buffer, offset, length)) {
            return 0;
        }
        int features = 0;
        for (int i = 0; i < FEATURES_CHARS; i++) {
            int sextet = sextet(buffer.getByte(offset + FEATURES_OFFSET + i), false);
            if (sextet < 0) {
                return 0;
            }
            features = features << 6 | sextet;
        }
        return features;
    }

    private static boolean hasCookie(ByteBuf buffer, int offset, int length) {
        if (length < COOKIE_LENGTH) {
            return false;
        }
        for (int i = 0; i < COOKIE_LENGTH; i++) {
            if (buffer.getByte(offset + i) != COOKIE_BYTES[i]) {
                return false;
            }
        }
        return true;
    }

    /** HMAC-SHA256(secret, features || expiry || port || address) into {@code s.tag}. */
    private static void tag(Scratch s, byte[] features, byte[] token, byte[] address, int port) {
        byte[] input = s.input;
        System.arraycopy(features, 0, input, 0, FEATURES_LENGTH);
        System.arraycopy(token, 0, input, FEATURES_LENGTH, EXPIRY_LENGTH);
        int at = FEATURES_LENGTH + EXPIRY_LENGTH;
        input[at++] = (byte) (port >>> 8);
        input[at++] = (byte) port;
        System.arraycopy(address, 0, input, at, address.length);
        s.mac.update(input, 0, at + address.length);
        try {
            s.mac.doFinal(s.tag, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the tag array holds an HMAC-SHA256", e);
        }
    }

    private static void putUint32(byte[] bytes, int at, long value) {
        bytes[at] = (byte) (value >>> 24);
        bytes[at + 1] = (byte) (value >>> 16);
        bytes[at + 2] = (byte) (value >>> 8);
        bytes[at + 3] = (byte) value;
    }

    /**
     * Decodes {@code chars} base64 characters (RFC 4648 §4, or §5 when {@code url}) into all of {@code out};
     * false on a character outside the alphabet, a length mismatch, or non-zero bits after the last byte (so
     * that each value has exactly one accepted spelling).
     */
    private static boolean decodeBase64(ByteBuf buffer, int index, int chars, byte[] out, boolean url) {
        int bits = 0;
        int pending = 0;
        int written = 0;
        for (int i = 0; i < chars; i++) {
            int sextet = sextet(buffer.getByte(index + i), url);
            if (sextet < 0) {
                return false;
            }
            bits = bits << 6 | sextet;
            pending += 6;
            if (pending >= 8) {
                pending -= 8;
                if (written == out.length) {
                    return false;
                }
                out[written++] = (byte) (bits >>> pending);
                bits &= (1 << pending) - 1;
            }
        }
        return written == out.length && bits == 0;
    }

    /** The value of one base64 character, or -1. */
    private static int sextet(byte c, boolean url) {
        if (c >= 'A' && c <= 'Z') {
            return c - 'A';
        }
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 26;
        }
        if (c >= '0' && c <= '9') {
            return c - '0' + 52;
        }
        if (c == (url ? '-' : '+')) {
            return 62;
        }
        if (c == (url ? '_' : '/')) {
            return 63;
        }
        return -1;
    }
}
