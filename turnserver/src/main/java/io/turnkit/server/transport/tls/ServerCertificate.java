package io.turnkit.server.transport.tls;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import javax.net.ssl.SSLException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.turnkit.server.config.ServerConfig;

/**
 * The certificate TLS connections are served with, swapped whole when its files change: a handshake takes the
 * {@link SslContext} current when it starts, so connections (and the allocations on them) already up keep
 * theirs, and new ones get the new certificate. TLS 1.3 and 1.2 only (RFC 8996 retired the older ones; RFC 8656
 * §3.1 asks for at least 1.2), by Netty's OpenSSL engine where it loads, else by the JDK's.
 */
public final class ServerCertificate {
    private static final Logger LOG = LoggerFactory.getLogger(ServerCertificate.class);
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    /** coturn's and OpenSSL's word for the provider's own choice. */
    private static final String DEFAULT_CIPHERS = "DEFAULT";
    /**
     * Netty's OpenSSL engine (netty-tcnative's BoringSSL) where its native library loads here: its handshakes and
     * records cost a fraction of the JDK engine's CPU; the JDK's engine elsewhere, so TLS never depends on it.
     */
    static final SslProvider PROVIDER = OpenSsl.isAvailable() ? SslProvider.OPENSSL
            : SslProvider.JDK;

    private final Path certFile;
    private final Path keyFile;
    private final String password;
    private final List<String> ciphers;
    private volatile SslContext context;
    private volatile CertifiedKey current;
    private X509Identity identity;
    private FileTime certModified;
    private FileTime keyModified;

    /** What a certificate is known by in logs: its subject and serial number. */
    private record X509Identity(String subject, String serial) {
        static X509Identity of(CertifiedKey key) {
            return new X509Identity(key.certificate().getSubjectX500Principal().getName(),
                    key.certificate().getSerialNumber().toString(16));
        }

        @Override
        public String toString() {
            return subject + " (serial " + serial + ")";
        }
    }

    private ServerCertificate(Path certFile, Path keyFile, String password, List<String> ciphers) {
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.password = password;
        this.ciphers = ciphers;
    }

    /**
     * The configured certificate, or, with none configured, a self-signed one for the realm and
     * {@code addresses}, said in one log line.
     *
     * @throws IllegalArgumentException naming the file or cipher that cannot be used
     */
    public static ServerCertificate of(ServerConfig config, List<InetAddress> addresses) {
        ServerCertificate certificate = new ServerCertificate(config.listeners().cert(), config.listeners().pkey(), config.listeners().pkeyPwd(),
                ciphers(config.listeners().cipherList()));
        LOG.info("TLS by {}", PROVIDER == SslProvider.OPENSSL ? OpenSsl.versionString() : "the JDK");
        if (config.listeners().cert() == null) {
            CertifiedKey generated = GeneratedCertificate.generate(config.auth().realm(), addresses);
            certificate.use(generated);
            LOG.info("TLS and DTLS use a self-signed certificate made at start for {}: give cert and pkey for one "
                    + "clients can verify", certificate.identity);
        } else {
            certificate.certModified = modified(config.listeners().cert());
            certificate.keyModified = modified(config.listeners().pkey());
            certificate.use(PemFiles.read(config.listeners().cert(), config.listeners().pkey(), config.listeners().pkeyPwd()));
        }
        return certificate;
    }

    /** An SslHandler for a new server connection, with the certificate current now. */
    public SslHandler newHandler(ByteBufAllocator allocator) {
        return context.newHandler(allocator);
    }

    /**
     * Loads the files again if either changed since they were last read. Called every few seconds from one
     * scheduler, never per connection. A pair that cannot be used (certbot writes the two files one after
     * the other) leaves the current certificate in place, to be tried at the next change.
     */
    public void reloadIfChanged() {
        if (certFile == null) {
            return;
        }
        FileTime cert = modified(certFile);
        FileTime key = modified(keyFile);
        if (Objects.equals(cert, certModified) && Objects.equals(key, keyModified)) {
            return;
        }
        try {
            use(PemFiles.read(certFile, keyFile, password));
            certModified = cert;
            keyModified = key;
            LOG.info("TLS certificate reloaded from {}: {}", certFile, identity);
        } catch (RuntimeException e) {
            // Whatever the files hold, the poller must live on to see the next change.
            LOG.warn("TLS certificate not reloaded, the previous one stays: {}", e.getMessage());
        }
    }

    private void use(CertifiedKey key) {
        SslContextBuilder builder = SslContextBuilder.forServer(key.key(), key.chain())
                .sslProvider(PROVIDER)
                .protocols(PROTOCOLS);
        if (ciphers != null) {
            builder.ciphers(ciphers, SupportedCipherSuiteFilter.INSTANCE);
        }
        try {
            context = builder.build();
        } catch (SSLException e) {
            throw new IllegalArgumentException("cert " + certFile + " and pkey " + keyFile + " do not make a TLS "
                    + "context: " + e.getMessage());
        }
        identity = X509Identity.of(key);
        current = key;
    }

    /** The key and chain new connections and DTLS handshakes get. */
    public CertifiedKey current() {
        return current;
    }

    /**
     * The suites of a cipher-list, separated by ':' (OpenSSL's way) or ','; null for {@code DEFAULT}. The JDK
     * knows suites by their IANA names only, so each name must be one it supports.
     */
    static List<String> ciphers(String cipherList) {
        if (cipherList == null || cipherList.equalsIgnoreCase(DEFAULT_CIPHERS)) {
            return null;
        }
        Set<String> supported = supportedCipherSuites();
        List<String> ciphers = new ArrayList<>();
        for (String name : cipherList.split("[:,]")) {
            String suite = name.strip();
            if (suite.isEmpty()) {
                continue;
            }
            if (!supported.contains(suite)) {
                throw new IllegalArgumentException("cipher-list: expected IANA cipher suite names the JDK supports "
                        + "(such as TLS_AES_128_GCM_SHA256 or TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256) or DEFAULT, got '"
                        + suite + "'");
            }
            ciphers.add(suite);
        }
        if (ciphers.isEmpty()) {
            throw new IllegalArgumentException("cipher-list: expected cipher suite names, got '" + cipherList + "'");
        }
        return ciphers;
    }

    private static Set<String> supportedCipherSuites() {
        try {
            return Set.copyOf(Arrays.asList(javax.net.ssl.SSLContext.getDefault().getSupportedSSLParameters()
                    .getCipherSuites()));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no TLS", e);
        }
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            // Gone for a moment (a renewal replaces the file): the next poll sees the new one.
            return null;
        }
    }
}
