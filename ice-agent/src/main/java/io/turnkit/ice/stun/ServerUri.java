package io.turnkit.ice.stun;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * A STUN or TURN server as {@code stun:HOST[:PORT]} (RFC 7064), {@code turn:HOST[:PORT][?transport=udp|tcp]}
 * (RFC 7065), or just {@code HOST[:PORT]}; an IPv6 literal goes in brackets. The port defaults to 3478. The secure
 * scheme {@code turns:} (TLS) is read by {@link #parseTurn} only, for clients that speak TLS; {@code stuns:} is not
 * supported.
 *
 * @param scheme    {@code stun}, {@code turn} or {@code turns}
 * @param host      a host name or an IP literal, without brackets
 * @param port      1..65535
 * @param transport UDP unless {@code ?transport=tcp}; TLS for {@code turns}
 */
public record ServerUri(String scheme, String host, int port, TransportProtocol transport) {
    /** RFC 8489 §8: the default port of STUN over UDP and TCP, which TURN shares (RFC 8656). */
    public static final int DEFAULT_PORT = 3478;
    public static final String STUN = "stun";
    public static final String TURN = "turn";
    public static final String TURNS = "turns";
    /** RFC 8656 §3.1: the default port of TURN over TLS. */
    public static final int DEFAULT_TLS_PORT = 5349;
    private static final String TRANSPORT_PARAMETER = "transport=";

    /**
     * Parses {@code text}; without a scheme, {@code defaultScheme} is assumed.
     *
     * @throws IllegalArgumentException saying what is wrong, in one line
     */
    public static ServerUri parse(String text, String defaultScheme) {
        return parse(text, defaultScheme, false);
    }

    /**
     * Parses a TURN server's URI for an ICE agent (RFC 7065): {@code turn:} over UDP or TCP as {@link #parse} reads
     * it, or {@code turns:HOST[:PORT]} over TLS, port {@value #DEFAULT_TLS_PORT} unless given.
     *
     * @throws IllegalArgumentException saying what is wrong, in one line
     */
    public static ServerUri parseTurn(String text) {
        return parse(text, TURN, true);
    }

    private static ServerUri parse(String text, String defaultScheme, boolean tls) {
        String rest = text;
        String scheme = defaultScheme;
        int colon = text.indexOf(':');
        if (colon > 0 && isScheme(text.substring(0, colon))) {
            scheme = text.substring(0, colon).toLowerCase(Locale.ROOT);
            rest = text.substring(colon + 1);
        }
        boolean secure = tls && scheme.equals(TURNS);
        if (secure) {
            scheme = TURN;
        }
        if (scheme.equals("stuns") || scheme.equals(TURNS)) {
            String plain = scheme.substring(0, scheme.length() - 1);
            throw new IllegalArgumentException(scheme + ": (TLS) is not supported; use " + plain + ":");
        }
        if (!scheme.equals(STUN) && !scheme.equals(TURN)) {
            throw new IllegalArgumentException("expected a stun: or turn: URI, got '" + text + "'");
        }
        TransportProtocol transport = TransportProtocol.UDP;
        int query = rest.indexOf('?');
        if (query >= 0) {
            transport = transport(rest.substring(query + 1), scheme, text);
            rest = rest.substring(0, query);
        }
        String host;
        String port = null;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0 || close + 1 < rest.length() && rest.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("expected [IPv6]:PORT, got '" + text + "'");
            }
            host = rest.substring(1, close);
            port = close + 1 < rest.length() ? rest.substring(close + 2) : null;
        } else {
            int portColon = rest.lastIndexOf(':');
            if (portColon >= 0 && rest.indexOf(':') != portColon) {
                throw new IllegalArgumentException("an IPv6 address goes in brackets: [" + rest + "]");
            }
            host = portColon < 0 ? rest : rest.substring(0, portColon);
            port = portColon < 0 ? null : rest.substring(portColon + 1);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("no host in '" + text + "'");
        }
        if (secure) {
            // RFC 7065 §3: turns: is TURN over TLS over TCP; DTLS (transport=udp) is not supported.
            if (transport == TransportProtocol.UDP && query >= 0) {
                throw new IllegalArgumentException("turns: runs over TCP; transport=udp (DTLS) is not supported");
            }
            return new ServerUri(TURNS, host, port == null ? DEFAULT_TLS_PORT : port(port, text),
                    TransportProtocol.TLS);
        }
        return new ServerUri(scheme, host, port == null ? DEFAULT_PORT : port(port, text), transport);
    }

    /** Whether what comes before the first colon is a scheme of RFC 7064 or RFC 7065 rather than a host. */
    private static boolean isScheme(String prefix) {
        String candidate = prefix.toLowerCase(Locale.ROOT);
        return candidate.equals(STUN) || candidate.equals(TURN) || candidate.equals("stuns")
                || candidate.equals(TURNS);
    }

    private static TransportProtocol transport(String query, String scheme, String text) {
        if (!scheme.equals(TURN) || !query.startsWith(TRANSPORT_PARAMETER)) {
            throw new IllegalArgumentException("expected ?transport=udp or ?transport=tcp after a turn: URI, got '"
                    + text + "'");
        }
        switch (query.substring(TRANSPORT_PARAMETER.length()).toLowerCase(Locale.ROOT)) {
            case "udp":
                return TransportProtocol.UDP;
            case "tcp":
                return TransportProtocol.TCP;
            default:
                throw new IllegalArgumentException("transport must be udp or tcp, got '" + text + "'");
        }
    }

    private static int port(String digits, String text) {
        if (digits.isEmpty() || digits.length() > 5 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("expected a port number 1-65535 in '" + text + "'");
        }
        int port = Integer.parseInt(digits);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("expected a port number 1-65535 in '" + text + "'");
        }
        return port;
    }

    /** The server's address: the host looked up (an IP literal is taken as it is). */
    public InetSocketAddress resolve() throws UnknownHostException {
        return new InetSocketAddress(InetAddress.getByName(host), port);
    }

    /** The same server over another transport. */
    public ServerUri withTransport(TransportProtocol other) {
        return new ServerUri(scheme, host, port, other);
    }

    /** The URI: {@code turn:[::1]:3478?transport=tcp}; UDP is left implicit. */
    @Override
    public String toString() {
        String hostPart = host.indexOf(':') >= 0 ? '[' + host + ']' : host;
        return scheme + ':' + hostPart + ':' + port
                + (scheme.equals(TURN) && transport == TransportProtocol.TCP ? "?transport=tcp" : "");
    }
}
