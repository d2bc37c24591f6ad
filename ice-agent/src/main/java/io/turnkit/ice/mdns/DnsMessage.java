package io.turnkit.ice.mdns;

import java.net.InetAddress;
import java.net.UnknownHostException;

import io.netty.buffer.ByteBuf;
import io.turnkit.stun.EnumCounters;

/**
 * Read-side flyweight over one DNS message in a {@link ByteBuf}, as mDNS sends it (RFC 1035 §4.1, RFC 6762 §18).
 * Reads with absolute indexes only: the buffer's indexes never move. Wrap, {@link #validate()}, then walk the
 * records with {@link #nextRecord()}; one instance is reused for every datagram.
 *
 * <pre>
 *  0  1  2  3  4  5  6  7  8  9 10 11 12 13 14 15
 * +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 * |                      ID                       |
 * |QR|   Opcode  |AA|TC|RD|RA| Z|AD|CD|   RCODE   |
 * |                    QDCOUNT                    |
 * |                    ANCOUNT                    |
 * |                    NSCOUNT                    |
 * |                    ARCOUNT                    |
 * +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 * question:  NAME | QTYPE (16) | QU (1) QCLASS (15)
 * record:    NAME | TYPE (16) | cache-flush (1) CLASS (15) | TTL (32) | RDLENGTH (16) | RDATA
 * </pre>
 *
 * <p>A name is a run of length-prefixed labels ending with a zero octet, or with a two-octet compression pointer
 * ({@code 11} then a 14-bit offset from the message start) to the rest of it (RFC 1035 §4.1.4). Every byte is
 * hostile: pointers must point strictly back and at most {@link #MAX_POINTERS} are followed per name, so no loop
 * can hold the reader.
 *
 * <p>Not thread-safe; one per socket or event loop.
 */
public final class DnsMessage {
    private static final int SIZE_OF_SHORT = 2;
    private static final int SIZE_OF_INT = 4;

    public static final int ID_OFFSET = 0;
    public static final int FLAGS_OFFSET = ID_OFFSET + SIZE_OF_SHORT;
    public static final int QDCOUNT_OFFSET = FLAGS_OFFSET + SIZE_OF_SHORT;
    public static final int ANCOUNT_OFFSET = QDCOUNT_OFFSET + SIZE_OF_SHORT;
    public static final int NSCOUNT_OFFSET = ANCOUNT_OFFSET + SIZE_OF_SHORT;
    public static final int ARCOUNT_OFFSET = NSCOUNT_OFFSET + SIZE_OF_SHORT;
    public static final int HEADER_LENGTH = ARCOUNT_OFFSET + SIZE_OF_SHORT;

    /** From a record's end of name: TYPE, CLASS, then (not in a question) TTL and RDLENGTH. */
    static final int TYPE_FIELD = 0;
    static final int CLASS_FIELD = TYPE_FIELD + SIZE_OF_SHORT;
    static final int QUESTION_FIXED_LENGTH = CLASS_FIELD + SIZE_OF_SHORT;
    static final int TTL_FIELD = QUESTION_FIXED_LENGTH;
    static final int RDLENGTH_FIELD = TTL_FIELD + SIZE_OF_INT;
    static final int RECORD_FIXED_LENGTH = RDLENGTH_FIELD + SIZE_OF_SHORT;

    public static final int FLAG_RESPONSE = 0x8000;
    public static final int FLAG_AUTHORITATIVE = 0x0400;
    private static final int OPCODE_SHIFT = 11;
    private static final int OPCODE_MASK = 0xF;
    private static final int RCODE_MASK = 0xF;

    public static final int TYPE_A = 1;
    public static final int TYPE_AAAA = 28;
    public static final int TYPE_ANY = 255;
    public static final int CLASS_IN = 1;
    public static final int CLASS_ANY = 255;
    /** RFC 6762 §5.4 (QU in a question) and §10.2 (cache-flush in a record): the top bit of the class field. */
    public static final int CLASS_TOP_BIT = 0x8000;
    private static final int CLASS_MASK = 0x7FFF;

    /** RFC 1035 §2.3.4 (a label's 63 octets at most are the length octets whose top two bits are 0). */
    public static final int MAX_NAME_LENGTH = 255;
    /** More than a name of 255 octets could need (a pointer replaces at least one label). */
    public static final int MAX_POINTERS = 127;
    /** The records read per message: an mDNS message about a few names has far fewer. */
    public static final int MAX_RECORDS = 64;

    private static final int LABEL_TYPE_MASK = 0xC0;
    private static final int POINTER = 0xC0;
    private static final int POINTER_OFFSET_MASK = 0x3FFF;

    /** {@link #readName} results below zero. */
    private static final int NAME_TRUNCATED = -1;
    private static final int NAME_BAD = -2;
    private static final int NAME_BAD_POINTER = -3;

    /** Which part of the message a record is in. */
    public enum Section { QUESTION, ANSWER, AUTHORITY, ADDITIONAL }

    private final EnumCounters<DnsValidation> counters;
    private final StringBuilder name = new StringBuilder(MAX_NAME_LENGTH);

    private ByteBuf buffer;
    private int offset;
    private int length;
    private boolean valid;
    private int recordIndex;
    private int recordStart;
    private int nextRecordStart;
    private int fixedOffset;
    private Section section;

    /** A flyweight counting its validation results in {@code counters}. */
    public DnsMessage(EnumCounters<DnsValidation> counters) {
        this.counters = counters;
    }

    /** Wraps the {@code length} bytes of one datagram at {@code offset}. */
    public DnsMessage wrap(ByteBuf buffer, int offset, int length) {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        this.valid = false;
        rewind();
        return this;
    }

    /** Checks the header and walks every record once; counts the result. Only a valid message may be read. */
    public DnsValidation validate() {
        DnsValidation result = check();
        counters.increment(result);
        valid = result == DnsValidation.VALID;
        rewind();
        return result;
    }

    private DnsValidation check() {
        if (length < HEADER_LENGTH) {
            return DnsValidation.TRUNCATED;
        }
        if (opcode() != 0 || (flags() & RCODE_MASK) != 0) {
            return DnsValidation.NOT_STANDARD;
        }
        if (recordCount() > MAX_RECORDS) {
            return DnsValidation.TOO_MANY_RECORDS;
        }
        rewind();
        valid = true;
        for (int i = 0; i < recordCount(); i++) {
            int next = advance();
            if (next < 0) {
                return next == NAME_BAD ? DnsValidation.BAD_NAME
                    : next == NAME_BAD_POINTER ? DnsValidation.BAD_POINTER : DnsValidation.TRUNCATED;
            }
        }
        return DnsValidation.VALID;
    }

    public int id() {
        return buffer.getUnsignedShort(offset + ID_OFFSET);
    }

    public int flags() {
        return buffer.getUnsignedShort(offset + FLAGS_OFFSET);
    }

    public boolean isResponse() {
        return (flags() & FLAG_RESPONSE) != 0;
    }

    public int opcode() {
        return (flags() >>> OPCODE_SHIFT) & OPCODE_MASK;
    }

    public int questionCount() {
        return buffer.getUnsignedShort(offset + QDCOUNT_OFFSET);
    }

    /** Answers, authority and additional records together. */
    public int resourceCount() {
        return buffer.getUnsignedShort(offset + ANCOUNT_OFFSET) + buffer.getUnsignedShort(offset + NSCOUNT_OFFSET)
            + buffer.getUnsignedShort(offset + ARCOUNT_OFFSET);
    }

    private int recordCount() {
        return questionCount() + resourceCount();
    }

    /** Back to before the first record. */
    public void rewind() {
        recordIndex = -1;
        nextRecordStart = offset + HEADER_LENGTH;
    }

    /** Moves to the next record (questions first, then answers, authority, additional); false after the last. */
    public boolean nextRecord() {
        if (!valid || recordIndex + 1 >= recordCount()) {
            return false;
        }
        return advance() >= 0;
    }

    /** Reads the record at {@link #nextRecordStart}; returns its end or a negative {@code NAME_*} result. */
    private int advance() {
        recordIndex++;
        section = sectionOf(recordIndex);
        recordStart = nextRecordStart;
        int end = readName(recordStart, null);
        if (end < 0) {
            return end;
        }
        fixedOffset = end;
        int fixed = section == Section.QUESTION ? QUESTION_FIXED_LENGTH : RECORD_FIXED_LENGTH;
        if (end + fixed > offset + length) {
            return NAME_TRUNCATED;
        }
        int next = end + fixed;
        if (section != Section.QUESTION) {
            next += buffer.getUnsignedShort(end + RDLENGTH_FIELD);
            if (next > offset + length) {
                return NAME_TRUNCATED;
            }
        }
        nextRecordStart = next;
        return next;
    }

    private Section sectionOf(int index) {
        int questions = questionCount();
        int answers = buffer.getUnsignedShort(offset + ANCOUNT_OFFSET);
        int authority = buffer.getUnsignedShort(offset + NSCOUNT_OFFSET);
        if (index < questions) {
            return Section.QUESTION;
        }
        if (index < questions + answers) {
            return Section.ANSWER;
        }
        return index < questions + answers + authority ? Section.AUTHORITY : Section.ADDITIONAL;
    }

    public Section section() {
        return section;
    }

    /** The current record's name, lower case, dot-separated, without the final dot (DNS names match ignoring case). */
    public String name() {
        name.setLength(0);
        readName(recordStart, name);
        return name.toString();
    }

    public int type() {
        return buffer.getUnsignedShort(fixedOffset + TYPE_FIELD);
    }

    /** The class without its top bit (QU or cache-flush). */
    public int dnsClass() {
        return buffer.getUnsignedShort(fixedOffset + CLASS_FIELD) & CLASS_MASK;
    }

    /** In a question the QU bit (RFC 6762 §5.4); in a record the cache-flush bit (§10.2). */
    public boolean classTopBit() {
        return (buffer.getUnsignedShort(fixedOffset + CLASS_FIELD) & CLASS_TOP_BIT) != 0;
    }

    /** Seconds; a record's only (0 is a goodbye, RFC 6762 §10.1). */
    public long ttl() {
        return buffer.getUnsignedInt(fixedOffset + TTL_FIELD);
    }

    public int rdataLength() {
        return buffer.getUnsignedShort(fixedOffset + RDLENGTH_FIELD);
    }

    /** The address of an A or AAAA record of class IN, or null for anything else or a wrong RDATA length. */
    public InetAddress address() {
        if (section == Section.QUESTION || dnsClass() != CLASS_IN) {
            return null;
        }
        int size = type() == TYPE_A ? 4 : type() == TYPE_AAAA ? 16 : 0;
        if (size == 0 || rdataLength() != size) {
            return null;
        }
        byte[] bytes = new byte[size];
        buffer.getBytes(fixedOffset + RECORD_FIXED_LENGTH, bytes);
        return addressOf(bytes);
    }

    /** An IPv4 or IPv6 address from its 4 or 16 octets. */
    static InetAddress addressOf(byte[] octets) {
        try {
            return InetAddress.getByAddress(octets);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not 4 or 16 octets: " + octets.length, e);
        }
    }

    /**
     * Walks the name at {@code at}, appending it to {@code out} when given. Returns the offset just after the name
     * where it starts (after its first pointer, if any), or a negative {@code NAME_*} result.
     */
    private int readName(int at, StringBuilder out) {
        int end = offset + length;
        int position = at;
        int after = -1;
        int nameLength = 0;
        int lowestTarget = at;
        for (int pointers = 0; ; ) {
            if (position >= end) {
                return NAME_TRUNCATED;
            }
            int labelLength = buffer.getUnsignedByte(position);
            if (labelLength == 0) {
                return after >= 0 ? after : position + 1;
            }
            int labelType = labelLength & LABEL_TYPE_MASK;
            if (labelType == POINTER) {
                if (position + 1 >= end) {
                    return NAME_TRUNCATED;
                }
                int target = offset + (buffer.getUnsignedShort(position) & POINTER_OFFSET_MASK);
                // Strictly before everything this name has read so far: every jump goes back, so none can loop.
                if (target >= lowestTarget || ++pointers > MAX_POINTERS) {
                    return NAME_BAD_POINTER;
                }
                if (after < 0) {
                    after = position + 2;
                }
                lowestTarget = target;
                position = target;
                continue;
            }
            if (labelType != 0) {
                return NAME_BAD;
            }
            nameLength += labelLength + 1;
            if (nameLength > MAX_NAME_LENGTH) {
                return NAME_BAD;
            }
            if (position + 1 + labelLength > end) {
                return NAME_TRUNCATED;
            }
            if (out != null) {
                if (!out.isEmpty()) {
                    out.append('.');
                }
                for (int i = 1; i <= labelLength; i++) {
                    out.append(Character.toLowerCase((char) buffer.getUnsignedByte(position + i)));
                }
            }
            position += 1 + labelLength;
        }
    }
}
