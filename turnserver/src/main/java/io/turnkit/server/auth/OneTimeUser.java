package io.turnkit.server.auth;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import io.turnkit.server.config.ServerConfig;
import io.turnkit.server.relay.RelayAddresses;
import io.turnkit.server.transport.TransportAddresses;
import io.turnkit.store.credential.CredentialStore;
import io.turnkit.store.credential.UserKeys;
import io.turnkit.stun.UserHash;

/**
 * A server started with nobody in its store lets in one more user for this run only and prints it, with
 * the {@code iceServers} entry a WebRTC app pastes, so {@code turnkit serve} works out of the box. The
 * password is random (128 bits) and lives in memory only; the store stays in charge of everyone else.
 */
public final class OneTimeUser {
    private final String where;
    private final String password;
    private final UserKeys keys;
    private final byte[] userHash;

    public OneTimeUser(String realm, String where) {
        SecureRandom random = new SecureRandom();
        HexFormat hex = HexFormat.of();
        this.where = where;
        String username = "turnkit-" + hex.formatHex(bytes(random, 4));
        this.password = hex.formatHex(bytes(random, 16));
        this.keys = UserKeys.fromPassword(realm, username, password, Instant.now());
        this.userHash = UserHash.of(keys.username(), realm);
    }

    /** {@code store}, with this user answered first; writes and secrets go to {@code store}. */
    public CredentialStore over(CredentialStore store) {
        return new CredentialStore() {
            @Override
            public Optional<UserKeys> user(String realm, String username) {
                return isMe(realm) && keys.username().equals(username) ? Optional.of(keys) : store.user(realm, username);
            }

            @Override
            public Optional<UserKeys> userByHash(String realm, byte[] hash) {
                return isMe(realm) && Arrays.equals(userHash, hash) ? Optional.of(keys) : store.userByHash(realm, hash);
            }

            @Override
            public List<String> secrets(String realm) {
                return store.secrets(realm);
            }

            @Override
            public void putUser(UserKeys user) throws IOException {
                store.putUser(user);
            }

            @Override
            public boolean addUser(UserKeys user) throws IOException {
                return store.addUser(user);
            }

            @Override
            public boolean deleteUser(String realm, String username) throws IOException {
                return store.deleteUser(realm, username);
            }

            @Override
            public List<UserKeys> users() {
                List<UserKeys> users = new ArrayList<>(store.users());
                users.add(keys);
                return users;
            }

            @Override
            public void addSecret(String realm, String secret) throws IOException {
                store.addSecret(realm, secret);
            }

            @Override
            public boolean deleteSecret(String realm, String secret) throws IOException {
                return store.deleteSecret(realm, secret);
            }

            @Override
            public void close() {
                store.close();
            }
        };
    }

    private boolean isMe(String realm) {
        return keys.realm().equals(realm);
    }

    /** Prints the user and an iceServers entry naming an address the server listens on ({@link #text}). */
    public void print(List<InetSocketAddress> listening, ServerConfig config) {
        System.out.println(text(listening, config));
    }

    /**
     * The user and an iceServers entry: an address the server listens on, IPv4 and not loopback if it can, or the
     * public address an {@code external-ip} maps it to; a URL per transport the server listens on.
     */
    public String text(List<InetSocketAddress> listening, ServerConfig config) {
        InetSocketAddress shown = listening.stream()
                .filter(a -> a.getAddress() instanceof Inet4Address && !a.getAddress().isLoopbackAddress())
                .findFirst().orElse(listening.isEmpty() ? null : listening.get(0));
        String url = "turn:" + (shown == null ? "YOUR_SERVER_ADDRESS:3478"
                : TransportAddresses.format(new RelayAddresses(List.of(), List.of(), config.externalIps(),
                        config.allocationDefaultAddressFamily()).advertised(shown)));
        List<String> urls = new ArrayList<>();
        if (!config.noUdp()) {
            urls.add("\"" + url + "?transport=udp\"");
        }
        if (!config.noTcp()) {
            urls.add("\"" + url + "?transport=tcp\"");
        }
        return """
                No users in %s for realm %s: this run also accepts a one-time user.
                  username: %s
                  password: %s
                Paste into your WebRTC app (use the address your clients reach):
                  iceServers: [{ "urls": [%s], "username": "%s", "credential": "%s" }]
                Add lasting users with: turnkit user add --realm %s -u NAME
                """.formatted(where, keys.realm(), keys.username(), password, String.join(", ", urls),
                keys.username(), password, keys.realm());
    }

    private static byte[] bytes(SecureRandom random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }
}
