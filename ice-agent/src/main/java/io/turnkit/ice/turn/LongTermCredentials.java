package io.turnkit.ice.turn;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import io.netty.buffer.ByteBuf;
import io.turnkit.ice.stun.StunResponse;
import io.turnkit.stun.LongTermKey;
import io.turnkit.stun.MessageIntegrity;
import io.turnkit.stun.MessageIntegritySha256;
import io.turnkit.stun.OpaqueString;
import io.turnkit.stun.PasswordAlgorithm;
import io.turnkit.stun.StunAttributeType;
import io.turnkit.stun.StunAttributes;
import io.turnkit.stun.StunErrorCode;
import io.turnkit.stun.StunMessage;
import io.turnkit.stun.StunMessageEncoder;

/**
 * The client side of the long-term credential mechanism (RFC 8489 §9.2): a user name and password, and what the
 * server's last 401 or 438 taught — REALM, NONCE, the password algorithm — from which the key and the credential
 * attributes of every later request follow.
 *
 * <p>RFC 8489 §9.2.1: a NONCE that starts with the nonce cookie {@code "obMatJos2"} carries 24 bits of security
 * features in its next four base64 characters. With the "Password algorithms" bit set, the client repeats the
 * server's PASSWORD-ALGORITHMS, picks the first algorithm it supports in PASSWORD-ALGORITHM, and protects requests
 * with MESSAGE-INTEGRITY-SHA256; without it (an RFC 5389 server), the key is MD5 and the integrity
 * MESSAGE-INTEGRITY.
 */
public final class LongTermCredentials {
    private static final String NONCE_COOKIE = "obMatJos2";
    private static final int FEATURES_CHARS = 4;
    /** RFC 8489 §18.1: "Password algorithms" is bit 0 of the 24, the most significant. */
    private static final int FEATURE_PASSWORD_ALGORITHMS = 1 << 23;
    /** How often one request is sent with new credentials: unsigned, signed after its 401, once more after a 438. */
    public static final int MAX_ATTEMPTS = 3;

    private final String username;
    private final String password;
    private String realm;
    private String nonce;
    private byte[] passwordAlgorithms;
    private int passwordAlgorithm = PasswordAlgorithm.MD5;
    private byte[] key;

    /**
     * @param username as the TURN service gave it; prepared with OpaqueString (RFC 8489 §14.3)
     * @throws IllegalArgumentException when OpaqueString refuses the user name or the password (empty, controls…)
     */
    public LongTermCredentials(String username, String password) {
        this.username = OpaqueString.prepare(username);
        this.password = OpaqueString.prepare(password);
    }

    public String username() {
        return username;
    }

    /** The REALM learnt from the server, or null before its first challenge. */
    public String realm() {
        return realm;
    }

    /** The NONCE requests carry now, or null before the server's first challenge. */
    public String nonce() {
        return nonce;
    }

    /** Whether a challenge was learnt, so that requests can carry credentials. */
    public boolean isReady() {
        return key != null;
    }

    /** The {@link PasswordAlgorithm} the key is made with; MD5 until a server offers better. */
    public int passwordAlgorithm() {
        return passwordAlgorithm;
    }

    /**
     * Learns REALM, NONCE and the password algorithm from a 401 or 438 response (RFC 8489 §9.2.5) and derives the
     * key.
     *
     * @return false when the challenge cannot be answered: no REALM or NONCE, or the "Password algorithms" feature
     *         without a PASSWORD-ALGORITHMS this client supports (§9.2.5: the client must not retry)
     */
    public boolean learn(StunResponse challenge) {
        return learn(challenge.message());
    }

    /** As {@link #learn(StunResponse)}, from a validated error response {@code m}. */
    public boolean learn(StunMessage m) {
        String newRealm = StunAttributes.string(m, m.findAttribute(StunAttributeType.REALM));
        String newNonce = StunAttributes.string(m, m.findAttribute(StunAttributeType.NONCE));
        if (newRealm == null || newNonce == null || newRealm.isEmpty()) {
            return false;
        }
        byte[] algorithms = null;
        int algorithm = PasswordAlgorithm.MD5;
        if ((securityFeatures(newNonce) & FEATURE_PASSWORD_ALGORITHMS) != 0) {
            int attribute = m.findAttribute(StunAttributeType.PASSWORD_ALGORITHMS);
            algorithm = firstSupported(m, attribute);
            if (algorithm < 0) {
                return false;
            }
            algorithms = new byte[StunAttributes.valueLength(m, attribute)];
            StunAttributes.copyValue(m, attribute, algorithms);
        }
        byte[] newKey;
        try {
            newKey = LongTermKey.derive(algorithm, username, newRealm, password);
        } catch (IllegalArgumentException e) {
            // OpaqueString refused the realm the server sent.
            return false;
        }
        realm = newRealm;
        nonce = newNonce;
        passwordAlgorithms = algorithms;
        passwordAlgorithm = algorithm;
        key = newKey;
        return true;
    }

    /**
     * Whether an error response asks for the request again with what it teaches (RFC 8489 §9.2.5): a 401 to an
     * unsigned request brings REALM and NONCE, a 438 a fresh NONCE. A 401 to a signed request means the credentials
     * are wrong: no retry.
     */
    public static boolean isChallenge(int errorCode, boolean signed) {
        return errorCode == StunErrorCode.STALE_NONCE || errorCode == StunErrorCode.UNAUTHENTICATED && !signed;
    }

    /**
     * The first algorithm of PASSWORD-ALGORITHMS (RFC 8489 §14.11) that this client supports, in the server's order
     * of preference; -1 when none is, or the attribute is absent or malformed.
     *
     * <pre>
     * |          Algorithm 1          | Algorithm 1 Parameters Length |
     * |                    Algorithm 1 Parameters (variable)         ...
     * </pre>
     */
    private static int firstSupported(StunMessage m, int attribute) {
        if (attribute < 0) {
            return -1;
        }
        ByteBuf b = m.buffer();
        int entry = StunAttributes.valueOffset(attribute);
        int end = entry + StunAttributes.valueLength(m, attribute);
        while (end - entry >= 4) {
            int algorithm = b.getUnsignedShort(entry);
            if (PasswordAlgorithm.isSupported(algorithm)) {
                return algorithm;
            }
            entry += 4 + StunAttributes.paddedLength(b.getUnsignedShort(entry + 2));
        }
        return -1;
    }

    /** The 24 feature bits of a nonce cookie (RFC 8489 §9.2.1), or 0 when the nonce has none. */
    static int securityFeatures(String nonce) {
        if (!nonce.startsWith(NONCE_COOKIE) || nonce.length() < NONCE_COOKIE.length() + FEATURES_CHARS) {
            return 0;
        }
        String encoded = nonce.substring(NONCE_COOKIE.length(), NONCE_COOKIE.length() + FEATURES_CHARS);
        byte[] features;
        try {
            features = Base64.getDecoder().decode(encoded.getBytes(StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            return 0;
        }
        return features.length < 3 ? 0 : (features[0] & 0xFF) << 16 | (features[1] & 0xFF) << 8 | features[2] & 0xFF;
    }

    /**
     * Adds USERNAME, REALM, NONCE, the password algorithm attributes when negotiated, and the integrity attribute
     * (RFC 8489 §9.2.3); call it after every other attribute of the request.
     *
     * @throws IllegalStateException before a challenge was learnt
     */
    public void sign(StunMessageEncoder request) {
        if (key == null) {
            throw new IllegalStateException("no challenge learnt yet");
        }
        request.addString(StunAttributeType.USERNAME, username)
                .addString(StunAttributeType.REALM, realm)
                .addString(StunAttributeType.NONCE, nonce);
        if (passwordAlgorithms == null) {
            request.addMessageIntegrity(key);
            return;
        }
        // RFC 8489 §9.2.5: the list exactly as the server sent it, so that it can detect a bid-down.
        request.addBytes(StunAttributeType.PASSWORD_ALGORITHMS, passwordAlgorithms)
                .addPasswordAlgorithm(passwordAlgorithm)
                .addMessageIntegritySha256(key);
    }

    /**
     * Whether a response to a signed request is authentic (RFC 8489 §9.2.5): its integrity attribute verifies with
     * the key. A success must carry one; an error may not (400, and 401 after a wrong password, cannot).
     */
    public boolean verifies(StunMessage response) {
        if (key == null) {
            return true;
        }
        if (response.hasAttribute(StunAttributeType.MESSAGE_INTEGRITY_SHA256)) {
            return MessageIntegritySha256.check(response, key);
        }
        if (response.hasAttribute(StunAttributeType.MESSAGE_INTEGRITY)) {
            return MessageIntegrity.check(response, key);
        }
        return response.isErrorResponse();
    }
}
