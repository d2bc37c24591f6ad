package io.turnkit.store.credential;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Where the server finds long-term credentials (RFC 8489 §9.2) and TURN REST API secrets.
 *
 * <p>The readers ({@link #user}, {@link #userByHash}, {@link #secrets}) are called on event-loop threads for every
 * authenticated request: implementations answer from memory, without blocking and without copying. The writers are
 * for administration (the {@code turnkit user} and {@code turnkit secret} commands) and may block.
 */
public interface CredentialStore extends AutoCloseable {
    /** The keys of {@code username} in {@code realm}, as named by a USERNAME attribute. */
    Optional<UserKeys> user(String realm, String username);

    /**
     * The user whose USERHASH (RFC 8489 §14.4: SHA-256(OpaqueString(username) ":" OpaqueString(realm))) is
     * {@code userHash}; used when the client keeps its username anonymous.
     */
    Optional<UserKeys> userByHash(String realm, byte[] userHash);

    /** The TURN REST API shared secrets of {@code realm}, newest first (an immutable list). */
    List<String> secrets(String realm);

    /** Adds the user, or replaces the keys of a user with the same realm and username. */
    void putUser(UserKeys keys) throws IOException;

    /**
     * Adds the user unless the realm already has one of that name, as one step: of two writers adding the same
     * name at once, exactly one succeeds. False when the name was taken; nothing changes then.
     */
    boolean addUser(UserKeys keys) throws IOException;

    /** Removes a user; false when there was none. */
    boolean deleteUser(String realm, String username) throws IOException;

    /** Every user of every realm. */
    List<UserKeys> users();

    /** Adds a REST API secret to {@code realm}; adding a secret the realm already has changes nothing. */
    void addSecret(String realm, String secret) throws IOException;

    /** Removes a REST API secret; false when the realm did not have it. */
    boolean deleteSecret(String realm, String secret) throws IOException;

    /** Releases what the store holds; lookups after close are not supported. */
    @Override
    void close();
}
