package io.turnkit.ice.driver;

import java.util.Objects;

import javax.net.ssl.TrustManagerFactory;

import io.turnkit.ice.stun.ServerUri;
import io.turnkit.ice.stun.TransportProtocol;

/**
 * A TURN server to allocate a relayed candidate on (RFC 8445 §5.1.1.2), with the user's long-term credentials.
 *
 * @param uri      {@code turn:} over UDP or TCP, {@code turns:} over TLS (RFC 7065; {@link ServerUri#parseTurn})
 * @param username the long-term credential's username
 * @param password its password
 * @param trust    for {@code turns:}, the trust to check the server's certificate with; null for the JDK's default
 *                 trust store, which also checks that the certificate names the URI's host (RFC 6125)
 */
public record RelayServer(ServerUri uri, String username, String password, TrustManagerFactory trust) {
    public RelayServer {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        if (!uri.scheme().startsWith(ServerUri.TURN)) {
            throw new IllegalArgumentException("a relay needs a turn: or turns: URI: " + uri);
        }
    }

    /** A server whose TLS certificate, if any, the JDK's default trust store checks. */
    public RelayServer(ServerUri uri, String username, String password) {
        this(uri, username, password, null);
    }

    TransportProtocol transport() {
        return uri.transport();
    }
}
