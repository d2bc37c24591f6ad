package io.turnkit.store.credential;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Credentials held in memory only: the users given with {@code --user name:password} and the secrets given with
 * {@code --static-auth-secret}. Writers are serialized; readers see an immutable snapshot swapped in whole.
 */
public final class InMemoryCredentialStore implements CredentialStore {
    private final Clock clock;
    /** Guarded by {@code this}. */
    private final CredentialRecords records = CredentialRecords.empty();
    private volatile CredentialSnapshot snapshot = CredentialSnapshot.EMPTY;

    public InMemoryCredentialStore() {
        this(Clock.systemUTC());
    }

    /** {@code clock} dates the secrets added, which orders them newest first. */
    public InMemoryCredentialStore(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Optional<UserKeys> user(String realm, String username) {
        return snapshot.user(realm, username);
    }

    @Override
    public Optional<UserKeys> userByHash(String realm, byte[] userHash) {
        return snapshot.userByHash(realm, userHash);
    }

    @Override
    public List<String> secrets(String realm) {
        return snapshot.secrets(realm);
    }

    @Override
    public List<UserKeys> users() {
        return snapshot.users();
    }

    @Override
    public synchronized void putUser(UserKeys keys) {
        records.putUser(keys);
        changed(true);
    }

    @Override
    public synchronized boolean addUser(UserKeys keys) {
        return changed(records.addUser(keys));
    }

    @Override
    public synchronized boolean deleteUser(String realm, String username) {
        return changed(records.deleteUser(realm, username));
    }

    @Override
    public synchronized void addSecret(String realm, String secret) {
        changed(records.addSecret(new SecretEntry(realm, secret, clock.instant())));
    }

    @Override
    public synchronized boolean deleteSecret(String realm, String secret) {
        return changed(records.deleteSecret(realm, secret));
    }

    @Override
    public void close() {
        // Nothing held outside the heap.
    }

    /** Publishes a new snapshot when the records changed. Called with {@code this} held. */
    private boolean changed(boolean changed) {
        if (changed) {
            snapshot = records.snapshot();
        }
        return changed;
    }
}
