package io.turnkit.server;

import java.security.SecureRandom;

import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;

/** A DTLS 1.2 client for tests that takes whatever certificate the server shows (it is self-signed there). */
final class AnyCertificateDtlsClient extends DefaultTlsClient {
    AnyCertificateDtlsClient() {
        super(new JcaTlsCryptoProvider().create(new SecureRandom()));
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.DTLSv12.only();
    }

    @Override
    public TlsAuthentication getAuthentication() {
        return new TlsAuthentication() {
            @Override
            public void notifyServerCertificate(TlsServerCertificate serverCertificate) {
                // Any: the tests check what goes through the session, not who the server is.
            }

            @Override
            public TlsCredentials getClientCredentials(CertificateRequest certificateRequest) {
                return null;
            }
        };
    }
}
