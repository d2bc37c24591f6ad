package io.turnkit.cli;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

import io.turnkit.server.ServerStartException;

/**
 * A command that could not do what was asked (an unreadable user database, a user that does not exist): the
 * message is the one line {@code turnkit} prints, and the exit code is 1. A command line that is wrong is a
 * {@link picocli.CommandLine.ParameterException} instead, with exit code 2.
 */
final class CommandFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CommandFailure(String message) {
        super(message);
    }

    private CommandFailure(String message, Throwable cause) {
        super(message, cause);
    }

    /** {@code "<what>: <reason>"}, e.g. "cannot open user database /x/y: permission denied". */
    static CommandFailure because(String what, IOException cause) {
        return new CommandFailure(what + ": " + reason(cause), cause);
    }

    /**
     * A server that could not start: its message names what failed and why ("cannot listen on udp
     * 0.0.0.0:3478: Address already in use").
     */
    static CommandFailure because(ServerStartException cause) {
        return new CommandFailure(cause.getMessage(), cause);
    }

    /** The reason in a few words; a file system error names its file, which the caller has named already. */
    static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof CharacterCodingException) {
            return "not UTF-8 text";
        }
        if (e instanceof FileSystemException fileSystem && fileSystem.getReason() != null) {
            return fileSystem.getReason();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
