package io.turnkit.ice.stun;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** Transport addresses as people write them: {@code 192.0.2.1:3478}, {@code [2001:db8::1]:3478}. */
public final class Addresses {
    private Addresses() {
    }

    /** The IP literal and port, brackets around an IPv6 literal; never a host name lookup. */
    public static String format(InetSocketAddress address) {
        if (address.isUnresolved()) {
            return address.getHostString() + ':' + address.getPort();
        }
        String ip = ip(address.getAddress());
        return (address.getAddress() instanceof Inet6Address ? '[' + ip + ']' : ip) + ':' + address.getPort();
    }

    /**
     * The IP literal without brackets; an IPv6 address in RFC 5952's form (§4.2: the longest run of two or more zero
     * groups, the first of equal runs, becomes "::"), as peers write it, not the JDK's uncompressed one.
     */
    public static String ip(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        byte[] b = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[2 * i] & 0xFF) << 8) | (b[2 * i + 1] & 0xFF);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; i++) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = Math.max(i, j);
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
            } else {
                if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                    text.append(':');
                }
                text.append(Integer.toHexString(groups[i]));
            }
        }
        return text.toString();
    }
}
