package io.turnkit.ice.sdp;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import io.turnkit.ice.agent.Candidate;
import io.turnkit.ice.agent.CandidateType;
import io.turnkit.ice.agent.IceCredentials;
import io.turnkit.ice.stun.Addresses;
import io.turnkit.ice.stun.TransportProtocol;

/**
 * The {@code candidate} attribute of RFC 8839 §5.1, read and written:
 *
 * <pre>
 * candidate-attribute = "candidate" ":" foundation SP component-id SP transport SP priority SP
 *                       connection-address SP port SP "typ" SP cand-type
 *                       [SP "raddr" SP connection-address SP "rport" SP port]
 *                       *(SP extension-att-name SP extension-att-value)
 * </pre>
 *
 * <p>Accepts {@code a=candidate:...} as in SDP and {@code candidate:...} as a browser's {@code RTCIceCandidate}
 * gives it. A host name (an mDNS {@code .local} name) is kept unresolved: nothing here looks a name up. RFC 6544's
 * {@code tcptype} goes to {@link Candidate#tcpType()}; every other extension is kept, in order.
 */
public final class CandidateSdp {
    private static final String ATTRIBUTE = "a=";
    private static final String NAME = "candidate:";
    private static final Pattern IPV4 = Pattern.compile(
        "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
    private static final String LABEL = "[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?";
    private static final Pattern FQDN = Pattern.compile(LABEL + "(\\." + LABEL + ")*");
    private static final Pattern DIGITS = Pattern.compile("\\d{1,10}");
    private static final int MAX_FOUNDATION = 32;

    private CandidateSdp() {
    }

    /** Whether the line is a candidate attribute, with or without {@code a=}. */
    public static boolean isCandidate(String line) {
        return line.startsWith(ATTRIBUTE + NAME) || line.startsWith(NAME);
    }

    /**
     * Reads one candidate line.
     *
     * @throws SdpParseException naming the field at fault
     */
    public static Candidate parse(String line) {
        String body = line.strip();
        if (body.startsWith(ATTRIBUTE)) {
            body = body.substring(ATTRIBUTE.length());
        }
        if (!body.startsWith(NAME)) {
            throw new SdpParseException(line, "not a candidate attribute");
        }
        String[] f = body.substring(NAME.length()).split(" ", -1);
        if (f.length < 8) {
            throw new SdpParseException(line, "a candidate has at least 8 fields, this one " + f.length);
        }
        String foundation = f[0];
        if (foundation.isEmpty() || foundation.length() > MAX_FOUNDATION || !IceCredentials.isIceChars(foundation)) {
            throw new SdpParseException(line, "the foundation must be 1 to 32 ice-chars");
        }
        int component = (int) number(line, f[1], "component id", 1, 256);
        TransportProtocol transport = transport(line, f[2]);
        long priority = number(line, f[3], "priority", 1, 0xFFFFFFFFL);
        int port = (int) number(line, f[5], "port", 0, 65535);
        InetSocketAddress address = address(line, f[4], port);
        if (!"typ".equals(f[6])) {
            throw new SdpParseException(line, "\"typ\" expected after the port, found \"" + f[6] + '"');
        }
        CandidateType type = CandidateType.fromSdpName(f[7]);
        if (type == null) {
            throw new SdpParseException(line, "unknown candidate type \"" + f[7] + '"');
        }
        int i = 8;
        InetSocketAddress related = null;
        if (i < f.length && "raddr".equals(f[i])) {
            if (i + 3 >= f.length || !"rport".equals(f[i + 2])) {
                throw new SdpParseException(line, "raddr must be followed by an address, \"rport\" and a port");
            }
            related = address(line, f[i + 1], (int) number(line, f[i + 3], "rport", 0, 65535));
            i += 4;
        }
        String tcpType = null;
        Map<String, String> extensions = new LinkedHashMap<>();
        for (; i < f.length; i += 2) {
            if (f[i].isEmpty()) {
                throw new SdpParseException(line, "empty field (two spaces?)");
            }
            if (i + 1 >= f.length || f[i + 1].isEmpty()) {
                throw new SdpParseException(line, "extension \"" + f[i] + "\" has no value");
            }
            if ("tcptype".equals(f[i])) {
                tcpType = tcpType(line, f[i + 1]);
            } else {
                extensions.put(f[i], f[i + 1]);
            }
        }
        if (transport == TransportProtocol.TCP && tcpType == null) {
            throw new SdpParseException(line, "a TCP candidate needs a tcptype (RFC 6544 §4.5)");
        }
        return new Candidate(foundation, component, transport, priority, address, type, related, tcpType, extensions);
    }

    /** The attribute value, {@code candidate:...}, as {@code RTCIceCandidate.candidate} holds it. */
    public static String format(Candidate c) {
        StringBuilder b = new StringBuilder(NAME)
            .append(c.foundation()).append(' ')
            .append(c.componentId()).append(' ')
            .append(c.transport()).append(' ')
            .append(c.priority()).append(' ')
            .append(host(c.address())).append(' ')
            .append(c.address().getPort())
            .append(" typ ").append(c.type().sdpName());
        if (c.relatedAddress() != null) {
            b.append(" raddr ").append(host(c.relatedAddress()))
                .append(" rport ").append(c.relatedAddress().getPort());
        }
        if (c.tcpType() != null) {
            b.append(" tcptype ").append(c.tcpType());
        }
        c.extensions().forEach((name, value) -> b.append(' ').append(name).append(' ').append(value));
        return b.toString();
    }

    /** The SDP line, {@code a=candidate:...}. */
    public static String formatLine(Candidate c) {
        return ATTRIBUTE + format(c);
    }

    private static String host(InetSocketAddress address) {
        return address.isUnresolved() ? address.getHostString() : Addresses.ip(address.getAddress());
    }

    private static long number(String line, String field, String what, long min, long max) {
        if (!DIGITS.matcher(field).matches()) {
            throw new SdpParseException(line, what + " \"" + field + "\" is not a number");
        }
        long value = Long.parseLong(field);
        if (value < min || value > max) {
            throw new SdpParseException(line, what + " " + value + " is outside " + min + ".." + max);
        }
        return value;
    }

    private static TransportProtocol transport(String line, String field) {
        switch (field.toLowerCase(Locale.ROOT)) {
            case "udp":
                return TransportProtocol.UDP;
            case "tcp":
                return TransportProtocol.TCP;
            default:
                throw new SdpParseException(line, "transport \"" + field + "\" is neither UDP nor TCP");
        }
    }

    private static String tcpType(String line, String field) {
        if (!"active".equals(field) && !"passive".equals(field) && !"so".equals(field)) {
            throw new SdpParseException(line, "tcptype \"" + field + "\" is not active, passive or so");
        }
        return field;
    }

    /** An IP literal, parsed without any lookup, or a host name kept unresolved. */
    private static InetSocketAddress address(String line, String field, int port) {
        try {
            if (IPV4.matcher(field).matches()) {
                return new InetSocketAddress(InetAddress.getByName(field), port);
            }
            if (IPV6.matcher(field).matches()) {
                InetAddress address = InetAddress.getByName(field);
                if (address instanceof Inet6Address) {
                    return new InetSocketAddress(address, port);
                }
            } else if (FQDN.matcher(field).matches()
                && !field.chars().allMatch(ch -> ch == '.' || Character.isDigit(ch))) {
                return InetSocketAddress.createUnresolved(field, port);
            }
        } catch (UnknownHostException e) {
            // An IPv6-looking literal that does not parse: refused below.
        }
        throw new SdpParseException(line, "\"" + field + "\" is not an IP address or a host name");
    }
}
