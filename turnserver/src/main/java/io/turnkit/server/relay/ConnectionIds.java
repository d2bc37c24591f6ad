package io.turnkit.server.relay;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The server's peer data connections that wait for a ConnectionBind (RFC 6062 §5.2, §5.3), by CONNECTION-ID.
 * The ConnectionBind comes on a new client connection, which any event loop may have accepted, so this table
 * is shared; it is touched once per connection, never per byte. Ids are random, so a client cannot guess
 * another's.
 */
public final class ConnectionIds {
    private final ConcurrentHashMap<Integer, PeerConnection> pending = new ConcurrentHashMap<>();

    /** Files {@code connection} under a new CONNECTION-ID, which it returns. */
    int add(PeerConnection connection) {
        while (true) {
            int id = ThreadLocalRandom.current().nextInt();
            if (pending.putIfAbsent(id, connection) == null) {
                return id;
            }
        }
    }

    /** The peer data connection waiting under {@code id}, or null. */
    public PeerConnection pending(long id) {
        return pending.get((int) id);
    }

    /**
     * Takes {@code connection} out of the table for the one ConnectionBind that binds it: false when it is gone
     * already (bound by another, closed, or timed out).
     */
    public boolean claim(PeerConnection connection) {
        return pending.remove(connection.id(), connection);
    }

    /** How many wait now. */
    public int size() {
        return pending.size();
    }
}
