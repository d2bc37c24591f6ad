package io.turnkit.server.protocol;

import java.net.InetSocketAddress;

import io.turnkit.server.link.ClientLink;

/**
 * RFC 5780 §4.1's four transport addresses of a server with an alternate address and an alternate port: for a
 * client link on one of them, the link that answers from another (CHANGE-REQUEST, RFC 5780 §7.2) and the address
 * OTHER-ADDRESS names (RFC 5780 §7.4). The links are found on the asking link's own event loop, so an answer
 * from another address changes no thread.
 */
public interface ResponseOrigins {
    /** No RFC 5780: no link has an alternate. */
    ResponseOrigins NONE = new ResponseOrigins() {
        @Override
        public InetSocketAddress otherAddress(ClientLink link) {
            return null;
        }

        @Override
        public ClientLink origin(ClientLink link, boolean changeIp, boolean changePort) {
            return null;
        }
    };

    /**
     * The address that differs from {@code link}'s in both IP address and port, as clients reach it; null when
     * {@code link} does not do RFC 5780 (a TCP link, or a server without an alternate).
     */
    InetSocketAddress otherAddress(ClientLink link);

    /**
     * The link on {@code link}'s event loop that sends from {@code link}'s address with its IP address and/or its
     * port changed to the alternate; null when there is none.
     */
    ClientLink origin(ClientLink link, boolean changeIp, boolean changePort);
}
