package io.turnkit.server.auth;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import io.turnkit.server.config.ServerConfig;
import io.turnkit.server.relay.RelayAddresses;
import io.turnkit.server.transport.TransportAddresses;

/**
 * A server started with nobody in its store lets in one more user for this run only and prints it, with
 * the {@code iceServers} entry a WebRTC app pastes, so {@code turnkit serve} works out of the box. The
 * password is random (128 bits) and lives in memory only; the store stays in charge of everyone else.
 */
public final class OneTimeUser {
    private final String where;
    private final String realm;
    private final MintedUsers.Credential credential;

    /** Made among {@code users}, for the whole run. */
    public OneTimeUser(String realm, String where, MintedUsers users) {
        this.where = where;
        this.realm = realm;
        this.credential = users.mint(realm, "turnkit-", MintedUsers.FOREVER);
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
                : TransportAddresses.format(new RelayAddresses(List.of(), List.of(), config.relay().externalIps(),
                        config.relay().allocationDefaultAddressFamily()).advertised(shown)));
        List<String> urls = new ArrayList<>();
        if (!config.listeners().noUdp()) {
            urls.add("\"" + url + "?transport=udp\"");
        }
        if (!config.listeners().noTcp()) {
            urls.add("\"" + url + "?transport=tcp\"");
        }
        return """
                No users in %s for realm %s: this run also accepts a one-time user.
                  username: %s
                  password: %s
                Paste into your WebRTC app (use the address your clients reach):
                  iceServers: [{ "urls": [%s], "username": "%s", "credential": "%s" }]
                Add lasting users with: turnkit user add --realm %s -u NAME
                """.formatted(where, realm, credential.username(), credential.password(), String.join(", ", urls),
                credential.username(), credential.password(), realm);
    }
}
