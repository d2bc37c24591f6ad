package io.turnkit.store.cluster;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One node of a cluster as it registers itself in Redis: the addresses an ALTERNATE-SERVER naming it carries
 * (RFC 8489 §10), how full it is and whether it drains. Stored as the fields of a hash, every value a string;
 * what another node wrote is read as hostile: a record that does not parse is left out.
 *
 * @param id          the node's name ({@code --node-id})
 * @param draining    whether it refuses new allocations
 * @param allocations how many allocations it holds
 * @param capacity    how many it can hold (its total quota, else its relay ports)
 * @param plain       its advertised addresses for UDP and TCP clients
 * @param secure      its advertised addresses for TLS and DTLS clients
 */
public record ClusterMember(String id, boolean draining, long allocations, long capacity,
        List<InetSocketAddress> plain, List<InetSocketAddress> secure) {
    private static final String DRAINING = "draining";
    private static final String ALLOCATIONS = "allocations";
    private static final String CAPACITY = "capacity";
    private static final String PLAIN = "plain";
    private static final String SECURE = "secure";
    /** Longer than any list of addresses a node has; a longer field is refused unread. */
    private static final int MAX_FIELD_LENGTH = 4096;

    public ClusterMember {
        plain = List.copyOf(plain);
        secure = List.copyOf(secure);
    }

    /** Allocations held over capacity: 0 when empty, 1 when full (or with no capacity at all). */
    public double load() {
        return capacity <= 0 ? 1 : (double) allocations / capacity;
    }

    /** Whether it takes no more allocations: draining, or full. */
    public boolean closed() {
        return draining || allocations >= capacity;
    }

    Map<String, String> fields() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put(DRAINING, Boolean.toString(draining));
        fields.put(ALLOCATIONS, Long.toString(allocations));
        fields.put(CAPACITY, Long.toString(capacity));
        fields.put(PLAIN, format(plain));
        fields.put(SECURE, format(secure));
        return fields;
    }

    /** The member {@code id} from its hash's fields, or null when a field is missing or malformed. */
    static ClusterMember parse(String id, Map<String, String> fields) {
        try {
            return new ClusterMember(id, Boolean.parseBoolean(field(fields, DRAINING)),
                    Long.parseLong(field(fields, ALLOCATIONS)), Long.parseLong(field(fields, CAPACITY)),
                    addresses(field(fields, PLAIN)), addresses(field(fields, SECURE)));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String field(Map<String, String> fields, String name) {
        String value = fields.get(name);
        if (value == null || value.length() > MAX_FIELD_LENGTH) {
            throw new IllegalArgumentException(name);
        }
        return value;
    }

    private static String format(List<InetSocketAddress> addresses) {
        StringBuilder text = new StringBuilder();
        for (InetSocketAddress address : addresses) {
            String ip = address.getAddress().getHostAddress();
            text.append(text.isEmpty() ? "" : ",").append(ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip)
                    .append(':').append(address.getPort());
        }
        return text.toString();
    }

    /** {@code IP:PORT,[IPV6]:PORT}: IP literals only, so that reading a record never asks DNS. */
    private static List<InetSocketAddress> addresses(String text) {
        List<InetSocketAddress> addresses = new ArrayList<>();
        if (text.isEmpty()) {
            return addresses;
        }
        for (String item : text.split(",")) {
            int colon = item.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException(item);
            }
            String host = item.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            if (host.isEmpty() || !host.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
                throw new IllegalArgumentException(item);
            }
            int port = Integer.parseInt(item.substring(colon + 1));
            try {
                addresses.add(new InetSocketAddress(InetAddress.getByName(host), port));
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException(item, e);
            }
        }
        return addresses;
    }
}
