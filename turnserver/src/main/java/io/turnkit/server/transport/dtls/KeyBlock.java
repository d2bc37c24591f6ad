package io.turnkit.server.transport.dtls;

import java.security.GeneralSecurityException;

import org.bouncycastle.tls.SecurityParameters;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.util.Arrays;

/**
 * A session's keys and IVs (RFC 5246 §6.3): key_block = PRF(master_secret, "key expansion", server_random +
 * client_random), cut into client_write_key, server_write_key, client_write_IV, server_write_IV (AEAD ciphers have
 * no MAC keys). Made when bctls completes the handshake, so that the server protects the session's records itself.
 */
final class KeyBlock {
    private final RecordCipher algorithm;
    private final byte[] material;

    private KeyBlock(RecordCipher algorithm, byte[] material) {
        this.algorithm = algorithm;
        this.material = material;
    }

    static KeyBlock of(SecurityParameters parameters) {
        RecordCipher algorithm = RecordCipher.of(parameters.getCipherSuite());
        byte[] seed = Arrays.concatenate(parameters.getServerRandom(), parameters.getClientRandom());
        int length = 2 * (algorithm.keyLength + RecordCipher.SALT_LENGTH);
        byte[] material = TlsUtils.PRF(parameters, parameters.getMasterSecret(), "key expansion", seed, length)
                .extract();
        return new KeyBlock(algorithm, material);
    }

    /** What protects the records the client writes, which the server reads. */
    RecordProtection clientWrite() throws GeneralSecurityException {
        return side(0, false);
    }

    /** What protects the records the server writes. */
    RecordProtection serverWrite() throws GeneralSecurityException {
        return side(1, true);
    }

    /** Forgets the key material, once both sides' protections are made from it. */
    void destroy() {
        Arrays.fill(material, (byte) 0);
    }

    private RecordProtection side(int index, boolean encrypt) throws GeneralSecurityException {
        int keys = 2 * algorithm.keyLength;
        int key = index * algorithm.keyLength;
        int iv = keys + index * RecordCipher.SALT_LENGTH;
        return new RecordProtection(Arrays.copyOfRange(material, key, key + algorithm.keyLength),
                Arrays.copyOfRange(material, iv, iv + RecordCipher.SALT_LENGTH), encrypt);
    }
}
