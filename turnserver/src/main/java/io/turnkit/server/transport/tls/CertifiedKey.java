package io.turnkit.server.transport.tls;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/** A private key and its certificate chain, the server's own certificate first (RFC 8446 §4.4.2). */
public record CertifiedKey(PrivateKey key, List<X509Certificate> chain) {
    public CertifiedKey {
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("expected at least one certificate, got none");
        }
        chain = List.copyOf(chain);
    }

    /** The server's own certificate. */
    public X509Certificate certificate() {
        return chain.get(0);
    }
}
