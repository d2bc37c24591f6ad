package io.turnkit.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.turnkit.server.auth.AuthResult.Outcome;
import io.turnkit.store.credential.CredentialStore;
import io.turnkit.store.credential.InMemoryCredentialStore;
import io.turnkit.store.credential.UserKeys;
import io.turnkit.stun.LongTermKey;
import io.turnkit.stun.MessageIntegrity;
import io.turnkit.stun.MessageIntegritySha256;
import io.turnkit.stun.PasswordAlgorithm;
import io.turnkit.stun.StunAttributeType;
import io.turnkit.stun.StunAttributes;
import io.turnkit.stun.StunClass;
import io.turnkit.stun.StunMessage;
import io.turnkit.stun.StunMessageEncoder;
import io.turnkit.stun.StunMessageType;
import io.turnkit.stun.StunMethod;
import io.turnkit.stun.StunValidation;
import io.turnkit.stun.UserHash;

class AuthenticatorTest {
    private static final String REALM = "example.org";
    private static final String PASSWORD = "wonderland";
    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 40000);
    private static final byte[] NONCE_SECRET = "nonce secret shared by the fleet".getBytes(StandardCharsets.US_ASCII);
    private static final long NONCE_LIFETIME = 600;
    private static final int MAX_FAILURES = 3;
    private static final Instant START = Instant.parse("2025-01-01T00:00:00Z");
    private static final byte[] WRONG_KEY = LongTermKey.md5("alice", REALM, "guess");

    private final TestClock clock = new TestClock(START);
    private final InMemoryCredentialStore store = new InMemoryCredentialStore(clock);
    private final NonceService nonces = new NonceService(NONCE_SECRET, NONCE_LIFETIME, clock);
    private final AuthRateLimiter limiter = new AuthRateLimiter(MAX_FAILURES, Duration.ofMinutes(1), 1024);
    private final UserKeys alice = UserKeys.fromPassword(REALM, "alice", PASSWORD, START);
    private Authenticator authenticator = authenticator(AuthSettings.longTerm(REALM));

    @BeforeEach
    void addUsers() {
        store.putUser(alice);
    }

    private Authenticator authenticator(AuthSettings settings) {
        return authenticator(settings, store);
    }

    private Authenticator authenticator(AuthSettings settings, CredentialStore credentials) {
        return new Authenticator(settings, credentials, nonces, limiter, clock);
    }

    private String nonce() {
        return nonces.issue(CLIENT);
    }

    /** A legacy (RFC 5389) request: USERNAME, REALM, NONCE and MESSAGE-INTEGRITY with the MD5 key. */
    private Request md5Request(String username, byte[] key) {
        return new Request().username(username).nonce(nonce()).integrity(key);
    }

    // ---- RFC 8489 §9.2.4, first check: no integrity -> 401 challenge

    @Test
    void shouldChallengeARequestWithoutIntegrity() {
        AuthResult result = authenticator.authenticate(new Request().build(), CLIENT);

        assertEquals(Outcome.CHALLENGE, result.outcome());
        assertEquals(401, result.errorCode());
        assertEquals("Unauthenticated", result.reason());
        StunMessage response = respond(result, new Request().build());
        assertEquals(REALM, string(response, StunAttributeType.REALM));
        assertEquals(NonceService.Check.VALID, nonces.check(string(response, StunAttributeType.NONCE), CLIENT));
        assertTrue(StunAttributes.passwordAlgorithmsEqual(response,
                response.findAttribute(StunAttributeType.PASSWORD_ALGORITHMS),
                PasswordAlgorithm.SHA256, PasswordAlgorithm.MD5));
        assertEquals(-1, response.findAttribute(StunAttributeType.MESSAGE_INTEGRITY));
    }

    @Test
    void shouldOfferNoPasswordAlgorithmsWhenConfiguredWithout() {
        authenticator = authenticator(AuthSettings.longTerm(REALM).withPasswordAlgorithms(List.of()));

        StunMessage request = new Request().build();
        StunMessage response = respond(authenticator.authenticate(request, CLIENT), request);

        assertEquals(-1, response.findAttribute(StunAttributeType.PASSWORD_ALGORITHMS));
        assertFalse(NonceService.offersPasswordAlgorithms(string(response, StunAttributeType.NONCE)));
    }

    // ---- second check: integrity without USERNAME/USERHASH, REALM or NONCE -> 400

    @ParameterizedTest
    @ValueSource(strings = {"USERNAME", "REALM", "NONCE"})
    void shouldAnswerBadRequestWhenIntegrityComesWithoutAnAttribute(String missing) {
        Request request = md5Request("alice", alice.md5Key());
        switch (missing) {
            case "USERNAME" -> request.username(null);
            case "REALM" -> request.realm(null);
            default -> request.nonce(null);
        }

        AuthResult result = authenticator.authenticate(request.build(), CLIENT);

        assertEquals(Outcome.BAD_REQUEST, result.outcome());
        assertEquals(400, result.errorCode());
        StunMessage response = respond(result, request.build());
        assertEquals(-1, response.findAttribute(StunAttributeType.REALM));
        assertEquals(-1, response.findAttribute(StunAttributeType.NONCE));
        assertEquals(-1, response.findAttribute(StunAttributeType.MESSAGE_INTEGRITY));
    }

    @Test
    void shouldAnswerBadRequestToBothUsernameAndUserhash() {
        Request request = md5Request("alice", alice.md5Key()).userHash(UserHash.of("alice", REALM));

        assertEquals(Outcome.BAD_REQUEST, authenticator.authenticate(request.build(), CLIENT).outcome());
    }

    // ---- nonce

    @Test
    void shouldAnswerStaleNonceWithAFreshOneToAForgedNonce() {
        Request request = md5Request("alice", alice.md5Key()).nonce("obMatJos2gAAA" + "A".repeat(22));

        AuthResult result = authenticator.authenticate(request.build(), CLIENT);

        assertEquals(Outcome.STALE_NONCE, result.outcome());
        assertEquals(AuthEvent.INVALID_NONCE, result.event());
        assertEquals(438, result.errorCode());
        StunMessage response = respond(result, request.build());
        assertEquals(NonceService.Check.VALID, nonces.check(string(response, StunAttributeType.NONCE), CLIENT));
        assertEquals(REALM, string(response, StunAttributeType.REALM));
    }

    @Test
    void shouldAnswerStaleNonceToANonceIssuedToAnotherClient() {
        Request request = md5Request("alice", alice.md5Key())
                .nonce(nonces.issue(new InetSocketAddress("127.0.0.2", 40000)));

        assertEquals(Outcome.STALE_NONCE, authenticator.authenticate(request.build(), CLIENT).outcome());
    }

    @Test
    void shouldAnswerStaleNonceWithIntegrityOnceTheNonceExpired() {
        Request request = md5Request("alice", alice.md5Key());
        clock.advance(Duration.ofSeconds(NONCE_LIFETIME + 1));

        AuthResult result = authenticator.authenticate(request.build(), CLIENT);

        assertEquals(AuthEvent.STALE_NONCE, result.event());
        assertEquals(438, result.errorCode());
        StunMessage response = respond(result, request.build());
        assertNotEquals(request.nonce, string(response, StunAttributeType.NONCE));
        assertEquals(NonceService.Check.VALID, nonces.check(string(response, StunAttributeType.NONCE), CLIENT));
        assertTrue(MessageIntegrity.check(response, alice.md5Key()));
    }

    // ---- success

    @Test
    void shouldAuthenticateALegacyClientWithTheMd5Key() {
        Request request = md5Request("alice", alice.md5Key());

        AuthResult result = authenticator.authenticate(request.build(), CLIENT);

        assertEquals(Outcome.OK, result.outcome());
        assertEquals(0, result.errorCode());
        assertEquals("alice", result.username());
        StunMessage response = respond(result, request.build());
        assertTrue(MessageIntegrity.check(response, alice.md5Key()));
        assertEquals(-1, response.findAttribute(StunAttributeType.MESSAGE_INTEGRITY_SHA256));
        assertEquals(1, authenticator.count(AuthEvent.AUTHENTICATED));
    }

    @Test
    void shouldCompleteAnAnonymousSha256Exchange() {
        authenticator = authenticator(AuthSettings.longTerm(REALM).withUsernameAnonymity(true));
        StunMessage first = new Request().build();
        StunMessage challenge = respond(authenticator.authenticate(first, CLIENT), first);
        String nonce = string(challenge, StunAttributeType.NONCE);
        assertTrue(nonce.startsWith("obMatJos2wAAA"), nonce); // password algorithms + username anonymity

        // RFC 8489 §9.2.5: USERHASH (anonymity bit), the server's PASSWORD-ALGORITHMS echoed, the first algorithm
        // the client supports, the SHA-256 key and MESSAGE-INTEGRITY-SHA256.
        byte[] key = LongTermKey.sha256("alice", REALM, PASSWORD);
        Request retry = new Request().userHash(UserHash.of("alice", REALM)).nonce(nonce)
                .passwordAlgorithms(PasswordAlgorithm.SHA256, PasswordAlgorithm.MD5)
                .passwordAlgorithm(PasswordAlgorithm.SHA256).integritySha256(key);
        AuthResult result = authenticator.authenticate(retry.build(), CLIENT);

        assertEquals(Outcome.OK, result.outcome());
        assertEquals("alice", result.username());
        StunMessage response = respond(result, retry.build());
        assertTrue(MessageIntegritySha256.check(response, key));
        assertEquals(-1, response.findAttribute(StunAttributeType.MESSAGE_INTEGRITY));
    }

    @Test
    void shouldAcceptPasswordAlgorithmWithoutTheListInASubsequentRequest() {
        // RFC 8489 §9.2.3.2: later requests carry PASSWORD-ALGORITHM only.
        byte[] key = alice.sha256Key();
        Request request = new Request().username("alice").nonce(nonce())
                .passwordAlgorithm(PasswordAlgorithm.SHA256).integrity(key);

        assertEquals(Outcome.OK, authenticator.authenticate(request.build(), CLIENT).outcome());
    }

    // ---- third check: password algorithms when the nonce has the feature bit -> 400

    @Test
    void shouldAnswerBadRequestWhenTheAlgorithmListDiffersFromTheOffer() {
        // A bid-down attacker removed SHA-256 from the 401; the client echoes what it saw.
        Request request = new Request().username("alice").nonce(nonce())
                .passwordAlgorithms(PasswordAlgorithm.MD5).passwordAlgorithm(PasswordAlgorithm.MD5)
                .integrity(alice.md5Key());

        AuthResult result = authenticator.authenticate(request.build(), CLIENT);

        assertEquals(Outcome.BAD_REQUEST, result.outcome());
        assertEquals(AuthEvent.BAD_PASSWORD_ALGORITHM, result.event());
    }

    @Test
    void shouldAnswerBadRequestToTheAlgorithmListWithoutAnAlgorithm() {
        Request request = new Request().username("alice").nonce(nonce())
                .passwordAlgorithms(PasswordAlgorithm.SHA256, PasswordAlgorithm.MD5).integrity(alice.md5Key());

        assertEquals(Outcome.BAD_REQUEST, authenticator.authenticate(request.build(), CLIENT).outcome());
    }

    @Test
    void shouldAnswerBadRequestToAnAlgorithmThatWasNotOffered() {
        authenticator = authenticator(AuthSettings.longTerm(REALM)
                .withPasswordAlgorithms(List.of(PasswordAlgorithm.SHA256)));
        Request request = new Request().username("alice").nonce(nonce())
                .passwordAlgorithms(PasswordAlgorithm.SHA256).passwordAlgorithm(PasswordAlgorithm.MD5)
                .integrity(alice.md5Key());

        assertEquals(Outcome.BAD_REQUEST, authenticator.authenticate(request.build(), CLIENT).outcome());
    }

    // ---- fourth and fifth checks: unknown user, wrong password -> 401

    @Test
    void shouldAnswerUnauthorizedWithAChallengeToAnUnknownUser() {
        Request request = md5Request("mallory", alice.md5Key());

        AuthResult result = authenticator.authenticate(request.build(), CLIENT);

        assertEquals(Outcome.UNAUTHORIZED, result.outcome());
        assertEquals(AuthEvent.UNKNOWN_USER, result.event());
        assertEquals(401, result.errorCode());
        assertNull(result.username());
        StunMessage response = respond(result, request.build());
        assertEquals(REALM, string(response, StunAttributeType.REALM));
        assertTrue(response.hasAttribute(StunAttributeType.PASSWORD_ALGORITHMS));
        assertFalse(response.hasAttribute(StunAttributeType.MESSAGE_INTEGRITY));
    }

    @Test
    void shouldAnswerUnauthorizedToAWrongPassword() {
        Request request = md5Request("alice", LongTermKey.md5("alice", REALM, "guess"));

        AuthResult result = authenticator.authenticate(request.build(), CLIENT);

        assertEquals(Outcome.UNAUTHORIZED, result.outcome());
        assertEquals(AuthEvent.BAD_INTEGRITY, result.event());
        assertTrue(respond(result, request.build()).hasAttribute(StunAttributeType.NONCE));
    }

    @Test
    void shouldAnswerUnauthorizedToAnotherRealm() {
        Request request = md5Request("alice", LongTermKey.md5("alice", "other.org", PASSWORD)).realm("other.org");

        AuthResult result = authenticator.authenticate(request.build(), CLIENT);

        assertEquals(Outcome.UNAUTHORIZED, result.outcome());
        assertEquals(REALM, string(respond(result, request.build()), StunAttributeType.REALM));
    }

    @Test
    void shouldAnswerUnauthorizedToSha256ForAUserWithOnlyAnMd5Key() {
        store.putUser(new UserKeys(REALM, "legacy", LongTermKey.md5("legacy", REALM, PASSWORD), null, START));
        Request request = new Request().username("legacy").nonce(nonce())
                .passwordAlgorithms(PasswordAlgorithm.SHA256, PasswordAlgorithm.MD5)
                .passwordAlgorithm(PasswordAlgorithm.SHA256)
                .integritySha256(LongTermKey.sha256("legacy", REALM, PASSWORD));

        AuthResult result = authenticator.authenticate(request.build(), CLIENT);

        assertEquals(Outcome.UNAUTHORIZED, result.outcome());
        assertEquals(AuthEvent.UNKNOWN_USER, result.event());
    }

    @Test
    void shouldAuthenticateAnMd5OnlyUserThatChoosesMd5() {
        byte[] md5 = LongTermKey.md5("legacy", REALM, PASSWORD);
        store.putUser(new UserKeys(REALM, "legacy", md5, null, START));
        Request request = new Request().username("legacy").nonce(nonce())
                .passwordAlgorithms(PasswordAlgorithm.SHA256, PasswordAlgorithm.MD5)
                .passwordAlgorithm(PasswordAlgorithm.MD5).integritySha256(md5);

        assertEquals(Outcome.OK, authenticator.authenticate(request.build(), CLIENT).outcome());
    }

    // ---- TURN REST API

    private Authenticator restApi(String... secrets) {
        return authenticator(AuthSettings.restApi(REALM, List.of(secrets)));
    }

    private Request restRequest(String username, String secret) {
        byte[] key = LongTermKey.md5(username, REALM, RestApiCredentials.password(secret, username));
        return md5Request(username, key);
    }

    private static String restUsername(long secondsFromStart) {
        return (START.getEpochSecond() + secondsFromStart) + ":alice";
    }

    @Test
    void shouldAuthenticateAValidRestApiUsername() {
        AuthResult result = restApi("north").authenticate(restRequest(restUsername(3600), "north").build(), CLIENT);

        assertEquals(Outcome.OK, result.outcome());
        assertEquals(restUsername(3600), result.username());
    }

    @Test
    void shouldAuthenticateWithTheSecondSecretDuringRotation() {
        Request request = restRequest(restUsername(3600), "old");

        assertEquals(Outcome.OK, restApi("new", "old").authenticate(request.build(), CLIENT).outcome());
    }

    @Test
    void shouldAuthenticateWithASecretOfTheStore() {
        store.addSecret(REALM, "stored");
        Request request = restRequest(restUsername(3600), "stored");

        assertEquals(Outcome.OK, restApi("north").authenticate(request.build(), CLIENT).outcome());
    }

    @Test
    void shouldAnswerUnauthorizedToAnExpiredRestApiUsernameWithoutCountingAGuess() {
        Authenticator rest = restApi("north");
        for (int i = 0; i < MAX_FAILURES + 1; i++) {
            AuthResult result = rest.authenticate(restRequest(restUsername(-1), "north").build(), CLIENT);

            assertEquals(Outcome.UNAUTHORIZED, result.outcome());
            assertEquals(AuthEvent.EXPIRED_USERNAME, result.event());
        }
        assertEquals(0, rest.count(AuthEvent.RATE_LIMITED));
    }

    @Test
    void shouldAnswerUnauthorizedToARestApiPasswordOfAnUnknownSecret() {
        Request request = restRequest(restUsername(3600), "guessed");

        assertEquals(AuthEvent.BAD_INTEGRITY, restApi("north").authenticate(request.build(), CLIENT).event());
    }

    @Test
    void shouldAcceptStoredUsersAndRestApiUsernamesInBothMode() {
        authenticator = authenticator(new AuthSettings(REALM, AuthSettings.Mode.BOTH, ':',
                AuthSettings.DEFAULT_PASSWORD_ALGORITHMS, List.of("north"), false));

        assertEquals(Outcome.OK, authenticator.authenticate(md5Request("alice", alice.md5Key()).build(), CLIENT)
                .outcome());
        assertEquals(Outcome.OK, authenticator.authenticate(restRequest(restUsername(60), "north").build(), CLIENT)
                .outcome());
    }

    // ---- rate limiting

    /** {@code times} wrong passwords for {@code username}, each refused with a 401. */
    private void failAs(String username, int times) {
        for (int i = 0; i < times; i++) {
            assertEquals(Outcome.UNAUTHORIZED, authenticator.authenticate(md5Request(username, WRONG_KEY).build(),
                    CLIENT).outcome());
        }
    }

    @Test
    void shouldAnswerABlockedUserWithAChallengeInsteadOfDroppingTheRequest() {
        failAs("alice", MAX_FAILURES);
        Request request = md5Request("alice", alice.md5Key());

        AuthResult result = authenticator.authenticate(request.build(), CLIENT);

        assertEquals(Outcome.RATE_LIMITED, result.outcome());
        assertEquals(401, result.errorCode());
        assertEquals("Unauthenticated", result.reason());
        assertNull(result.username());
        StunMessage response = respond(result, request.build());
        assertEquals(REALM, string(response, StunAttributeType.REALM));
        assertEquals(NonceService.Check.VALID, nonces.check(string(response, StunAttributeType.NONCE), CLIENT));
        assertTrue(response.hasAttribute(StunAttributeType.PASSWORD_ALGORITHMS));
        assertFalse(response.hasAttribute(StunAttributeType.MESSAGE_INTEGRITY));
        assertEquals(1, authenticator.count(AuthEvent.RATE_LIMITED));
        assertEquals(MAX_FAILURES, authenticator.count(AuthEvent.BAD_INTEGRITY));
    }

    @Test
    void shouldNotLookUpABlockedUser() {
        AtomicInteger lookups = new AtomicInteger();
        authenticator = authenticator(AuthSettings.longTerm(REALM), countingLookups(lookups));
        failAs("alice", MAX_FAILURES);
        int lookupsBefore = lookups.get();

        AuthResult result = authenticator.authenticate(md5Request("alice", alice.md5Key()).build(), CLIENT);

        assertEquals(Outcome.RATE_LIMITED, result.outcome());
        assertEquals(MAX_FAILURES, lookupsBefore);
        assertEquals(lookupsBefore, lookups.get());
    }

    @Test
    void shouldAuthenticateAnotherUserOfTheSameSourceWhileOneIsBlocked() {
        failAs("mallory", MAX_FAILURES);
        assertEquals(Outcome.RATE_LIMITED, authenticator.authenticate(md5Request("mallory", WRONG_KEY).build(),
                CLIENT).outcome());

        AuthResult result = authenticator.authenticate(md5Request("alice", alice.md5Key()).build(), CLIENT);

        assertEquals(Outcome.OK, result.outcome());
    }

    @Test
    void shouldLimitAnAnonymousUserByItsUserhash() {
        authenticator = authenticator(AuthSettings.longTerm(REALM).withUsernameAnonymity(true));
        byte[] userHash = UserHash.of("alice", REALM);
        for (int i = 0; i < MAX_FAILURES; i++) {
            Request guess = new Request().userHash(userHash).nonce(nonce()).integrity(WRONG_KEY);
            assertEquals(AuthEvent.BAD_INTEGRITY, authenticator.authenticate(guess.build(), CLIENT).event());
        }

        Request request = new Request().userHash(userHash).nonce(nonce()).integrity(alice.md5Key());

        assertEquals(AuthEvent.RATE_LIMITED, authenticator.authenticate(request.build(), CLIENT).event());
        assertEquals(Outcome.OK, authenticator.authenticate(md5Request("alice", alice.md5Key()).build(), CLIENT)
                .outcome());
    }

    @Test
    void shouldBlockTheWholeSourceAfterFailuresAcrossManyUsernames() {
        for (int i = 0; i < MAX_FAILURES * AuthRateLimiter.SOURCE_LIMIT_FACTOR; i++) {
            failAs("user" + i, 1);
        }

        AuthResult result = authenticator.authenticate(md5Request("alice", alice.md5Key()).build(), CLIENT);

        assertEquals(Outcome.RATE_LIMITED, result.outcome());
        InetSocketAddress neighbourNetwork = new InetSocketAddress("127.0.0.2", 40000);
        Request fromElsewhere = new Request().username("alice").nonce(nonces.issue(neighbourNetwork))
                .integrity(alice.md5Key());
        assertEquals(Outcome.OK, authenticator.authenticate(fromElsewhere.build(), neighbourNetwork).outcome());
    }

    @Test
    void shouldStillChallengeARequestWithoutIntegrityFromABlockedSource() {
        for (int i = 0; i < MAX_FAILURES * AuthRateLimiter.SOURCE_LIMIT_FACTOR; i++) {
            failAs("user" + i, 1);
        }

        AuthResult result = authenticator.authenticate(new Request().build(), CLIENT);

        assertEquals(AuthEvent.CHALLENGED, result.event());
        assertEquals(0, authenticator.count(AuthEvent.RATE_LIMITED));
    }

    @Test
    void shouldServeTheUserAgainAfterTheWindow() {
        failAs("alice", MAX_FAILURES);

        clock.advance(Duration.ofMinutes(1));

        assertEquals(Outcome.OK, authenticator.authenticate(md5Request("alice", alice.md5Key()).build(), CLIENT)
                .outcome());
    }

    /** The test's store, counting the user lookups made in it. */
    private CredentialStore countingLookups(AtomicInteger lookups) {
        return (CredentialStore) Proxy.newProxyInstance(CredentialStore.class.getClassLoader(),
                new Class<?>[] {CredentialStore.class}, (proxy, method, args) -> {
                    if (method.getName().startsWith("user")) {
                        lookups.incrementAndGet();
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    // ---- helpers

    /** Builds a validated Allocate request, as a client would send it. */
    private static final class Request {
        private String username;
        private byte[] userHash;
        private String realm = REALM;
        private String nonce;
        private int[] passwordAlgorithms;
        private int passwordAlgorithm = -1;
        private byte[] integrityKey;
        private byte[] integritySha256Key;

        Request username(String value) {
            username = value;
            return this;
        }

        Request userHash(byte[] value) {
            userHash = value;
            return this;
        }

        Request realm(String value) {
            realm = value;
            return this;
        }

        Request nonce(String value) {
            nonce = value;
            return this;
        }

        Request passwordAlgorithms(int... values) {
            passwordAlgorithms = values;
            return this;
        }

        Request passwordAlgorithm(int value) {
            passwordAlgorithm = value;
            return this;
        }

        Request integrity(byte[] key) {
            integrityKey = key;
            return this;
        }

        Request integritySha256(byte[] key) {
            integritySha256Key = key;
            return this;
        }

        StunMessage build() {
            ByteBuf out = Unpooled.buffer();
            StunMessageEncoder encoder = new StunMessageEncoder().wrap(out)
                    .header(StunMessageType.of(StunMethod.ALLOCATE, StunClass.REQUEST), new byte[12])
                    .addRequestedTransport(StunAttributes.TRANSPORT_UDP);
            if (username != null) {
                encoder.addString(StunAttributeType.USERNAME, username);
            }
            if (userHash != null) {
                encoder.addBytes(StunAttributeType.USERHASH, userHash);
            }
            if (realm != null) {
                encoder.addString(StunAttributeType.REALM, realm);
            }
            if (nonce != null) {
                encoder.addString(StunAttributeType.NONCE, nonce);
            }
            if (passwordAlgorithms != null) {
                encoder.addPasswordAlgorithms(passwordAlgorithms);
            }
            if (passwordAlgorithm >= 0) {
                encoder.addPasswordAlgorithm(passwordAlgorithm);
            }
            if (integrityKey != null) {
                encoder.addMessageIntegrity(integrityKey);
            }
            if (integritySha256Key != null) {
                encoder.addMessageIntegritySha256(integritySha256Key);
            }
            encoder.addFingerprint().finish();
            return validated(out);
        }
    }

    /** Encodes the response a handler would send for {@code result}, and reads it back. */
    private static StunMessage respond(AuthResult result, StunMessage request) {
        ByteBuf out = Unpooled.buffer();
        int stunClass = result.errorCode() == 0 ? StunClass.SUCCESS_RESPONSE : StunClass.ERROR_RESPONSE;
        StunMessageEncoder encoder = new StunMessageEncoder().wrap(out)
                .header(StunMessageType.of(StunMethod.ALLOCATE, stunClass), request);
        if (result.errorCode() != 0) {
            encoder.addErrorCode(result.errorCode(), result.reason());
        }
        result.writeChallenge(encoder);
        result.writeIntegrity(encoder);
        encoder.addFingerprint().finish();
        return validated(out);
    }

    private static StunMessage validated(ByteBuf out) {
        StunMessage message = new StunMessage().wrap(out, 0, out.readableBytes());
        assertEquals(StunValidation.VALID, message.validate());
        return message;
    }

    private static String string(StunMessage message, int type) {
        int attr = message.findAttribute(type);
        assertTrue(attr >= 0, () -> StunAttributeType.name(type) + " missing");
        return StunAttributes.string(message, attr);
    }
}
