package io.turnkit.store.cluster;

import java.util.List;

/**
 * One allocation as its node registers it in Redis for {@code turnkit sessions list} and every node's admin API:
 * who holds it, from where, and its relayed addresses. Stored as one field of the node's sessions hash (the
 * allocation's id) whose value is the rest, tab-separated; what another node wrote is read as hostile: a value that
 * does not parse is left out.
 *
 * @param node      the node holding it ({@code --node-id})
 * @param id        its id on that node: its first relayed port, as the node's admin API names it
 * @param user      the username it was made with
 * @param client    the client's transport address, {@code IP:PORT}
 * @param transport the client's transport to the server: udp, tcp, tls or dtls
 * @param relayed   its relayed transport addresses, the first one first
 * @param created   when it was made, Unix seconds
 */
public record ClusterSession(String node, int id, String user, String client, String transport, List<String> relayed,
        long created) {
    private static final String SEPARATOR = "\t";
    private static final int FIELDS = 5;
    /** Longer than any session's record; a longer value is refused unread. */
    private static final int MAX_VALUE_LENGTH = 4096;

    public ClusterSession {
        relayed = List.copyOf(relayed);
    }

    /** {@code NODE/ID}: names the session in the cluster, as {@code turnkit sessions kill} takes it. */
    public String clusterId() {
        return node + "/" + id;
    }

    /** Its age at {@code nowSeconds} (Unix seconds), never negative. */
    public long ageSeconds(long nowSeconds) {
        return Math.max(0, nowSeconds - created);
    }

    /** The value of its field in the node's sessions hash. */
    String value() {
        return String.join(SEPARATOR, user, client, transport, String.join(",", relayed), Long.toString(created));
    }

    /** The session {@code id} of {@code node} from its field's value, or null when it does not parse. */
    static ClusterSession parse(String node, String id, String value) {
        // Control characters other than the separator would reach an operator's terminal through the list.
        if (value == null || value.length() > MAX_VALUE_LENGTH
                || value.chars().anyMatch(c -> c < ' ' && c != '\t' || c == 127)) {
            return null;
        }
        String[] fields = value.split(SEPARATOR, -1);
        try {
            if (fields.length != FIELDS) {
                return null;
            }
            int port = Integer.parseInt(id);
            return new ClusterSession(node, port, fields[0], fields[1], fields[2],
                    fields[3].isEmpty() ? List.of() : List.of(fields[3].split(",")), Long.parseLong(fields[4]));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
