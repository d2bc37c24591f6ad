package io.turnkit.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.turnkit.cli.conf.ServeOption;
import io.turnkit.server.config.Auth;
import io.turnkit.store.credential.CredentialStore;
import io.turnkit.store.credential.CredentialStores;
import io.turnkit.store.credential.StoreLocation;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Where the users and REST API secrets are: the file {@code turnkit serve} reads ({@code --userdb}, same flag and
 * default as serve), or a Redis server several turnkit nodes share. Every command that reads or edits credentials
 * opens them here, so the flags, the default and the one-line error for a store that cannot be opened exist once.
 */
final class StoreOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = {"--userdb", "--db", "-b"}, paramLabel = "FILE",
            description = "User database file, as serve's --userdb. Default: ~/.local/share/turnkit/userdb.")
    Path userdb;

    @Option(names = {"--redis-userdb", "-N"}, paramLabel = "URI",
            description = "Redis database holding the users instead of the file, as serve's --redis-userdb: "
                    + "redis://HOST[:PORT][/DB] (rediss:// for TLS), coturn's \"ip=HOST port=PORT dbname=DB\", "
                    + "redis-sentinel://HOST[:PORT][,HOST[:PORT]]/[DB]#MASTER or redis-cluster://HOST[:PORT][,HOST[:PORT]].")
    String redisUserdb;

    @Option(names = "--redis-password", paramLabel = "PASSWORD",
            defaultValue = "${env:" + ServeOption.REDIS_PASSWORD_ENVIRONMENT + "}",
            description = "Password of the Redis server. Default: $" + ServeOption.REDIS_PASSWORD_ENVIRONMENT + ".")
    String redisPassword;

    @Option(names = "--redis-tls", description = "Reach the Redis server over TLS, as rediss:// does.")
    boolean redisTls;

    private StoreLocation location;

    /**
     * Opens the store.
     *
     * @throws CommandFailure naming the store when it cannot be read or reached
     */
    CredentialStore open() {
        try {
            return CredentialStores.open(location());
        } catch (IOException e) {
            // The message names the store and the reason already.
            throw CommandFailure.because("cannot open user database", e);
        }
    }

    /**
     * Opens the store for a command that only reads it. A {@code --userdb} file that does not exist is then a
     * mistake (a typo in the path), not an empty database: listing it would print nothing and exit 0.
     *
     * @throws CommandFailure naming the file
     */
    CredentialStore openExisting() {
        if (userdb != null && redisUserdb == null && !Files.exists(userdb)) {
            throw new CommandFailure("no user database file " + userdb + " ('turnkit user add' creates one)");
        }
        return open();
    }

    /** Runs a change of the store and returns its result; an I/O error becomes the line that names the store. */
    <T> T write(StoreWrite<T> write) {
        try {
            return write.run();
        } catch (IOException e) {
            throw CommandFailure.because("cannot write " + describe(), e);
        }
    }

    /** As {@link #write}, for a change that returns nothing. */
    void edit(StoreEdit edit) {
        write(() -> {
            edit.run();
            return null;
        });
    }

    /** A change of the store that may fail with an I/O error. */
    @FunctionalInterface
    interface StoreWrite<T> {
        T run() throws IOException;
    }

    /** A change of the store that may fail with an I/O error, and returns nothing. */
    @FunctionalInterface
    interface StoreEdit {
        void run() throws IOException;
    }

    /** The store as messages name it: "user database file /home/x/.local/share/turnkit/userdb". */
    String describe() {
        return "user database " + location().describe();
    }

    /** As serve decides it: Redis when --redis-userdb is given (the file is then not read), else the file. */
    private StoreLocation location() {
        if (location == null) {
            if (redisTls && redisUserdb == null) {
                throw usage("--redis-tls needs --redis-userdb");
            }
            location = redisUserdb != null ? redisLocation()
                    : StoreLocation.file(userdb != null ? userdb : Auth.defaultUserdb());
        }
        return location;
    }

    private StoreLocation redisLocation() {
        try {
            return StoreLocation.parseRedis(redisUserdb, redisPassword, redisTls);
        } catch (IllegalArgumentException e) {
            throw usage("--redis-userdb: " + e.getMessage());
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(command.commandLine(), message);
    }
}
