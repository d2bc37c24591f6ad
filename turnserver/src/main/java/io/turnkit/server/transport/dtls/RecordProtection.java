package io.turnkit.server.transport.dtls;

import java.security.GeneralSecurityException;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The protection of a DTLS 1.2 session's records in one direction with AES-GCM (RFC 5246 §6.2.3.3, RFC 5288, RFC
 * 6347 §4.1.2.1): the write key and IV of one side of the key block, and one JCA cipher that every record of that
 * direction goes through, encrypted or decrypted in place. Used from one thread.
 */
final class RecordProtection {
    /** The 64-bit seq_num of the additional data and nonce: epoch and sequence_number (RFC 6347 §4.1.2.1). */
    private static final int SEQ_NUM_LENGTH = 8;

    private final Cipher cipher;
    private final SecretKeySpec key;
    private final byte[] salt;
    private final int mode;
    private final byte[] nonce = new byte[RecordCipher.SALT_LENGTH + RecordCipher.EXPLICIT_NONCE_LENGTH];
    /** RFC 5246 §6.2.3.3: seq_num + type + version + length (of the plaintext). */
    private final byte[] additionalData = new byte[SEQ_NUM_LENGTH + 1 + 2 + 2];

    /**
     * @param encrypt whether this side writes records ({@code key} and {@code salt} are its own write key and IV)
     *                or reads them (the peer's)
     */
    RecordProtection(byte[] key, byte[] salt, boolean encrypt) throws GeneralSecurityException {
        this.cipher = Cipher.getInstance(RecordCipher.TRANSFORMATION);
        this.key = new SecretKeySpec(key, "AES");
        this.salt = salt.clone();
        this.mode = encrypt ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE;
    }

    /**
     * Encrypts, in place, the record at {@code offset} of {@code buffer}: its header with type, version, epoch and
     * sequence number set, room for the explicit nonce after it, then {@code plaintextLength} bytes of plaintext.
     * Writes the nonce and the record's length.
     *
     * @return the length of the whole record
     */
    int seal(byte[] buffer, int offset, int plaintextLength) throws GeneralSecurityException {
        int explicit = offset + RecordHeader.LENGTH;
        // RFC 5288 §3: the explicit nonce may be the sequence number, unique to each record of a key.
        System.arraycopy(buffer, offset + RecordHeader.EPOCH_OFFSET, buffer, explicit, RecordCipher.EXPLICIT_NONCE_LENGTH);
        int start = explicit + RecordCipher.EXPLICIT_NONCE_LENGTH;
        cipher.init(mode, key, parameters(buffer, offset));
        cipher.updateAAD(additionalData(buffer, offset, plaintextLength));
        int fragment = RecordCipher.EXPLICIT_NONCE_LENGTH + cipher.doFinal(buffer, start, plaintextLength, buffer, start);
        RecordHeader.writeFragmentLength(buffer, offset, fragment);
        return RecordHeader.LENGTH + fragment;
    }

    /**
     * Decrypts, in place, the record at {@code offset} of {@code buffer} whose header gives a fragment of
     * {@code fragmentLength} bytes; its plaintext then starts at {@link #plaintextOffset}.
     *
     * @return the plaintext's length, or -1 if the record does not authenticate (forged, cut or of another key)
     */
    int open(byte[] buffer, int offset, int fragmentLength) {
        int plaintextLength = fragmentLength - RecordCipher.OVERHEAD;
        if (plaintextLength < 0) {
            return -1;
        }
        int start = plaintextOffset(offset);
        try {
            cipher.init(mode, key, parameters(buffer, offset));
            cipher.updateAAD(additionalData(buffer, offset, plaintextLength));
            return cipher.doFinal(buffer, start, plaintextLength + RecordCipher.TAG_LENGTH, buffer, start);
        } catch (GeneralSecurityException e) {
            // RFC 6347 §4.1.2.7: a record that does not authenticate is discarded.
            return -1;
        }
    }

    static int plaintextOffset(int recordOffset) {
        return recordOffset + RecordHeader.LENGTH + RecordCipher.EXPLICIT_NONCE_LENGTH;
    }

    /** The nonce of the record at {@code offset}: the salt, then the record's explicit nonce (RFC 5288 §3). */
    private GCMParameterSpec parameters(byte[] buffer, int offset) {
        System.arraycopy(salt, 0, nonce, 0, RecordCipher.SALT_LENGTH);
        System.arraycopy(buffer, offset + RecordHeader.LENGTH, nonce, RecordCipher.SALT_LENGTH,
                RecordCipher.EXPLICIT_NONCE_LENGTH);
        return new GCMParameterSpec(RecordCipher.TAG_LENGTH * Byte.SIZE, nonce);
    }

    private byte[] additionalData(byte[] buffer, int offset, int plaintextLength) {
        System.arraycopy(buffer, offset + RecordHeader.EPOCH_OFFSET, additionalData, 0, SEQ_NUM_LENGTH);
        System.arraycopy(buffer, offset, additionalData, SEQ_NUM_LENGTH, 3);
        additionalData[SEQ_NUM_LENGTH + 3] = (byte) (plaintextLength >>> 8);
        additionalData[SEQ_NUM_LENGTH + 4] = (byte) plaintextLength;
        return additionalData;
    }
}
