package io.turnkit.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.turnkit.conformance.support.AllocationProbe;
import io.turnkit.conformance.support.LoopbackPorts;
import io.turnkit.conformance.support.TurnkitCommand;
import io.turnkit.conformance.support.TurnkitServer;

/**
 * A UDP port another process serves is refused at start, as a TCP one is: the listeners' SO_REUSEPORT would
 * otherwise let a second server in and the kernel would split clients between the two.
 */
class UdpPortInUseTest {
    @TempDir
    Path temp;

    @Test
    void shouldRefuseTheUdpPortOfARunningServer() {
        try (TurnkitServer first = TurnkitServer.withOptions(List.of("--no-tcp", "--user", "alice:wonderland"))) {
            TurnkitCommand second = serveUdpOnly(first.port());

            assertEquals(1, second.exitCode(), second.describe());
            assertTrue(second.output().contains(inUse(first.port())), second.describe());
            assertTrue(AllocationProbe.allocates(first, "alice", "wonderland"), first.describe());
        }
    }

    @Test
    void shouldRefuseAUdpPortAPlainSocketHolds() throws SocketException {
        try (DatagramSocket holder = new DatagramSocket(new InetSocketAddress(LoopbackPorts.LOOPBACK_IP, 0))) {
            TurnkitCommand second = serveUdpOnly(holder.getLocalPort());

            assertEquals(1, second.exitCode(), second.describe());
            assertTrue(second.output().contains(inUse(holder.getLocalPort())), second.describe());
        }
    }

    private TurnkitCommand serveUdpOnly(int port) {
        return TurnkitCommand.run("serve", "--no-tcp", "--listening-ip", LoopbackPorts.LOOPBACK_IP,
                "--listening-port", Integer.toString(port), "--user", "bob:builder", "--realm", TurnkitServer.REALM,
                // Keeps the user database out of $HOME.
                "--userdb", temp.resolve("userdb").toString());
    }

    private static String inUse(int port) {
        return "cannot listen on udp " + LoopbackPorts.LOOPBACK_IP + ":" + port + ": address in use";
    }
}
