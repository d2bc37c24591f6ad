package io.turnkit.server.transport.dtls;

/**
 * The header of a DTLS 1.2 record (RFC 6347 §4.1): type, version, epoch, a 48-bit sequence_number and the
 * fragment's length, read and written in a byte array at a record's offset.
 */
final class RecordHeader {
    static final int LENGTH = 13;
    static final int EPOCH_OFFSET = 3;
    static final int FRAGMENT_LENGTH_OFFSET = 11;
    /** RFC 6347 §4.1: the DTLS 1.2 version, {254, 253}. */
    static final int DTLS_1_2 = 0xFEFD;
    private static final int VERSION_OFFSET = 1;
    private static final int SEQUENCE_OFFSET = 5;
    private static final int SEQUENCE_LENGTH = 6;

    private RecordHeader() {
    }

    static int type(byte[] buffer, int record) {
        return buffer[record] & 0xFF;
    }

    static int version(byte[] buffer, int record) {
        return unsignedShort(buffer, record + VERSION_OFFSET);
    }

    static int epoch(byte[] buffer, int record) {
        return unsignedShort(buffer, record + EPOCH_OFFSET);
    }

    static long sequenceNumber(byte[] buffer, int record) {
        long sequence = 0;
        for (int i = 0; i < SEQUENCE_LENGTH; i++) {
            sequence = sequence << Byte.SIZE | buffer[record + SEQUENCE_OFFSET + i] & 0xFF;
        }
        return sequence;
    }

    static int fragmentLength(byte[] buffer, int record) {
        return unsignedShort(buffer, record + FRAGMENT_LENGTH_OFFSET);
    }

    /** Writes a DTLS 1.2 header of {@code type}, {@code epoch} and {@code sequence}; the length is the sealer's. */
    static void write(byte[] buffer, int record, int type, int epoch, long sequence) {
        buffer[record] = (byte) type;
        writeShort(buffer, record + VERSION_OFFSET, DTLS_1_2);
        writeShort(buffer, record + EPOCH_OFFSET, epoch);
        for (int i = 0; i < SEQUENCE_LENGTH; i++) {
            buffer[record + SEQUENCE_OFFSET + i] = (byte) (sequence >>> Byte.SIZE * (SEQUENCE_LENGTH - 1 - i));
        }
    }

    static void writeFragmentLength(byte[] buffer, int record, int length) {
        writeShort(buffer, record + FRAGMENT_LENGTH_OFFSET, length);
    }

    private static int unsignedShort(byte[] buffer, int at) {
        return (buffer[at] & 0xFF) << Byte.SIZE | buffer[at + 1] & 0xFF;
    }

    private static void writeShort(byte[] buffer, int at, int value) {
        buffer[at] = (byte) (value >>> Byte.SIZE);
        buffer[at + 1] = (byte) value;
    }
}
