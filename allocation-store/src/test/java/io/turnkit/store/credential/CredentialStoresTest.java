package io.turnkit.store.credential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialStoresTest {
    @TempDir
    Path dir;

    @Test
    void shouldNameTheFileAndLineOfACorruptFileOnce() throws IOException {
        Path file = dir.resolve("userdb").toAbsolutePath();
        Files.write(file, List.of(CredentialRecords.HEADER, "user broken"));

        IOException e = assertThrows(IOException.class, () -> CredentialStores.open(StoreLocation.file(file)));

        assertEquals("cannot read file " + file + ":2: expected 'user <realm> <name> ...'", e.getMessage());
    }

    @Test
    void shouldNameAFileThatIsNotText() throws IOException {
        Path file = dir.resolve("userdb").toAbsolutePath();
        Files.write(file, new byte[] {(byte) 0xC3, (byte) 0x28});

        IOException e = assertThrows(IOException.class, () -> CredentialStores.open(StoreLocation.file(file)));

        assertEquals("cannot read file " + file + ": not UTF-8 text", e.getMessage());
    }
}
