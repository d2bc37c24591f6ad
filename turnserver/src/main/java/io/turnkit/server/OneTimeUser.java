package io.turnkit.server;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

import io.turnkit.store.credential.InMemoryCredentialStore;
import io.turnkit.store.credential.UserKeys;

/**
 * A server started with nobody to let in makes one user for this run only and prints it, with the
 * {@code iceServers} entry a WebRTC app pastes, so {@code turnkit serve} works out of the box. The
 * password is random (128 bits) and lives in memory only.
 */
final class OneTimeUser {
    private final String realm;
    private final String username;
    private final String password;
    private final String userdb;

    OneTimeUser(String realm, String userdb) {
        SecureRandom random = new SecureRandom();
        HexFormat hex = HexFormat.of();
        this.realm = realm;
        this.userdb = userdb;
        this.username = "turnkit-" + hex.formatHex(bytes(random, 4));
        this.password = hex.formatHex(bytes(random, 16));
    }

    InMemoryCredentialStore store() {
        InMemoryCredentialStore store = new InMemoryCredentialStore();
        store.putUser(UserKeys.fromPassword(realm, username, password, Instant.now()));
        return store;
    }

    /** Prints the user and an iceServers entry naming an address the server listens on, IPv4 and not loopback if it can. */
    void print(List<InetSocketAddress> listening) {
        InetSocketAddress shown = listening.stream()
                .filter(a -> a.getAddress() instanceof java.net.Inet4Address && !a.getAddress().isLoopbackAddress())
                .findFirst().orElse(listening.isEmpty() ? null : listening.get(0));
        String url = "turn:" + (shown == null ? "YOUR_SERVER_ADDRESS:3478" : TurnServer.format(shown));
        System.out.println("""
                No users in %s for realm %s: this run accepts a one-time user.
                  username: %s
                  password: %s
                Paste into your WebRTC app (use the address your clients reach):
                  iceServers: [{ "urls": ["%s?transport=udp", "%s?transport=tcp"], "username": "%s", "credential": "%s" }]
                Give lasting users with --user NAME:PASSWORD.
                """.formatted(userdb, realm, username, password, url, url, username, password));
    }

    private static byte[] bytes(SecureRandom random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }
}
