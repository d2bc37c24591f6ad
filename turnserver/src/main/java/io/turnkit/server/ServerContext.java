package io.turnkit.server;

import io.turnkit.server.auth.MintedUsers;
import io.turnkit.server.auth.OneTimeUser;
import io.turnkit.server.cluster.ClusterNode;
import io.turnkit.server.link.TcpConnections;
import io.turnkit.server.link.UdpListeners;
import io.turnkit.server.protocol.TurnServices;
import io.turnkit.store.credential.CredentialStore;
import io.turnkit.store.credential.InMemoryCredentialStore;
import io.turnkit.store.credential.RedisCredentialStore;
import io.turnkit.stun.StunValidation;

/**
 * The parts of one server that its links share, as {@link ServerContexts} built them, and what the server
 * itself keeps of them: the credential store it closes, and the one-time user it prints.
 *
 * @param oneTimeUser  the user made for this run when nobody else may log in, or null
 * @param minted       the users the server makes for itself, answered before the store
 * @param staticUsers  the users of --user options, or null when users come from the user database
 * @param udpListeners the listeners of RFC 5780's four addresses, or null without RFC 5780
 * @param cluster      this server as a node of a cluster, or null without --redis-statsdb
 * @param sharedUsers  the users of --redis-userdb, whose deletion closes their allocations; null without
 */
record ServerContext(TurnServices services, TcpConnections tcpConnections, CredentialStore credentials,
        OneTimeUser oneTimeUser, MintedUsers minted, InMemoryCredentialStore staticUsers, UdpListeners udpListeners,
        ClusterNode cluster, RedisCredentialStore sharedUsers) {

    /** How many received STUN messages validated to {@code validation}, on every event loop. */
    long validationCount(StunValidation validation) {
        return services.validation().get(validation);
    }

    int userCount() {
        String realm = services.settings().get().realm();
        return (int) credentials.users().stream().filter(u -> u.realm().equals(realm)).count();
    }

    void close() {
        if (cluster != null) {
            cluster.close();
        }
        credentials.close();
    }
}
