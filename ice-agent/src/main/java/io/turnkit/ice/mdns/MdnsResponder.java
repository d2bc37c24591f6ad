package io.turnkit.ice.mdns;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * The answering half of {@link MulticastDns} (RFC 6762 §6): it owns the names it made up for this host's addresses
 * and answers queries for those names, and for nothing else. A name is a UUID version 4 and {@code .local}
 * (draft-ietf-mmusic-mdns-ice-candidates §3.1.1): so unlikely to be taken that it is not probed for (§8.1 of RFC
 * 6762 leaves that to names that could collide).
 */
final class MdnsResponder {
    /** RFC 6762 §10: records with a host name in them live 120 s. */
    static final long HOST_RECORD_TTL_SECONDS = 120;
    /** RFC 6762 §6.7: a legacy unicast answer's TTL is at most 10 s. */
    static final long LEGACY_UNICAST_TTL_SECONDS = 10;

    private final MulticastDns mdns;
    private final RandomGenerator random;
    private final Map<String, InetAddress> addressByName = new HashMap<>();
    private final Map<InetAddress, String> nameByAddress = new HashMap<>();

    MdnsResponder(MulticastDns mdns, RandomGenerator random) {
        this.mdns = mdns;
        this.random = random;
    }

    String register(InetAddress address) {
        String name = nameByAddress.get(address);
        if (name == null) {
            name = uuidV4(random) + ".local";
            nameByAddress.put(address, name);
            addressByName.put(name, address);
        }
        return name;
    }

    /** Withdraws every name with a goodbye (RFC 6762 §10.1: the record again, TTL 0) so caches forget it now. */
    void withdrawAll() {
        addressByName.forEach((name, address) -> mdns.sendAnswer(MulticastDns.groupFor(address), 0, false, name,
            address, 0));
        addressByName.clear();
        nameByAddress.clear();
    }

    /**
     * A question of a query: answered when it asks for one of this host's names and its address family (A, AAAA or
     * ANY; another type gets nothing, as RFC 6762 §6.1's NSEC is not sent). A query from a port other than 5353 is a
     * legacy unicast one (§6.7), answered to its source with its ID and question; a question with the QU bit is
     * answered to its source (§5.4); any other to the group.
     */
    void question(String name, int type, boolean unicastResponse, int queryId, InetSocketAddress from) {
        InetAddress address = addressByName.get(name);
        if (address == null) {
            return;
        }
        int addressType = address instanceof Inet4Address ? DnsMessage.TYPE_A : DnsMessage.TYPE_AAAA;
        if (type != addressType && type != DnsMessage.TYPE_ANY) {
            return;
        }
        if (from.getPort() != MulticastDns.PORT) {
            mdns.sendAnswer(from, queryId, true, name, address, LEGACY_UNICAST_TTL_SECONDS);
        } else {
            mdns.sendAnswer(unicastResponse ? from : MulticastDns.groupFor(from.getAddress()), 0, false, name,
                address, HOST_RECORD_TTL_SECONDS);
        }
    }

    int size() {
        return addressByName.size();
    }

    /** RFC 4122 §4.4: 122 random bits, the version nibble 4 and the variant bits 10. */
    static String uuidV4(RandomGenerator random) {
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & ~(0xC000L << 48)) | (0x8000L << 48);
        return new java.util.UUID(high, low).toString();
    }
}
