package io.turnkit.store.credential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import io.turnkit.stun.UserHash;

/**
 * What every credential store does, run against each kind ({@link FileCredentialStoreContractTest},
 * {@link RedisCredentialStoreContractTest}): a subclass says where a fresh, empty store lives.
 */
abstract class CredentialStoreContract {
    static final String REALM = "example.org";
    static final Instant ADDED = Instant.parse("2025-01-01T00:00:00Z");
    /** How soon a running server must see a change made by another process. */
    static final Duration PROPAGATION = Duration.ofSeconds(2);

    /** A fresh, empty store's location; the same for every call within one test. */
    abstract StoreLocation location();

    /** The store at {@link #location()} with secrets dated by {@code clock}. */
    abstract CredentialStore open(Clock clock) throws IOException;

    CredentialStore open() throws IOException {
        return CredentialStores.open(location());
    }

    static UserKeys user(String name) {
        return UserKeys.fromPassword(REALM, name, "secret-of-" + name, ADDED);
    }

    @Test
    void shouldAddAUserOnlyWhenTheNameIsFree() throws IOException {
        try (CredentialStore store = open(); CredentialStore other = open()) {
            assertTrue(store.addUser(user("alice")));
            assertFalse(other.addUser(user("alice")), "the name is taken, whichever store asks");
            assertTrue(other.addUser(user("bob")));
            assertEquals(user("alice"), store.user(REALM, "alice").orElseThrow());
        }
    }

    @Test
    void shouldReadBackAUserItPut() throws IOException {
        try (CredentialStore store = open()) {
            store.putUser(user("alice"));

            assertEquals(user("alice"), store.user(REALM, "alice").orElseThrow());
            assertEquals(List.of(user("alice")), store.users());
        }
    }

    @Test
    void shouldKeepWhatItWroteAcrossAReopen() throws IOException {
        UserKeys md5Only = new UserKeys(REALM, "legacy", user("legacy").md5Key(), null, ADDED);
        UserKeys sha256Only = new UserKeys(REALM, "modern", null, user("modern").sha256Key(), ADDED);
        try (CredentialStore store = open()) {
            store.putUser(user("alice"));
            store.putUser(md5Only);
            store.putUser(sha256Only);
            store.addSecret(REALM, "shared secret");
        }

        try (CredentialStore reopened = open()) {
            assertEquals(Set.of(user("alice"), md5Only, sha256Only), Set.copyOf(reopened.users()));
            assertEquals(List.of("shared secret"), reopened.secrets(REALM));
        }
    }

    @Test
    void shouldKeepNamesWithSpacesSlashesAndGlobCharacters() throws IOException {
        String name = "jo smith/%ü*?[x]";
        UserKeys odd = UserKeys.fromPassword("realm/with space", name, "pw", ADDED);
        try (CredentialStore store = open()) {
            store.putUser(odd);
        }

        try (CredentialStore reopened = open()) {
            assertEquals(odd, reopened.user("realm/with space", name).orElseThrow());
            assertEquals(List.of(odd), reopened.users());
        }
    }

    @Test
    void shouldReplaceTheKeysOfAUserPutAgain() throws IOException {
        UserKeys newAlice = new UserKeys(REALM, "alice", null, user("other").sha256Key(), ADDED.plusSeconds(1));
        try (CredentialStore store = open()) {
            store.putUser(user("alice"));
            store.putUser(newAlice);

            assertEquals(newAlice, store.user(REALM, "alice").orElseThrow());
        }
        try (CredentialStore reopened = open()) {
            assertEquals(List.of(newAlice), reopened.users());
        }
    }

    @Test
    void shouldDeleteAUserOnce() throws IOException {
        try (CredentialStore store = open()) {
            store.putUser(user("alice"));
            store.putUser(user("bob"));

            assertTrue(store.deleteUser(REALM, "alice"));
            assertFalse(store.deleteUser(REALM, "alice"));
            assertTrue(store.user(REALM, "alice").isEmpty());
        }
        try (CredentialStore reopened = open()) {
            assertEquals(List.of(user("bob")), reopened.users());
        }
    }

    @Test
    void shouldFindAUserByItsUserHashInItsRealmOnly() throws IOException {
        try (CredentialStore store = open()) {
            store.putUser(user("alice"));

            assertEquals(user("alice"), store.userByHash(REALM, UserHash.of("alice", REALM)).orElseThrow());
            assertTrue(store.userByHash(REALM, UserHash.of("bob", REALM)).isEmpty());
            assertTrue(store.user("other.org", "alice").isEmpty());
        }
    }

    @Test
    void shouldListSecretsNewestFirst() throws IOException {
        Clock earlier = Clock.fixed(ADDED, ZoneOffset.UTC);
        Clock later = Clock.fixed(ADDED.plusSeconds(60), ZoneOffset.UTC);
        try (CredentialStore first = open(later)) {
            first.addSecret(REALM, "newer");
        }
        try (CredentialStore second = open(earlier)) {
            second.addSecret(REALM, "older");
            second.addSecret("other.org", "elsewhere");

            assertEquals(List.of("newer", "older"), second.secrets(REALM));
        }
        try (CredentialStore reopened = open()) {
            assertEquals(List.of("newer", "older"), reopened.secrets(REALM));
        }
    }

    @Test
    void shouldKeepTheFirstTimeOfASecretAddedTwice() throws IOException {
        try (CredentialStore store = open(Clock.fixed(ADDED, ZoneOffset.UTC))) {
            store.addSecret(REALM, "first");
        }
        try (CredentialStore store = open(Clock.fixed(ADDED.plusSeconds(60), ZoneOffset.UTC))) {
            store.addSecret(REALM, "second");
            store.addSecret(REALM, "first");

            assertEquals(List.of("second", "first"), store.secrets(REALM));
        }
    }

    @Test
    void shouldDeleteASecretOnce() throws IOException {
        try (CredentialStore store = open()) {
            store.addSecret(REALM, "s1");
            store.addSecret(REALM, "s2");

            assertTrue(store.deleteSecret(REALM, "s1"));
            assertFalse(store.deleteSecret(REALM, "s1"));
            assertEquals(List.of("s2"), store.secrets(REALM));
        }
        try (CredentialStore reopened = open()) {
            assertEquals(List.of("s2"), reopened.secrets(REALM));
        }
    }

    @Test
    void shouldSeeAUserAddedThroughASecondStoreWithinTwoSeconds() throws IOException {
        try (CredentialStore server = open(); CredentialStore admin = open()) {
            assertTrue(server.user(REALM, "alice").isEmpty());

            admin.putUser(user("alice"));

            assertEquals(Optional.of(user("alice")), awaitPresent(() -> server.user(REALM, "alice")));
        }
    }

    @Test
    void shouldSeeAUserDeletedAndASecretAddedThroughASecondStoreWithinTwoSeconds() throws IOException {
        try (CredentialStore server = open(); CredentialStore admin = open()) {
            admin.putUser(user("alice"));
            awaitPresent(() -> server.user(REALM, "alice"));

            admin.deleteUser(REALM, "alice");
            admin.addSecret(REALM, "rotated");

            Optional<CredentialStore> updated = awaitPresent(() -> Optional.of(server)
                    .filter(s -> s.user(REALM, "alice").isEmpty() && !s.secrets(REALM).isEmpty()));
            assertTrue(updated.isPresent(), "not seen within " + PROPAGATION);
            assertEquals(List.of("rotated"), server.secrets(REALM));
        }
    }

    /** Polls {@code lookup} until it finds something or {@link #PROPAGATION} has passed; returns the last answer. */
    static <T> Optional<T> awaitPresent(Supplier<Optional<T>> lookup) {
        long deadline = System.nanoTime() + PROPAGATION.toNanos();
        Optional<T> found = lookup.get();
        while (found.isEmpty() && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            found = lookup.get();
        }
        return found;
    }
}
