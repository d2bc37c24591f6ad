package io.turnkit.store.credential;

import java.util.List;

/**
 * What a load of a shared store found gone since the load before: users and TURN REST API secrets deleted through
 * another store. A server closes the allocations they authenticated (revocation, docs/cluster.md).
 *
 * @param users   the users deleted
 * @param secrets the REST API secrets deleted, each with its realm
 */
public record RemovedCredentials(List<UserKeys> users, List<SecretEntry> secrets) {
    public RemovedCredentials {
        users = List.copyOf(users);
        secrets = List.copyOf(secrets);
    }

    public boolean isEmpty() {
        return users.isEmpty() && secrets.isEmpty();
    }
}
