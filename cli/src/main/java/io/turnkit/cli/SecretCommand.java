package io.turnkit.cli;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

import io.turnkit.store.credential.CredentialStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code turnkit secret add|delete|list}: the TURN REST API shared secrets of a realm in the user database. A
 * realm may have several at once, so a secret can be rotated: add the new one, move the web service to it, delete
 * the old one once the credentials it signed have expired. The server tries the newest first.
 */
@Command(name = "secret",
        mixinStandardHelpOptions = true,
        versionProvider = ManifestVersion.class,
        description = "Add, delete and list the TURN REST API shared secrets of a realm.",
        subcommands = {SecretCommand.Add.class, SecretCommand.Delete.class, SecretCommand.ListSecrets.class})
public final class SecretCommand extends CommandGroup {
    /** 256 bits: as strong as the HMAC-SHA1 key can use (its block is 512 bits, its output 160). */
    static final int GENERATED_BYTES = 32;

    /** What every secret subcommand works on: one realm of one store. */
    abstract static class RealmSecrets extends StoreCommand {
        @Mixin
        RealmOption realm;
    }

    @Command(name = "add", mixinStandardHelpOptions = true, versionProvider = ManifestVersion.class,
            description = "Add a secret to the realm. Without SECRET, a random one is made and printed, alone on "
                    + "its line.")
    static final class Add extends RealmSecrets {
        @Parameters(arity = "0..1", paramLabel = "SECRET",
                description = "The secret; better left out, since a command line is visible to other users.")
        String secret;

        @Override
        public Integer call() {
            String realmName = realm.realm();
            String added = secret != null ? secret : generate();
            try (CredentialStore credentials = store.open()) {
                if (credentials.secrets(realmName).contains(added)) {
                    throw new CommandFailure("realm " + realmName + " has this secret already in "
                            + store.describe());
                }
                store.edit(() -> credentials.addSecret(realmName, added));
            }
            println(secret != null ? "added a secret to realm " + realmName : added);
            return 0;
        }

        private static String generate() {
            byte[] bytes = new byte[GENERATED_BYTES];
            new SecureRandom().nextBytes(bytes);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, versionProvider = ManifestVersion.class,
            description = "Delete a secret of the realm; credentials it signed are refused from then on.")
    static final class Delete extends RealmSecrets {
        @Parameters(paramLabel = "SECRET", description = "The secret, as 'secret list' prints it.")
        String secret;

        @Override
        public Integer call() {
            String realmName = realm.realm();
            try (CredentialStore credentials = store.open()) {
                if (!store.write(() -> credentials.deleteSecret(realmName, secret))) {
                    throw new CommandFailure("realm " + realmName + " has no such secret in " + store.describe());
                }
            }
            println("deleted a secret of realm " + realmName);
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = ManifestVersion.class,
            description = "Print the secrets of the realm, one a line, newest (the one the server tries first) "
                    + "first.")
    static final class ListSecrets extends RealmSecrets {
        @Override
        public Integer call() {
            String realmName = realm.realm();
            List<String> secrets;
            try (CredentialStore credentials = store.openExisting()) {
                secrets = credentials.secrets(realmName);
            }
            secrets.forEach(this::println);
            if (secrets.isEmpty()) {
                // Said on stderr, so that stdout stays the list; the usual cause is a realm left to its default.
                spec.commandLine().getErr().println("turnkit: realm " + realmName + " has no secrets in "
                        + store.describe() + (realm.given() ? "" : " (the realm defaults to the host name; "
                        + "--realm names another)"));
            }
            return 0;
        }
    }
}
