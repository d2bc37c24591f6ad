package io.turnkit.perf.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.net.InetAddress;
import java.net.UnknownHostException;

import org.junit.jupiter.api.Test;

class LoadRigAddressTest {
    @Test
    void shouldPutARunsClientsOnAnAddressOf127Dot3ForAnIpv4LoopbackServer() throws UnknownHostException {
        InetAddress server = InetAddress.getByName("127.0.0.1");
        assertEquals(InetAddress.getByName("127.3.0.1"), LoadRig.clientAddressOfRun(server, 0));
        assertEquals(InetAddress.getByName("127.3.0.254"), LoadRig.clientAddressOfRun(server, 253));
        assertEquals(InetAddress.getByName("127.3.1.1"), LoadRig.clientAddressOfRun(server, 254));
        assertEquals(InetAddress.getByName("127.3.255.254"),
                LoadRig.clientAddressOfRun(server, LoadRig.LOOPBACK_ADDRESSES - 1));
        assertEquals(InetAddress.getByName("127.3.0.1"),
                LoadRig.clientAddressOfRun(server, LoadRig.LOOPBACK_ADDRESSES));
    }

    @Test
    void shouldKeepTheServersAddressForIpv6() throws UnknownHostException {
        InetAddress server = InetAddress.getByName("::1");
        assertSame(server, LoadRig.clientAddressOfRun(server, 7));
    }

    @Test
    void shouldNumberChurnsAddressesInItsOwnBlock() throws UnknownHostException {
        assertEquals(InetAddress.getByName("127.2.1.2"), LoadRig.loopbackAddress(2, 255));
    }
}
