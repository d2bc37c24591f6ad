package io.turnkit.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * coturn's {@code pidfile}: the process id, written when serve starts and removed when it stops, for init scripts
 * ({@code start-stop-daemon --pidfile}) that find the process by it.
 */
final class PidFile implements AutoCloseable {
    private final Path file;

    private PidFile(Path file) {
        this.file = file;
    }

    /**
     * Writes this process's id to {@code file}; null writes nothing.
     *
     * @throws IOException when the file cannot be written
     */
    static PidFile write(Path file) throws IOException {
        if (file != null) {
            Files.writeString(file, ProcessHandle.current().pid() + "\n", StandardCharsets.US_ASCII);
        }
        return new PidFile(file);
    }

    /** Removes the file, if there is one; a file already gone is no error. */
    @Override
    public void close() {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // Nothing more to do at stop: the next start overwrites it.
        }
    }
}
