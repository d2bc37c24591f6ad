package io.turnkit.cli;

import io.turnkit.server.config.Auth;
import io.turnkit.server.config.ServerConfig;
import io.turnkit.stun.OpaqueString;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code -r/--realm}: the realm credentials belong to, by default serve's own default, the host name. */
final class RealmOption {
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = {"-r", "--realm"}, paramLabel = "REALM",
            description = "Realm, as serve's --realm. Default: the host name.")
    String realm;

    /**
     * The realm given, or serve's default. It is checked as serve checks it, and as key derivation prepares it
     * (OpaqueString, RFC 8489 §9.2.2), so that a realm no key can be made for is refused up front.
     */
    String realm() {
        if (realm == null) {
            return hostName();
        }
        try {
            // The message starts with the setting's name, "realm: …"; the command line's is --realm.
            Auth.checkRealm(realm);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(command.commandLine(), "--" + e.getMessage());
        }
        try {
            OpaqueString.prepare(realm);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(command.commandLine(), "--realm: " + e.getMessage());
        }
        return realm;
    }

    /** True when {@code --realm} was given, rather than left to its default. */
    boolean given() {
        return realm != null;
    }

    /** The host name, as serve takes it for its default realm: asked of ServerConfig so both agree. */
    static String hostName() {
        return ServerConfig.builder().build().auth().realm();
    }
}
