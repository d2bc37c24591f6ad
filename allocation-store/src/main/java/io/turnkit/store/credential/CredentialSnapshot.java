package io.turnkit.store.credential;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.turnkit.stun.UserHash;

/**
 * An immutable index of credentials, built once per change and swapped in whole, so that lookups from event-loop
 * threads read plain maps without locks.
 */
final class CredentialSnapshot {
    static final CredentialSnapshot EMPTY = of(List.of(), List.of());

    private final List<UserKeys> users;
    private final Map<String, Map<String, UserKeys>> usersByName;
    /** Keyed by the 32-byte USERHASH; a comparator map, so that a lookup needs no wrapper object. */
    private final Map<String, TreeMap<byte[], UserKeys>> usersByHash;
    private final Map<String, List<String>> secretsNewestFirst;

    private CredentialSnapshot(List<UserKeys> users, Map<String, Map<String, UserKeys>> usersByName,
            Map<String, TreeMap<byte[], UserKeys>> usersByHash, Map<String, List<String>> secretsNewestFirst) {
        this.users = users;
        this.usersByName = usersByName;
        this.usersByHash = usersByHash;
        this.secretsNewestFirst = secretsNewestFirst;
    }

    /** Indexes {@code users} and {@code secrets}; secrets added at the same instant keep the later one first. */
    static CredentialSnapshot of(List<UserKeys> users, List<SecretEntry> secrets) {
        Map<String, Map<String, UserKeys>> byName = new HashMap<>();
        Map<String, TreeMap<byte[], UserKeys>> byHash = new HashMap<>();
        for (UserKeys user : users) {
            byName.computeIfAbsent(user.realm(), realm -> new HashMap<>()).put(user.username(), user);
            byte[] hash = userHash(user);
            if (hash != null) {
                byHash.computeIfAbsent(user.realm(), realm -> new TreeMap<>(Arrays::compare)).put(hash, user);
            }
        }
        Map<String, List<SecretEntry>> entriesByRealm = new HashMap<>();
        for (int i = secrets.size() - 1; i >= 0; i--) {
            SecretEntry entry = secrets.get(i);
            entriesByRealm.computeIfAbsent(entry.realm(), realm -> new ArrayList<>()).add(entry);
        }
        Map<String, List<String>> secretsByRealm = new HashMap<>();
        entriesByRealm.forEach((realm, entries) -> {
            entries.sort(Comparator.comparing(SecretEntry::added).reversed());
            secretsByRealm.put(realm, entries.stream().map(SecretEntry::secret).toList());
        });
        return new CredentialSnapshot(List.copyOf(users), byName, byHash, secretsByRealm);
    }

    Optional<UserKeys> user(String realm, String username) {
        Map<String, UserKeys> realmUsers = usersByName.get(realm);
        return realmUsers == null ? Optional.empty() : Optional.ofNullable(realmUsers.get(username));
    }

    Optional<UserKeys> userByHash(String realm, byte[] userHash) {
        TreeMap<byte[], UserKeys> realmUsers = usersByHash.get(realm);
        return realmUsers == null ? Optional.empty() : Optional.ofNullable(realmUsers.get(userHash));
    }

    List<String> secrets(String realm) {
        return secretsNewestFirst.getOrDefault(realm, Collections.emptyList());
    }

    List<UserKeys> users() {
        return users;
    }

    /**
     * The USERHASH of a user, or null when OpaqueString refuses the username or realm: such a user can still be
     * found by USERNAME, only not anonymously.
     */
    private static byte[] userHash(UserKeys user) {
        try {
            return UserHash.of(user.username(), user.realm());
        } catch (IllegalArgumentException refusedByOpaqueString) {
            return null;
        }
    }
}
