package io.turnkit.store.credential;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;

/** Opens the credential store a {@link StoreLocation} names: the one way servers and admin commands get one. */
public final class CredentialStores {
    private CredentialStores() {
    }

    /**
     * Opens the store; IOException with a message naming the store when it is unreachable or unreadable:
     * {@code cannot reach redis://127.0.0.1:6390/0: Connection refused}, {@code cannot read file
     * /var/lib/turnkit/userdb:3: duplicate user}. The message is complete on its own: callers print it as it is.
     */
    public static CredentialStore open(StoreLocation location) throws IOException {
        if (location.isRedis()) {
            return RedisCredentialStore.open(location);
        }
        try {
            return FileCredentialStore.open(location.userdb());
        } catch (IOException e) {
            throw new IOException(fileProblem(location, e), e);
        }
    }

    /** What went wrong with the file, said once: parse errors already start with the file's path. */
    private static String fileProblem(StoreLocation location, IOException e) {
        String path = location.userdb().toAbsolutePath().normalize().toString();
        String message = e.getMessage() == null ? "" : e.getMessage();
        if (message.startsWith(path + ":")) {
            return "cannot read file " + message;
        }
        String reason = e instanceof AccessDeniedException ? "permission denied"
                : e instanceof CharacterCodingException ? "not UTF-8 text"
                : e instanceof FileSystemException fs && fs.getReason() != null ? fs.getReason()
                : message.isEmpty() ? e.getClass().getSimpleName() : message;
        return "cannot read " + location.describe() + ": " + reason;
    }
}
