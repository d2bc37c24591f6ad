package io.turnkit.server.transport.dtls;

import org.bouncycastle.tls.CipherSuite;

/**
 * The AEAD ciphers a DTLS session may protect its records with (RFC 5246 §6.2.3.3): AES-GCM, whose nonce is a
 * 4-byte salt of the key block and an 8-byte explicit nonce sent in each record (RFC 5288 §3).
 */
enum RecordCipher {
    AES_128_GCM(16),
    AES_256_GCM(32);

    static final String TRANSFORMATION = "AES/GCM/NoPadding";
    /** RFC 5116 §5.1: the tag is 16 bytes. */
    static final int TAG_LENGTH = 16;
    /** RFC 5288 §3: the part of the nonce the key block gives (RFC 5246 §6.3: fixed_iv_length). */
    static final int SALT_LENGTH = 4;
    /** RFC 5288 §3: the part of the nonce each record carries (record_iv_length). */
    static final int EXPLICIT_NONCE_LENGTH = 8;
    /** What a record adds to its plaintext. */
    static final int OVERHEAD = EXPLICIT_NONCE_LENGTH + TAG_LENGTH;

    final int keyLength;

    RecordCipher(int keyLength) {
        this.keyLength = keyLength;
    }

    /** The cipher of {@code suite}, one of those {@link TurnDtlsServer} offers. */
    static RecordCipher of(int suite) {
        switch (suite) {
            case CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256:
            case CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256:
                return AES_128_GCM;
            case CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384:
            case CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384:
                return AES_256_GCM;
            default:
                throw new IllegalArgumentException("not a suite the server offers: " + suite);
        }
    }
}
