package io.turnkit.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import io.turnkit.store.credential.CredentialStore;
import io.turnkit.store.credential.UserKeys;
import io.turnkit.stun.OpaqueString;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code turnkit user add|passwd|delete|list}: the users of the long-term credential mechanism (RFC 8489 §9.2) in
 * the user database {@code turnkit serve} reads. A running server sees a change within a second. The database
 * keeps the keys derived from a password (§9.2.2), never the password.
 */
@Command(name = "user",
        mixinStandardHelpOptions = true,
        versionProvider = ManifestVersion.class,
        description = "Add, change, delete and list users of the long-term credential mechanism.",
        subcommands = {UserCommand.Add.class, UserCommand.Passwd.class, UserCommand.Delete.class,
            UserCommand.ListUsers.class})
public final class UserCommand extends CommandGroup {
    /** What add, passwd and delete share: one user of one realm, in one store. */
    abstract static class OneUser extends StoreCommand {
        @Option(names = {"-u", "--user"}, required = true, paramLabel = "NAME", description = "The user name.")
        String user;

        @Mixin
        RealmOption realm;

        /** The user name as the store keys it and a client sends it: OpaqueString applied (RFC 8489 §14.3). */
        String username() {
            return opaque(user, "--user");
        }

        /** {@code value} prepared with OpaqueString (RFC 8265 §4.2), or a usage error naming {@code option}. */
        String opaque(String value, String option) {
            try {
                return OpaqueString.prepare(value);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), option + ": " + e.getMessage());
            }
        }

        CommandFailure exists(String username, String realmName) {
            return new CommandFailure("user " + username + " exists in realm " + realmName + " of "
                    + store.describe() + ": 'turnkit user passwd' changes the password");
        }

        CommandFailure noSuchUser(String username, String realmName) {
            return new CommandFailure("no user " + username + " in realm " + realmName + " of " + store.describe());
        }
    }

    /**
     * What add and passwd share: the user's keys are made from a new password, asked for once the user is known
     * to be absent (add) or present (passwd), and written in place of any old ones.
     */
    abstract static class NewPassword extends OneUser {
        @Mixin
        PasswordOptions password;

        @Option(names = "--algorithm", paramLabel = "ALGORITHM", defaultValue = "both",
                converter = KeyAlgorithms.Names.class, completionCandidates = KeyAlgorithms.Names.class,
                description = "Keys to keep: ${COMPLETION-CANDIDATES}. Browsers use md5. Default: ${DEFAULT-VALUE}.")
        KeyAlgorithms algorithms;

        /** What was done, with the user name and the realm for its two {@code %s}. */
        private final String done;

        NewPassword(String done) {
            this.done = done;
        }

        @Override
        public Integer call() {
            String realmName = realm.realm();
            String username = username();
            try (CredentialStore credentials = store.open()) {
                Instant added = added(credentials.user(realmName, username), username, realmName);
                String secret = opaque(password.password(username), "the password");
                UserKeys keys = algorithms.keep(UserKeys.fromPassword(realmName, username, secret, added));
                if (!store.write(() -> save(credentials, keys))) {
                    throw exists(username, realmName);
                }
                println(String.format(done, username, realmName) + " (" + KeyAlgorithms.of(keys) + ")");
            }
            return 0;
        }

        /**
         * When the user was added, given the user as the store has it now.
         *
         * @throws CommandFailure when the user is not as the command needs it
         */
        abstract Instant added(Optional<UserKeys> stored, String username, String realmName);

        /** Writes the keys; false when another writer took the name first (add only). */
        abstract boolean save(CredentialStore credentials, UserKeys keys) throws IOException;
    }

    @Command(name = "add", mixinStandardHelpOptions = true, versionProvider = ManifestVersion.class,
            description = "Add a user; 'user passwd' changes the password of one that exists.")
    static final class Add extends NewPassword {
        Add() {
            super("added user %s to realm %s");
        }

        @Override
        Instant added(Optional<UserKeys> stored, String username, String realmName) {
            if (stored.isPresent()) {
                throw exists(username, realmName);
            }
            return Instant.now();
        }

        @Override
        boolean save(CredentialStore credentials, UserKeys keys) throws IOException {
            // Checked again as the keys are written: another 'user add' of the same name may have come between.
            return credentials.addUser(keys);
        }
    }

    @Command(name = "passwd", mixinStandardHelpOptions = true, versionProvider = ManifestVersion.class,
            description = "Change the password of a user.")
    static final class Passwd extends NewPassword {
        Passwd() {
            super("changed the password of user %s in realm %s");
        }

        @Override
        Instant added(Optional<UserKeys> stored, String username, String realmName) {
            return stored.orElseThrow(() -> noSuchUser(username, realmName)).added();
        }

        @Override
        boolean save(CredentialStore credentials, UserKeys keys) throws IOException {
            credentials.putUser(keys);
            return true;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, versionProvider = ManifestVersion.class,
            description = "Delete a user; a running server refuses the user's next request.")
    static final class Delete extends OneUser {
        @Override
        public Integer call() {
            String realmName = realm.realm();
            String username = username();
            try (CredentialStore credentials = store.open()) {
                if (!store.write(() -> credentials.deleteUser(realmName, username))) {
                    throw noSuchUser(username, realmName);
                }
                println("deleted user " + username + " from realm " + realmName);
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = ManifestVersion.class,
            description = "List the users, by realm and name.")
    static final class ListUsers extends StoreCommand {
        private static final List<String> HEADINGS = List.of("USER", "REALM", "ALGORITHMS", "ADDED");

        @Option(names = {"-r", "--realm"}, paramLabel = "REALM", description = "Only the users of this realm.")
        String realm;

        @Override
        public Integer call() {
            List<List<String>> rows = new ArrayList<>();
            rows.add(HEADINGS);
            try (CredentialStore credentials = store.openExisting()) {
                credentials.users().stream()
                        .filter(user -> realm == null || user.realm().equals(realm))
                        .sorted(Comparator.comparing(UserKeys::realm).thenComparing(UserKeys::username))
                        .forEach(user -> rows.add(List.of(user.username(), user.realm(), KeyAlgorithms.of(user),
                                user.added().truncatedTo(ChronoUnit.SECONDS).toString())));
            }
            PrintWriter out = spec.commandLine().getOut();
            Table.print(rows, out);
            out.flush();
            return 0;
        }
    }
}
