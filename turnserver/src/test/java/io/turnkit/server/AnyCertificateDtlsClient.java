package io.turnkit.server;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;

/**
 * A DTLS 1.2 client for tests that takes whatever certificate the server shows (it is self-signed there), and
 * tells whose it was.
 */
final class AnyCertificateDtlsClient extends DefaultTlsClient {
    private final int[] suites;
    private volatile String serverSubject;
    private volatile int suite = -1;

    AnyCertificateDtlsClient() {
        this(null);
    }

    /** A client that offers only {@code suites}, or bctls's defaults when null. */
    AnyCertificateDtlsClient(int[] suites) {
        super(new JcaTlsCryptoProvider().create(new SecureRandom()));
        this.suites = suites;
    }

    /** A handshake that cannot finish fails the test within its own deadline, as a real client gives up. */
    @Override
    public int getHandshakeTimeoutMillis() {
        return 10_000;
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return suites == null ? super.getSupportedCipherSuites() : TlsUtils.getSupportedCipherSuites(getCrypto(), suites);
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        suite = context.getSecurityParametersConnection().getCipherSuite();
    }

    /** The cipher suite the handshake agreed, once it is complete. */
    int suite() {
        return suite;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.DTLSv12.only();
    }

    /** The subject of the certificate the server showed, once the handshake has seen it. */
    String serverSubject() {
        return serverSubject;
    }

    @Override
    public TlsAuthentication getAuthentication() {
        return new TlsAuthentication() {
            @Override
            public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                try {
                    X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                            .generateCertificate(new ByteArrayInputStream(
                                    serverCertificate.getCertificate().getCertificateAt(0).getEncoded()));
                    serverSubject = certificate.getSubjectX500Principal().getName();
                } catch (CertificateException e) {
                    throw new IOException(e);
                }
            }

            @Override
            public TlsCredentials getClientCredentials(CertificateRequest certificateRequest) {
                return null;
            }
        };
    }
}
