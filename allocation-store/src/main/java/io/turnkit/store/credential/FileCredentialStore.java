package io.turnkit.store.credential;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded credential store ({@code --userdb PATH}): a UTF-8 text file that the server reads and the
 * {@code turnkit user} / {@code turnkit secret} commands edit, possibly while the server runs. The format:
 *
 * <pre>
 * turnkit-credentials 1
 * # blank lines and lines starting with '#' are kept as they are
 * user &lt;realm&gt; &lt;username&gt; [md5=&lt;32 hex&gt;] [sha256=&lt;64 hex&gt;] added=&lt;ISO-8601 instant&gt;
 * secret &lt;realm&gt; &lt;secret&gt; added=&lt;ISO-8601 instant&gt;
 * </pre>
 *
 * One record per line, fields separated by spaces or tabs; realm, username and secret are percent-encoded
 * ({@code %20}) when they contain '%', white space or control characters. {@code md5} and {@code sha256} are the
 * HMAC keys of RFC 8489 §9.2.2 / §18.5.1 (never passwords); a user needs at least one. The header names the format
 * version. A line that cannot be read fails {@link #open} with {@code path:line: problem}: users are never dropped
 * silently. A missing file is an empty store.
 *
 * <p><b>Writes</b> hold an exclusive {@link FileChannel#lock() lock} on the sibling file {@code <name>.lock}, re-read
 * the file inside the lock (so that two processes writing at once both land), write a temporary file in the same
 * directory, fsync it and rename it over the store ({@code ATOMIC_MOVE}): a reader sees the old file or the new one,
 * never half of one, and a temporary file left by a crash is deleted by the next write. Files are created with mode
 * 0600 where the file system is POSIX; the directory is created on the first write.
 *
 * <p><b>Reads</b> answer from an immutable snapshot. At most every {@value #CHECK_INTERVAL_MILLIS} ms a lookup
 * compares the file's modification time, size and identity (the rename gives it a new inode) with those of the
 * snapshot, and re-reads the file when they differ, so a running server sees a user added by another process within
 * a second. A file that became unreadable is logged once and the previous snapshot stays in use.
 */
public final class FileCredentialStore implements CredentialStore {
    static final long CHECK_INTERVAL_MILLIS = 500;
    private static final long CHECK_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(CHECK_INTERVAL_MILLIS);
    private static final String TEMP_SUFFIX = ".tmp";
    private static final Logger LOG = LoggerFactory.getLogger(FileCredentialStore.class);
    /** A file lock belongs to the whole JVM, so writers within one JVM also queue on a monitor per file. */
    private static final ConcurrentHashMap<Path, Object> WRITERS = new ConcurrentHashMap<>();

    private final Path path;
    private final Path lockPath;
    private final String tempPrefix;
    private final Clock clock;
    private final AtomicLong nextCheckNanos;
    private final AtomicReference<Loaded> loaded;

    /** A snapshot and the file state it was read from. */
    private record Loaded(CredentialSnapshot snapshot, FileStamp stamp) {
    }

    /** What a cheap stat tells about the file; equal stamps mean there is nothing new to read. */
    private record FileStamp(FileTime modified, long size, Object fileKey) {
        static final FileStamp ABSENT = new FileStamp(FileTime.fromMillis(0), -1, null);

        static FileStamp of(Path path) throws IOException {
            try {
                BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
                return new FileStamp(attributes.lastModifiedTime(), attributes.size(), attributes.fileKey());
            } catch (NoSuchFileException missing) {
                return ABSENT;
            }
        }
    }

    private FileCredentialStore(Path path, Clock clock, Loaded loaded) {
        this.path = path;
        this.lockPath = path.resolveSibling(path.getFileName() + ".lock");
        this.tempPrefix = "." + path.getFileName() + ".";
        this.clock = clock;
        this.nextCheckNanos = new AtomicLong(System.nanoTime() + CHECK_INTERVAL_NANOS);
        this.loaded = new AtomicReference<>(loaded);
    }

    /** Opens the store at {@code path}, reading it now; the file and its directory need not exist yet. */
    public static FileCredentialStore open(Path path) throws IOException {
        return open(path, Clock.systemUTC());
    }

    /** As {@link #open(Path)}; {@code clock} dates the secrets added, which orders them newest first. */
    public static FileCredentialStore open(Path path, Clock clock) throws IOException {
        Path absolute = path.toAbsolutePath().normalize();
        FileStamp stamp = FileStamp.of(absolute);
        CredentialSnapshot snapshot = CredentialRecords.read(absolute).snapshot();
        return new FileCredentialStore(absolute, clock, new Loaded(snapshot, stamp));
    }

    @Override
    public Optional<UserKeys> user(String realm, String username) {
        return snapshot().user(realm, username);
    }

    @Override
    public Optional<UserKeys> userByHash(String realm, byte[] userHash) {
        return snapshot().userByHash(realm, userHash);
    }

    @Override
    public List<String> secrets(String realm) {
        return snapshot().secrets(realm);
    }

    @Override
    public List<UserKeys> users() {
        return snapshot().users();
    }

    @Override
    public void putUser(UserKeys keys) throws IOException {
        edit(records -> {
            records.putUser(keys);
            return true;
        });
    }

    @Override
    public boolean addUser(UserKeys keys) throws IOException {
        return edit(records -> records.addUser(keys));
    }

    @Override
    public boolean deleteUser(String realm, String username) throws IOException {
        return edit(records -> records.deleteUser(realm, username));
    }

    @Override
    public void addSecret(String realm, String secret) throws IOException {
        SecretEntry entry = new SecretEntry(realm, secret, clock.instant());
        edit(records -> records.addSecret(entry));
    }

    @Override
    public boolean deleteSecret(String realm, String secret) throws IOException {
        return edit(records -> records.deleteSecret(realm, secret));
    }

    /**
     * Re-reads the file now if it changed since the snapshot was taken. Lookups call this on their own every
     * {@value #CHECK_INTERVAL_MILLIS} ms; a timer may call it to keep that work off event-loop threads.
     */
    public void refresh() {
        Loaded current = loaded.get();
        FileStamp stamp;
        try {
            stamp = FileStamp.of(path);
            if (stamp.equals(current.stamp())) {
                return;
            }
        } catch (IOException e) {
            LOG.warn("Cannot stat credential file {}: {}", path, e.toString());
            return;
        }
        CredentialSnapshot snapshot = current.snapshot();
        try {
            snapshot = CredentialRecords.read(path).snapshot();
        } catch (IOException e) {
            // Keep serving the users we know; the stamp is remembered so the same bad file is reported once.
            LOG.warn("Keeping the previous credentials: {}", e.getMessage());
        }
        // A writer in this process may have published a newer snapshot meanwhile: then it wins.
        loaded.compareAndSet(current, new Loaded(snapshot, stamp));
    }

    @Override
    public void close() {
        // No file is held open between calls.
    }

    private CredentialSnapshot snapshot() {
        long now = System.nanoTime();
        long due = nextCheckNanos.get();
        if (now - due >= 0 && nextCheckNanos.compareAndSet(due, now + CHECK_INTERVAL_NANOS)) {
            refresh();
        }
        return loaded.get().snapshot();
    }

    /** Applies {@code edit} (true when it changed something) to the file's latest content, under the lock. */
    private boolean edit(Predicate<CredentialRecords> edit) throws IOException {
        synchronized (WRITERS.computeIfAbsent(path, file -> new Object())) {
            Path directory = path.getParent();
            Files.createDirectories(directory);
            try (FileChannel lock = FileChannel.open(lockPath,
                    EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), ownerOnly())) {
                lock.lock(); // released when the channel closes
                deleteAbandonedTempFiles(directory);
                FileStamp stamp = FileStamp.of(path);
                CredentialRecords records = CredentialRecords.read(path);
                boolean changed = edit.test(records);
                if (changed) {
                    replace(directory, records.format());
                    stamp = FileStamp.of(path);
                }
                loaded.set(new Loaded(records.snapshot(), stamp));
                return changed;
            }
        }
    }

    /** Writes {@code text} to a temporary file, fsyncs it and renames it over the store. */
    private void replace(Path directory, String text) throws IOException {
        Path temp = Files.createTempFile(directory, tempPrefix, TEMP_SUFFIX, ownerOnly());
        try {
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    out.write(bytes);
                }
                out.force(true);
            }
            Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        syncDirectory(directory);
    }

    /** Makes the rename durable; some platforms cannot open a directory, and there the rename is still atomic. */
    private static void syncDirectory(Path directory) {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException unsupported) {
            LOG.debug("Cannot fsync directory {}: {}", directory, unsupported.toString());
        }
    }

    /** Temporary files of writers that died; called under the lock, when no live writer has one. */
    private void deleteAbandonedTempFiles(Path directory) throws IOException {
        DirectoryStream.Filter<Path> abandoned = file -> {
            String name = file.getFileName().toString();
            return name.startsWith(tempPrefix) && name.endsWith(TEMP_SUFFIX);
        };
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, abandoned)) {
            for (Path file : files) {
                Files.deleteIfExists(file);
            }
        }
    }

    private FileAttribute<?>[] ownerOnly() {
        if (!path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[0];
        }
        return new FileAttribute<?>[] {
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
        };
    }
}
