package io.turnkit.store.credential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.turnkit.stun.UserHash;

class InMemoryCredentialStoreTest {
    private static final String REALM = "example.org";
    private static final Instant ADDED = Instant.parse("2025-01-01T00:00:00Z");

    @Test
    void shouldFindAUserByNameAndByHashInItsRealmOnly() {
        InMemoryCredentialStore store = new InMemoryCredentialStore();
        UserKeys alice = UserKeys.fromPassword(REALM, "alice", "pw", ADDED);
        store.putUser(alice);

        assertEquals(alice, store.user(REALM, "alice").orElseThrow());
        assertEquals(alice, store.userByHash(REALM, UserHash.of("alice", REALM)).orElseThrow());
        assertTrue(store.user("other.org", "alice").isEmpty());
    }

    @Test
    void shouldListSecretsNewestFirst() {
        MutableClock clock = new MutableClock();
        InMemoryCredentialStore store = new InMemoryCredentialStore(clock);
        store.addSecret(REALM, "first");
        clock.now = clock.now.plusSeconds(1);
        store.addSecret(REALM, "second");
        store.addSecret(REALM, "second");

        assertEquals(List.of("second", "first"), store.secrets(REALM));
    }

    @Test
    void shouldDeleteWhatItHas() {
        InMemoryCredentialStore store = new InMemoryCredentialStore();
        store.putUser(UserKeys.fromPassword(REALM, "alice", "pw", ADDED));
        store.addSecret(REALM, "s");

        assertTrue(store.deleteUser(REALM, "alice"));
        assertFalse(store.deleteUser(REALM, "alice"));
        assertTrue(store.deleteSecret(REALM, "s"));
        assertTrue(store.users().isEmpty());
        assertTrue(store.secrets(REALM).isEmpty());
    }

    /** A clock the test moves by hand. */
    private static final class MutableClock extends Clock {
        Instant now = ADDED;

        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
