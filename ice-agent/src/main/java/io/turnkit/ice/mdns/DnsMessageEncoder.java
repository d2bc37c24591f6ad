package io.turnkit.ice.mdns;

import java.net.Inet4Address;
import java.net.InetAddress;

import io.netty.buffer.ByteBuf;

/**
 * Writes the few DNS messages mDNS candidates need (RFC 6762 §18): a query for a name's A or AAAA record, and a
 * response with one address record. Names are written whole, without compression (RFC 6762 §18.14 allows both).
 * Names are the agent's own or ones {@link #isWritableName} accepted.
 */
public final class DnsMessageEncoder {
    private DnsMessageEncoder() {
    }

    /** Whether {@code name} is dot-separated labels of 1 to 63 ASCII octets, 255 octets in all. */
    public static boolean isWritableName(String name) {
        if (name.isEmpty() || name.length() > DnsMessage.MAX_NAME_LENGTH - 2) {
            return false;
        }
        int labelStart = 0;
        for (int i = 0; i <= name.length(); i++) {
            if (i == name.length() || name.charAt(i) == '.') {
                int label = i - labelStart;
                if (label < 1 || label > 63) {
                    return false;
                }
                labelStart = i + 1;
            } else if (name.charAt(i) <= ' ' || name.charAt(i) >= 127) {
                return false;
            }
        }
        return true;
    }

    /**
     * A query (RFC 6762 §5, §18: ID 0, no flags) with two questions, for {@code name}'s A and its AAAA record (an
     * ICE candidate's name stands for one address of either family); with {@code unicastResponse} the QU bit asks
     * responders to answer to the query's source (§5.4).
     */
    public static void writeQuery(ByteBuf out, String name, boolean unicastResponse) {
        writeHeader(out, 0, 0, 2, 0);
        int qclass = DnsMessage.CLASS_IN | (unicastResponse ? DnsMessage.CLASS_TOP_BIT : 0);
        writeName(out, name);
        out.writeShort(DnsMessage.TYPE_A);
        out.writeShort(qclass);
        writeName(out, name);
        out.writeShort(DnsMessage.TYPE_AAAA);
        out.writeShort(qclass);
    }

    /**
     * A response (RFC 6762 §6, §18: QR and AA set) with one answer: {@code name}'s A or AAAA record, its
     * cache-flush bit set since the name is this host's alone (§10.2). A legacy unicast answer (§6.7) gives the
     * query's {@code id} and {@code echoQuestion} to repeat its question; a multicast one gives 0 and false.
     */
    public static void writeAnswer(ByteBuf out, int id, boolean echoQuestion, String name, InetAddress address,
            long ttlSeconds) {
        int type = address instanceof Inet4Address ? DnsMessage.TYPE_A : DnsMessage.TYPE_AAAA;
        writeHeader(out, id, DnsMessage.FLAG_RESPONSE | DnsMessage.FLAG_AUTHORITATIVE, echoQuestion ? 1 : 0, 1);
        if (echoQuestion) {
            writeName(out, name);
            out.writeShort(type);
            out.writeShort(DnsMessage.CLASS_IN);
        }
        writeName(out, name);
        out.writeShort(type);
        // §6.7: no cache-flush bit in a legacy unicast answer, whose receiver is no mDNS cache.
        out.writeShort(DnsMessage.CLASS_IN | (echoQuestion ? 0 : DnsMessage.CLASS_TOP_BIT));
        out.writeInt((int) ttlSeconds);
        byte[] bytes = address.getAddress();
        out.writeShort(bytes.length);
        out.writeBytes(bytes);
    }

    private static void writeHeader(ByteBuf out, int id, int flags, int questions, int answers) {
        out.writeShort(id);
        out.writeShort(flags);
        out.writeShort(questions);
        out.writeShort(answers);
        out.writeShort(0);
        out.writeShort(0);
    }

    private static void writeName(ByteBuf out, String name) {
        int labelStart = 0;
        for (int i = 0; i <= name.length(); i++) {
            if (i == name.length() || name.charAt(i) == '.') {
                out.writeByte(i - labelStart);
                for (int j = labelStart; j < i; j++) {
                    out.writeByte(name.charAt(j));
                }
                labelStart = i + 1;
            }
        }
        out.writeByte(0);
    }
}
