package io.turnkit.server.auth;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import io.turnkit.store.credential.CredentialStore;
import io.turnkit.store.credential.UserKeys;
import io.turnkit.stun.UserHash;

/**
 * Users the server makes for itself, in memory only, answered before its store: the one-time user of a run
 * that starts with nobody to let in ({@link OneTimeUser}), and the short-lived users the admin page's "test
 * this server" panel gets when no REST API secret is there to sign credentials with. Their passwords are random
 * (128 bits); a minted user is let in until its time is up. Thread-safe.
 */
public final class MintedUsers {
    /** Never expires: the one-time user lasts the whole run. */
    public static final long FOREVER = Long.MAX_VALUE;
    /** Enough for every operator's browser tab; a page that asks for more gets none until some expire. */
    private static final int MAX_MINTED = 1000;

    private final Map<String, Minted> byName = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;
    private final SecureRandom random = new SecureRandom();

    private record Minted(UserKeys keys, byte[] userHash, long expiresAtNanos) {
        boolean isLive(long nowNanos) {
            return expiresAtNanos == FOREVER || nowNanos - expiresAtNanos < 0;
        }
    }

    /** A user name and its password, as handed out. */
    public record Credential(String username, String password) {
    }

    public MintedUsers(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /**
     * Makes a user named {@code prefix} and random hex, with a random password, let in for {@code lifetimeNanos}
     * ({@link #FOREVER} for the run); null when {@value #MAX_MINTED} users are live already.
     */
    public Credential mint(String realm, String prefix, long lifetimeNanos) {
        long now = nanoTime.getAsLong();
        byName.values().removeIf(minted -> !minted.isLive(now));
        if (byName.size() >= MAX_MINTED) {
            return null;
        }
        HexFormat hex = HexFormat.of();
        String username = prefix + hex.formatHex(bytes(4));
        String password = hex.formatHex(bytes(16));
        UserKeys keys = UserKeys.fromPassword(realm, username, password, Instant.now());
        byName.put(key(realm, keys.username()), new Minted(keys, UserHash.of(keys.username(), realm),
                lifetimeNanos == FOREVER ? FOREVER : now + lifetimeNanos));
        return new Credential(keys.username(), password);
    }

    private byte[] bytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static String key(String realm, String username) {
        return realm + '\0' + username;
    }

    private UserKeys live(String realm, String username) {
        Minted minted = byName.get(key(realm, username));
        return minted != null && minted.isLive(nanoTime.getAsLong()) ? minted.keys : null;
    }

    private UserKeys liveByHash(String realm, byte[] hash) {
        long now = nanoTime.getAsLong();
        for (Minted minted : byName.values()) {
            if (minted.keys.realm().equals(realm) && Arrays.equals(minted.userHash, hash) && minted.isLive(now)) {
                return minted.keys;
            }
        }
        return null;
    }

    /** {@code store}, with the minted users answered first; writes and secrets go to {@code store}. */
    public CredentialStore over(CredentialStore store) {
        return new CredentialStore() {
            @Override
            public Optional<UserKeys> user(String realm, String username) {
                UserKeys minted = live(realm, username);
                return minted != null ? Optional.of(minted) : store.user(realm, username);
            }

            @Override
            public Optional<UserKeys> userByHash(String realm, byte[] hash) {
                UserKeys minted = liveByHash(realm, hash);
                return minted != null ? Optional.of(minted) : store.userByHash(realm, hash);
            }

            @Override
            public List<String> secrets(String realm) {
                return store.secrets(realm);
            }

            @Override
            public void putUser(UserKeys user) throws IOException {
                store.putUser(user);
            }

            @Override
            public boolean addUser(UserKeys user) throws IOException {
                return store.addUser(user);
            }

            @Override
            public boolean deleteUser(String realm, String username) throws IOException {
                return store.deleteUser(realm, username);
            }

            @Override
            public List<UserKeys> users() {
                List<UserKeys> users = new ArrayList<>(store.users());
                long now = nanoTime.getAsLong();
                byName.values().stream().filter(minted -> minted.isLive(now)).forEach(minted -> users.add(minted.keys));
                return users;
            }

            @Override
            public void addSecret(String realm, String secret) throws IOException {
                store.addSecret(realm, secret);
            }

            @Override
            public boolean deleteSecret(String realm, String secret) throws IOException {
                return store.deleteSecret(realm, secret);
            }

            @Override
            public void close() {
                store.close();
            }
        };
    }
}
