package io.turnkit.store.credential;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;

/**
 * A second process writing to a credential file, for {@link FileCredentialStoreTest}: adds users
 * {@code <prefix>0 .. <prefix><count - 1>} to realm "example.org", one write each.
 */
public final class CredentialWriterMain {
    private CredentialWriterMain() {
    }

    public static void main(String[] args) throws IOException {
        Path path = Path.of(args[0]);
        String prefix = args[1];
        int count = Integer.parseInt(args[2]);
        try (FileCredentialStore store = FileCredentialStore.open(path)) {
            for (int i = 0; i < count; i++) {
                store.putUser(UserKeys.fromPassword("example.org", prefix + i, "password", Instant.now()));
            }
        }
    }
}
