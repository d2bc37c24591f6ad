package io.turnkit.server.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;

import io.turnkit.server.policy.PeerPolicy.Verdict;

class PeerPolicyTest {

    @ParameterizedTest(name = "{0} [{1}] is {2}: {3}")
    @CsvFileSource(resources = "peer-verdicts.csv")
    void shouldJudgePeerAsTheTableSays(String peer, String options, Verdict expected, String what) {
        PeerPolicy policy = policy(options);
        byte[] bytes = IpLiteral.parseBytes(peer);
        Verdict onTheWire = bytes.length == 4
                ? policy.checkIpv4(IpLiteral.ipv4Bits(bytes, 0))
                : policy.checkIpv6(IpLiteral.ipv6Half(bytes, 0), IpLiteral.ipv6Half(bytes, 8));

        assertEquals(expected, onTheWire, what + " (address bits)");
        assertEquals(expected, policy.check(IpLiteral.parse(peer)), what + " (InetAddress)");
    }

    @Test
    void shouldAllowPublicPeersByDefault() throws Exception {
        assertTrue(PeerPolicy.defaults().isAllowed(InetAddress.getByName("8.8.8.8")));
    }

    @Test
    void shouldDenyLoopbackPeersByDefault() throws Exception {
        assertFalse(PeerPolicy.defaults().isAllowed(InetAddress.getByName("127.0.0.1")));
    }

    @Test
    void shouldNotAllocateWhenCheckingIpv4Peers() throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        PeerPolicy policy = new PeerPolicy(false, List.of(AddressRange.parse("10.1.2.3")),
                List.of(AddressRange.parse("8.8.4.0/24")));
        InetAddress[] peers = {InetAddress.getByName("8.8.8.8"), InetAddress.getByName("10.1.2.3"),
            InetAddress.getByName("192.168.1.1"), InetAddress.getByName("8.8.4.4")};
        int allowed = 0;
        for (int i = 0; i < 20_000; i++) {
            allowed += policy.check(peers[i & 3]).isAllowed() ? 1 : 0;
        }

        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 100_000; i++) {
            allowed += policy.check(peers[i & 3]).isAllowed() ? 1 : 0;
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        // One object per check would be 1.6 MB or more; the JVM's own bookkeeping may add a few bytes.
        assertTrue(allocated < 1024, "bytes allocated by 100 000 IPv4 checks: " + allocated);
        assertEquals(60_000, allowed);
    }

    /** Options as the table writes them: {@code loopback}, {@code allow=RANGE}, {@code deny=RANGE}. */
    private static PeerPolicy policy(String options) {
        boolean loopback = false;
        List<AddressRange> allowed = new ArrayList<>();
        List<AddressRange> denied = new ArrayList<>();
        for (String option : options == null ? new String[0] : options.trim().split(" +")) {
            if (option.equals("loopback")) {
                loopback = true;
            } else if (option.startsWith("allow=")) {
                allowed.add(AddressRange.parse(option.substring("allow=".length())));
            } else if (option.startsWith("deny=")) {
                denied.add(AddressRange.parse(option.substring("deny=".length())));
            } else {
                throw new IllegalArgumentException("unknown option in the table: " + option);
            }
        }
        return new PeerPolicy(loopback, allowed, denied);
    }
}
