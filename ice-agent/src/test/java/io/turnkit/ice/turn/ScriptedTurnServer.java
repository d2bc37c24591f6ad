package io.turnkit.ice.turn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.function.Consumer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.turnkit.stun.LongTermKey;
import io.turnkit.stun.StunAttributeType;
import io.turnkit.stun.StunClass;
import io.turnkit.stun.StunErrorCode;
import io.turnkit.stun.StunMessage;
import io.turnkit.stun.StunMessageEncoder;
import io.turnkit.stun.StunMessageType;
import io.turnkit.stun.StunValidation;

/**
 * The server side of a {@link TurnSession} unit test, in the test's own hands: it reads the requests the session
 * hands out and writes the answers the test chooses, with the key of {@link #USER}'s long-term credentials. No
 * sockets: the addresses are documentation addresses (RFC 5737) nothing is ever sent to.
 */
final class ScriptedTurnServer {
    static final String USER = "alice";
    static final String PASSWORD = "wonderland";
    static final String REALM = "example.org";
    static final InetSocketAddress ADDRESS = address("192.0.2.1", 3478);
    static final InetSocketAddress RELAYED = address("192.0.2.1", 50_000);
    static final InetSocketAddress MAPPED = address("198.51.100.7", 40_000);
    static final byte[] MD5_KEY = LongTermKey.md5(USER, REALM, PASSWORD);
    static final byte[] SHA256_KEY = LongTermKey.sha256(USER, REALM, PASSWORD);

    private final StunMessageEncoder encoder = new StunMessageEncoder();

    /** The request or indication in {@code transmit}, validated; the test fails when it is not well formed. */
    static StunMessage read(Transmit transmit) {
        assertEquals(ADDRESS, transmit.destination());
        StunMessage m = new StunMessage();
        ByteBuf bytes = Unpooled.wrappedBuffer(transmit.bytes());
        assertEquals(StunValidation.VALID, m.wrap(bytes, 0, bytes.readableBytes()).validate());
        return m;
    }

    /** A 401 (or 438) with REALM and {@code nonce}, unsigned as a challenge is. */
    ByteBuf challenge(StunMessage request, int code, String nonce) {
        ByteBuf out = Unpooled.buffer();
        encoder.wrap(out).header(StunMessageType.of(request.method(), StunClass.ERROR_RESPONSE), request)
                .addErrorCode(code, StunErrorCode.reason(code))
                .addString(StunAttributeType.REALM, REALM)
                .addString(StunAttributeType.NONCE, nonce)
                .finish();
        return out;
    }

    /** A success response with what {@code attributes} writes, MESSAGE-INTEGRITY with {@code key} and FINGERPRINT. */
    ByteBuf success(StunMessage request, byte[] key, Consumer<StunMessageEncoder> attributes) {
        return response(request, StunClass.SUCCESS_RESPONSE, key, attributes);
    }

    /** An error response with {@code code}, signed with {@code key} unless it is null. */
    ByteBuf error(StunMessage request, int code, byte[] key, Consumer<StunMessageEncoder> attributes) {
        return response(request, StunClass.ERROR_RESPONSE, key,
                attributes.andThen(e -> e.addErrorCode(code, StunErrorCode.reason(code))));
    }

    /** The Allocate success of RFC 8656 §7.3: relayed and mapped addresses, LIFETIME {@code lifetime}. */
    ByteBuf allocated(StunMessage request, long lifetime) {
        return success(request, MD5_KEY, e -> e.addAddress(StunAttributeType.XOR_RELAYED_ADDRESS, RELAYED)
                .addAddress(StunAttributeType.XOR_MAPPED_ADDRESS, MAPPED)
                .addUint32(StunAttributeType.LIFETIME, lifetime));
    }

    private ByteBuf response(StunMessage request, int stunClass, byte[] key, Consumer<StunMessageEncoder> attrs) {
        ByteBuf out = Unpooled.buffer();
        encoder.wrap(out).header(StunMessageType.of(request.method(), stunClass), request);
        attrs.accept(encoder);
        if (key != null) {
            encoder.addMessageIntegrity(key);
        }
        encoder.addFingerprint().finish();
        return out;
    }

    static InetSocketAddress address(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(ip, e);
        }
    }
}
