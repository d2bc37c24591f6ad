package io.turnkit.store.credential;

import java.time.Instant;
import java.util.Objects;

/** A TURN REST API shared secret of one realm, and when it was added (newer secrets are tried first). */
public record SecretEntry(String realm, String secret, Instant added) {
    public SecretEntry {
        if (realm == null || realm.isEmpty() || secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("realm and secret must not be empty");
        }
        Objects.requireNonNull(added, "added");
    }

    public boolean sameAs(String otherRealm, String otherSecret) {
        return realm.equals(otherRealm) && secret.equals(otherSecret);
    }

    /** Never prints the secret itself. */
    @Override
    public String toString() {
        return "SecretEntry[realm=" + realm + ", added=" + added + "]";
    }
}
