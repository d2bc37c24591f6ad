package io.turnkit.store;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** Addresses for tests, built from IP literals (never a DNS lookup). */
final class TestAddresses {
    private TestAddresses() {
    }

    static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    static InetSocketAddress address(String literal, int port) {
        return new InetSocketAddress(ip(literal), port);
    }
}
