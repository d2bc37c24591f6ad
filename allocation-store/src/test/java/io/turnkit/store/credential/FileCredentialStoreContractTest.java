package io.turnkit.store.credential;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;

import org.junit.jupiter.api.io.TempDir;

/** The credential store contract, run against the embedded file. */
class FileCredentialStoreContractTest extends CredentialStoreContract {
    @TempDir
    Path dir;

    @Override
    StoreLocation location() {
        return StoreLocation.file(dir.resolve("credentials").resolve("users.db"));
    }

    @Override
    CredentialStore open(Clock clock) throws IOException {
        return FileCredentialStore.open(location().userdb(), clock);
    }
}
