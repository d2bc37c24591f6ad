package io.turnkit.store.credential;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.turnkit.stun.UserHash;

class FileCredentialStoreTest {
    private static final String REALM = "example.org";
    private static final Instant ADDED = Instant.parse("2025-01-01T00:00:00Z");

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("credentials").resolve("users.db");
    }

    private static UserKeys user(String name) {
        return UserKeys.fromPassword(REALM, name, "secret-of-" + name, ADDED);
    }

    @Test
    void shouldReadBackWhatItWrote() throws IOException {
        UserKeys alice = user("alice");
        UserKeys spaced = user("jo smith%ü");
        UserKeys md5Only = new UserKeys(REALM, "legacy", alice.md5Key(), null, ADDED);
        try (FileCredentialStore store = FileCredentialStore.open(file())) {
            store.putUser(alice);
            store.putUser(spaced);
            store.putUser(md5Only);
            store.addSecret(REALM, "shared secret");
        }

        try (FileCredentialStore reopened = FileCredentialStore.open(file())) {
            assertEquals(List.of(alice, spaced, md5Only), reopened.users());
            assertEquals(spaced, reopened.user(REALM, "jo smith%ü").orElseThrow());
            assertEquals(List.of("shared secret"), reopened.secrets(REALM));
        }
    }

    @Test
    void shouldWriteTheDocumentedFormat() throws IOException {
        try (FileCredentialStore store = FileCredentialStore.open(file())) {
            store.putUser(new UserKeys(REALM, "a b", new byte[16], null, ADDED));
        }

        assertEquals(List.of(CredentialRecords.HEADER,
                "user example.org a%20b md5=00000000000000000000000000000000 added=2025-01-01T00:00:00Z"),
                Files.readAllLines(file()));
    }

    @Test
    void shouldFindAUserByItsUserHash() throws IOException {
        try (FileCredentialStore store = FileCredentialStore.open(file())) {
            store.putUser(user("alice"));

            assertEquals("alice", store.userByHash(REALM, UserHash.of("alice", REALM)).orElseThrow().username());
            assertTrue(store.userByHash(REALM, UserHash.of("bob", REALM)).isEmpty());
        }
    }

    @Test
    void shouldTreatAMissingFileAsAnEmptyStoreWithoutCreatingIt() throws IOException {
        try (FileCredentialStore store = FileCredentialStore.open(file())) {
            assertTrue(store.users().isEmpty());
            assertTrue(store.user(REALM, "alice").isEmpty());
            assertTrue(store.secrets(REALM).isEmpty());
        }
        assertFalse(Files.exists(file().getParent()));
    }

    @Test
    void shouldCreateTheFileOwnerOnly() throws IOException {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        try (FileCredentialStore store = FileCredentialStore.open(file())) {
            store.putUser(user("alice"));
        }

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file())));
    }

    @Test
    void shouldRefuseACorruptLineNamingTheFileAndLine() throws IOException {
        Files.createDirectories(file().getParent());
        Files.write(file(), List.of(CredentialRecords.HEADER, "# note", "user example.org alice md5=zz added=x"));

        IOException e = assertThrows(IOException.class, () -> FileCredentialStore.open(file()));

        assertTrue(e.getMessage().startsWith(file() + ":3: "), e.getMessage());
    }

    @Test
    void shouldRefuseAnotherFormatVersion() throws IOException {
        Files.createDirectories(file().getParent());
        Files.write(file(), List.of("turnkit-credentials 2"));

        IOException e = assertThrows(IOException.class, () -> FileCredentialStore.open(file()));

        assertTrue(e.getMessage().contains(":1: unsupported format"), e.getMessage());
    }

    @Test
    void shouldRefuseADuplicateUser() throws IOException {
        Files.createDirectories(file().getParent());
        String line = "user example.org alice md5=00000000000000000000000000000000 added=2025-01-01T00:00:00Z";
        Files.write(file(), List.of(CredentialRecords.HEADER, line, line));

        IOException e = assertThrows(IOException.class, () -> FileCredentialStore.open(file()));

        assertTrue(e.getMessage().contains(":3: duplicate user"), e.getMessage());
    }

    @Test
    void shouldKeepCommentsAcrossWrites() throws IOException {
        Files.createDirectories(file().getParent());
        Files.write(file(), List.of(CredentialRecords.HEADER, "# ops team, see ticket 42", ""));
        try (FileCredentialStore store = FileCredentialStore.open(file())) {
            store.putUser(user("alice"));
        }

        List<String> lines = Files.readAllLines(file());
        assertEquals(List.of(CredentialRecords.HEADER, "# ops team, see ticket 42", ""), lines.subList(0, 3));
        assertTrue(lines.get(3).startsWith("user example.org alice "), lines.get(3));
    }

    @Test
    void shouldReplaceTheKeysOfAUserAddedAgain() throws IOException {
        try (FileCredentialStore store = FileCredentialStore.open(file())) {
            store.putUser(user("alice"));
            store.putUser(user("bob"));
            UserKeys newAlice = UserKeys.fromPassword(REALM, "alice", "new password", ADDED);
            store.putUser(newAlice);

            assertEquals(List.of(newAlice, user("bob")), store.users());
        }
    }

    @Test
    void shouldDeleteUsersAndSecrets() throws IOException {
        try (FileCredentialStore store = FileCredentialStore.open(file())) {
            store.putUser(user("alice"));
            store.addSecret(REALM, "s1");

            assertTrue(store.deleteUser(REALM, "alice"));
            assertFalse(store.deleteUser(REALM, "alice"));
            assertTrue(store.deleteSecret(REALM, "s1"));
            assertFalse(store.deleteSecret(REALM, "s1"));
            assertTrue(store.users().isEmpty());
            assertTrue(store.secrets(REALM).isEmpty());
        }
    }

    @Test
    void shouldListSecretsNewestFirst() throws IOException {
        Clock earlier = Clock.fixed(ADDED, ZoneOffset.UTC);
        Clock later = Clock.fixed(ADDED.plusSeconds(60), ZoneOffset.UTC);
        try (FileCredentialStore first = FileCredentialStore.open(file(), later);
                FileCredentialStore second = FileCredentialStore.open(file(), earlier)) {
            first.addSecret(REALM, "newer");
            second.addSecret(REALM, "older");

            assertEquals(List.of("newer", "older"), second.secrets(REALM));
        }
    }

    @Test
    void shouldLandConcurrentWritesFromTwoThreads() throws Exception {
        int perThread = 25;
        ExecutorService threads = Executors.newFixedThreadPool(2);
        CountDownLatch start = new CountDownLatch(1);
        try (FileCredentialStore a = FileCredentialStore.open(file());
                FileCredentialStore b = FileCredentialStore.open(file())) {
            List<Future<?>> writers = new ArrayList<>();
            for (FileCredentialStore store : List.of(a, b)) {
                String prefix = store == a ? "a" : "b";
                writers.add(threads.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        store.putUser(user(prefix + i));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> writer : writers) {
                writer.get(30, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }

        try (FileCredentialStore store = FileCredentialStore.open(file())) {
            assertEquals(2 * perThread, store.users().size());
        }
    }

    @Test
    void shouldLandConcurrentWritesFromTwoProcesses() throws Exception {
        int perProcess = 20;
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<Process> processes = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        for (String prefix : List.of("p", "q")) {
            Path log = dir.resolve(prefix + ".log");
            logs.add(log);
            processes.add(new ProcessBuilder(java.toString(), "-cp", classPath,
                    CredentialWriterMain.class.getName(), file().toString(), prefix, Integer.toString(perProcess))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start());
        }
        for (int i = 0; i < processes.size(); i++) {
            Process process = processes.get(i);
            Path log = logs.get(i);
            boolean exited = process.waitFor(60, TimeUnit.SECONDS);
            if (!exited) {
                process.destroyForcibly();
            }
            assertTrue(exited && process.exitValue() == 0, () -> "writer failed: " + read(log));
        }

        try (FileCredentialStore store = FileCredentialStore.open(file())) {
            assertEquals(2 * perProcess, store.users().size());
            assertTrue(store.user(REALM, "p" + (perProcess - 1)).isPresent());
            assertTrue(store.user(REALM, "q" + (perProcess - 1)).isPresent());
        }
    }

    @Test
    void shouldIgnoreAndCleanUpAPartialTempFileLeftByACrash() throws IOException {
        try (FileCredentialStore store = FileCredentialStore.open(file())) {
            store.putUser(user("alice"));
        }
        Path partial = file().resolveSibling(".users.db.4711.tmp");
        Files.writeString(partial, "turnkit-credentials 1\nuser example.org bob md5=00", StandardCharsets.UTF_8);

        try (FileCredentialStore store = FileCredentialStore.open(file())) {
            assertEquals(List.of(user("alice")), store.users());
            store.putUser(user("carol"));
            assertEquals(List.of(user("alice"), user("carol")), store.users());
        }
        assertFalse(Files.exists(partial));
        try (Stream<Path> files = Files.list(file().getParent())) {
            assertEquals(List.of("users.db", "users.db.lock"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void shouldSeeAUserAddedByAnotherWriterWithinTwoSeconds() throws IOException, InterruptedException {
        try (FileCredentialStore server = FileCredentialStore.open(file());
                FileCredentialStore admin = FileCredentialStore.open(file())) {
            assertTrue(server.user(REALM, "alice").isEmpty());

            admin.putUser(user("alice"));

            long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (server.user(REALM, "alice").isEmpty() && System.nanoTime() - deadline < 0) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
            assertArrayEquals(user("alice").md5Key(), server.user(REALM, "alice").orElseThrow().md5Key());
        }
    }

    @Test
    void shouldKeepServingTheLastGoodSnapshotWhenTheFileTurnsCorrupt() throws IOException {
        try (FileCredentialStore server = FileCredentialStore.open(file())) {
            server.putUser(user("alice"));
            Files.write(file(), List.of(CredentialRecords.HEADER, "user broken"));

            server.refresh();

            assertTrue(server.user(REALM, "alice").isPresent());
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
