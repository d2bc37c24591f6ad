package io.turnkit.ice.sim;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A simulated IPv4 network of UDP hosts and NATs inside the JVM: an "internet" {@link Router} at the top, hosts
 * on it, and {@link NatRouter}s below it, each with a LAN of its own that may hold further NATs (a double NAT).
 * Datagrams move as events on one {@link SimulatedClock}; every random choice (ports a NAT assigns, losses,
 * jitter, reordering) comes from one seeded {@link Random}, so a test is the same on every run.
 *
 * <p>Single-threaded: the network is changed and run by the thread that runs its clock.
 */
public final class VirtualNetwork {
    private final SimulatedClock clock;
    private final Random random;
    private final List<Router> routers = new ArrayList<>();
    private final Router internet;

    /** A network on {@code clock}, drawing every random choice from {@code random} (seed it). */
    public VirtualNetwork(SimulatedClock clock, Random random) {
        this.clock = clock;
        this.random = random;
        this.internet = new Router(this, "internet");
    }

    public SimulatedClock clock() {
        return clock;
    }

    /** The top router: public addresses live here. */
    public Router internet() {
        return internet;
    }

    /** How many datagrams were dropped for {@code reason}, on every router of the network. */
    public long drops(DropReason reason) {
        return routers.stream().mapToLong(router -> router.drops(reason)).sum();
    }

    /** How many datagrams reached a socket. */
    public long delivered() {
        return routers.stream().mapToLong(Router::delivered).sum();
    }

    Random random() {
        return random;
    }

    void register(Router router) {
        routers.add(router);
    }

    /** An IPv4 address from its dotted-quad text, with no name lookup. */
    public static InetAddress ipv4(String dottedQuad) {
        String[] parts = dottedQuad.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + dottedQuad);
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            int octet;
            try {
                octet = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an IPv4 address: " + dottedQuad, e);
            }
            if (octet < 0 || octet > 255 || parts[i].length() > 3) {
                throw new IllegalArgumentException("not an IPv4 address: " + dottedQuad);
            }
            bytes[i] = (byte) octet;
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an IPv4 address", e);
        }
    }
}
