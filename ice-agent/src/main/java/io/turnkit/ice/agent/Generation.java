package io.turnkit.ice.agent;

import java.nio.charset.StandardCharsets;

/**
 * The credentials of one ICE session, from the start or from a restart (RFC 8445 §9) to the next: the local ones,
 * and the peer's once signalled. Pairs keep the generation they were checked in, so that a pair selected before a
 * restart keeps its consent checks going with its own credentials until a new pair replaces it.
 */
final class Generation {
    final IceCredentials local;
    final byte[] localKey;
    /** The USERNAME of a check addressed to us starts with these bytes: "LFRAG:" (RFC 8445 §7.2.2). */
    final byte[] usernamePrefix;
    IceCredentials remote;
    byte[] remoteKey;
    /** The USERNAME of our checks: "RFRAG:LFRAG" (RFC 8445 §7.2.2). */
    String username;

    Generation(IceCredentials local) {
        this.local = local;
        localKey = local.key();
        usernamePrefix = (local.ufrag() + ':').getBytes(StandardCharsets.UTF_8);
    }

    void remote(IceCredentials credentials) {
        remote = credentials;
        remoteKey = credentials.key();
        username = credentials.ufrag() + ':' + local.ufrag();
    }

    boolean hasRemote() {
        return remote != null;
    }
}
