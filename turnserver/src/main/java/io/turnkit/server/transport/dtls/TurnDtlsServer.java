package io.turnkit.server.transport.dtls;

import java.io.IOException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Vector;

import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;

import io.turnkit.server.transport.tls.CertifiedKey;

/**
 * The server side of one DTLS handshake (bctls makes a context per handshake): DTLS 1.2 (RFC 6347; RFC 8656 §3.1
 * asks for at least 1.2), forward-secret ECDHE suites with AEAD ciphers, signed with the key of the TLS certificate
 * current when the handshake started, and a limit on the handshake's whole length. Once the handshake is complete
 * it holds the session's keys.
 */
final class TurnDtlsServer extends DefaultTlsServer {
    /**
     * ECDHE with AES-GCM only (RFC 9325 §4.2 recommends AEAD ciphers alone for TLS 1.2), with which the server
     * protects the session's records itself ({@link RecordCipher}); the signature is the certificate key's.
     * ChaCha20-Poly1305 is not offered: bctls's JCA crypto does not find the JDK's cipher of that name for its own
     * part of the handshake.
     */
    private static final int[] ECDSA_SUITES = {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    };
    private static final int[] RSA_SUITES = {
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    };

    private final JcaTlsCrypto crypto;
    private final CertifiedKey key;
    private final int timeoutMillis;
    private volatile KeyBlock keys;

    TurnDtlsServer(JcaTlsCrypto crypto, CertifiedKey key, int timeoutMillis) {
        super(crypto);
        this.crypto = crypto;
        this.key = key;
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.DTLSv12.only();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return TlsUtils.getSupportedCipherSuites(crypto, isEc() ? ECDSA_SUITES : RSA_SUITES);
    }

    @Override
    public int getHandshakeTimeoutMillis() {
        return timeoutMillis;
    }

    /** The session's keys, from the master secret the handshake agreed (RFC 5246 §6.3). */
    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        keys = KeyBlock.of(context.getSecurityParametersConnection());
    }

    /** The session's keys once the handshake is complete, else null. */
    KeyBlock keys() {
        return keys;
    }

    @Override
    protected TlsCredentialedSigner getECDSASignerCredentials() throws IOException {
        return signer(SignatureAlgorithm.ecdsa);
    }

    @Override
    protected TlsCredentialedSigner getRSASignerCredentials() throws IOException {
        return signer(SignatureAlgorithm.rsa);
    }

    private boolean isEc() {
        return "EC".equals(key.key().getAlgorithm());
    }

    /**
     * The certificate's key as a signer, with the first of the client's signature algorithms that fits it (RFC 5246
     * §7.4.1.4.1), or SHA-256 when the client named none.
     */
    private TlsCredentialedSigner signer(short signature) throws IOException {
        SignatureAndHashAlgorithm chosen = SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, signature);
        Vector<?> offered = context.getSecurityParametersHandshake().getClientSigAlgs();
        if (offered != null) {
            for (Object candidate : offered) {
                SignatureAndHashAlgorithm algorithm = (SignatureAndHashAlgorithm) candidate;
                if (algorithm.getSignature() == signature && algorithm.getHash() != HashAlgorithm.sha1) {
                    chosen = algorithm;
                    break;
                }
            }
        }
        return new JcaDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, key.key(),
                certificate(key.chain()), chosen);
    }

    private Certificate certificate(List<X509Certificate> chain) throws IOException {
        TlsCertificate[] certificates = new TlsCertificate[chain.size()];
        try {
            for (int i = 0; i < certificates.length; i++) {
                certificates[i] = crypto.createCertificate(chain.get(i).getEncoded());
            }
        } catch (CertificateEncodingException e) {
            throw new TlsFatalAlert(AlertDescription.internal_error, e);
        }
        return new Certificate(certificates);
    }
}
