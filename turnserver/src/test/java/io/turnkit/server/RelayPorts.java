package io.turnkit.server;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Relay port ranges for tests: 100 ports picked at random below Linux's ephemeral range (32768 and up), so
 * the sockets tests open on port 0 never take the server's relay ports.
 */
public final class RelayPorts {
    public static final int SIZE = 100;

    private RelayPorts() {
    }

    public static int randomBase() {
        return 20_000 + ThreadLocalRandom.current().nextInt(120) * SIZE;
    }
}
