package io.turnkit.conformance.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The host's side of {@code interop/netns/tcp_bridge.py}: for each TCP port on 127.0.0.1, a UNIX socket whose
 * connections are carried on to that port. A browser in a network namespace of its own reaches the host's page
 * server and TCP listeners through the bridge, and nothing else of the host: no UDP crosses.
 */
public final class NamespaceBridge implements AutoCloseable {
    private static final int BUFFER = 65536;
    private static final Path UNSHARE = Path.of("/usr/bin/unshare");

    private final TemporaryDirectory directory = TemporaryDirectory.create("turnkit-netns-");
    private final List<Integer> ports;
    private final List<ServerSocketChannel> servers = new ArrayList<>();
    private final List<SocketChannel> connections = new CopyOnWriteArrayList<>();

    private NamespaceBridge(List<Integer> ports) throws IOException {
        this.ports = List.copyOf(ports);
        for (int port : ports) {
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socketPath(port)));
            servers.add(server);
            Thread accepting = new Thread(() -> accept(server, port), "netns-bridge-" + port);
            accepting.setDaemon(true);
            accepting.start();
        }
    }

    /** Serves a UNIX socket for each of {@code ports}. */
    public static NamespaceBridge open(List<Integer> ports) throws IOException {
        return new NamespaceBridge(ports);
    }

    /**
     * The command that runs a program (the arguments after it) in a new network namespace of an unprivileged user
     * namespace ({@code unshare --user --map-root-user --net}): the shell commands {@code setup} first (each line
     * ending in a newline), then loopback up and the bridge's ports listening there.
     */
    public List<String> namespaceCommand(String setup) {
        ExternalProcess.requireExecutable(UNSHARE, "util-linux");
        return List.of(UNSHARE.toString(), "--user", "--map-root-user", "--net", "--", "/bin/sh", "-c",
                namespaceScript(setup), "sh");
    }

    /**
     * The shell script for {@code sh -c}: {@code setup}, the bridge, then its arguments run (the program). The shell
     * stays, to stop the bridge when the program ends by itself: once orphaned, the bridge is no longer in the
     * process tree the test stops.
     */
    private String namespaceScript(String setup) {
        Path ready = directory.path().resolve("ready");
        StringBuilder bridge = new StringBuilder("/usr/bin/python3 " + IceHarness.resource("netns/tcp_bridge.py")
                + " " + ready);
        for (int port : ports) {
            bridge.append(' ').append(port).append(' ').append(socketPath(port));
        }
        return setup + "(ip link set lo up && exec " + bridge + ") &\n"
                + "bridge=$!\n"
                + "i=0; while [ ! -e " + ready + " ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done\n"
                + "[ -e " + ready + " ] || { echo 'the namespace bridge did not start' >&2; kill $bridge; exit 1; }\n"
                + "\"$@\"\n"
                + "status=$?\n"
                + "kill $bridge\n"
                + "exit $status\n";
    }

    private Path socketPath(int port) {
        return directory.path().resolve(port + ".sock");
    }

    private void accept(ServerSocketChannel server, int port) {
        while (server.isOpen()) {
            try {
                SocketChannel outside = server.accept();
                SocketChannel inside = SocketChannel.open(new InetSocketAddress(LoopbackPorts.LOOPBACK, port));
                connections.add(outside);
                connections.add(inside);
                pipe(outside, inside, "netns-bridge-in-" + port);
                pipe(inside, outside, "netns-bridge-out-" + port);
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private static void pipe(SocketChannel from, SocketChannel to, String name) {
        Thread thread = new Thread(() -> {
            ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
            try {
                while (from.read(buffer) >= 0) {
                    buffer.flip();
                    while (buffer.hasRemaining()) {
                        to.write(buffer);
                    }
                    buffer.clear();
                }
            } catch (IOException e) {
                // one side closed: the other goes too
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Channel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // closing is all that was wanted
        }
    }

    @Override
    public void close() {
        servers.forEach(NamespaceBridge::closeQuietly);
        connections.forEach(NamespaceBridge::closeQuietly);
        directory.close();
    }
}
