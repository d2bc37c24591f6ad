package io.turnkit.server.transport.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslEngine;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.turnkit.server.config.ServerConfig;

/** cipher-list, and certificate files that cannot serve. */
class ServerCertificateTest {
    @TempDir
    Path temp;

    @Test
    void shouldTakeIanaNamesSeparatedByColonsOrCommas() {
        assertEquals(List.of("TLS_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"),
                ServerCertificate.ciphers("TLS_AES_128_GCM_SHA256:TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"));
        assertEquals(List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"),
                ServerCertificate.ciphers("TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384"));
    }

    @Test
    void shouldLeaveDefaultToTheProvider() {
        assertNull(ServerCertificate.ciphers("DEFAULT"));
        assertNull(ServerCertificate.ciphers(null));
    }

    @Test
    void shouldNameACipherTheJdkDoesNotKnow() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServerCertificate.ciphers("TLS_AES_128_GCM_SHA256:ECDHE-RSA-AES128-GCM-SHA256"));
        assertTrue(e.getMessage().startsWith("cipher-list: expected IANA cipher suite names"), e.getMessage());
        assertTrue(e.getMessage().endsWith("got 'ECDHE-RSA-AES128-GCM-SHA256'"), e.getMessage());
    }

    /** netty-tcnative's BoringSSL ships for Linux x86-64, the platform this project builds and tests on. */
    @Test
    void shouldServeByOpenSslWhereItsLibraryLoads() {
        assumeTrue(System.getProperty("os.name").equals("Linux") && System.getProperty("os.arch").equals("amd64"));
        assertTrue(OpenSsl.isAvailable(), () -> "OpenSSL does not load: " + OpenSsl.unavailabilityCause());
        ServerCertificate certificate = ServerCertificate.of(ServerConfig.builder().auth(au -> au.realm("r"))
                .listeners(ls -> ls.cipherList("TLS_AES_128_GCM_SHA256:TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"))
                .build(), List.of());
        SslHandler handler = certificate.newHandler(ByteBufAllocator.DEFAULT);
        try {
            assertTrue(handler.engine() instanceof OpenSslEngine, handler.engine().getClass().getName());
            assertTrue(List.of(handler.engine().getEnabledCipherSuites())
                    .contains("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"),
                    () -> List.of(handler.engine().getEnabledCipherSuites()).toString());
        } finally {
            ReferenceCountUtil.release(handler.engine());
        }
    }

    @Test
    void shouldNameAMissingCertificateFile() {
        ServerConfig config = ServerConfig.builder().auth(au -> au.realm("r")).listeners(ls -> ls.cert(temp.resolve("none.pem"))
                .pkey(temp.resolve("key.pem"))).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServerCertificate.of(config, List.of()));
        assertTrue(e.getMessage().startsWith("cannot read " + temp.resolve("none.pem")), e.getMessage());
    }

    @Test
    void shouldRefuseAKeyThatIsNotTheCertificates() {
        Openssl.selfSigned(temp.resolve("cert.pem"), temp.resolve("key.pem"), "one");
        Openssl.selfSigned(temp.resolve("other.pem"), temp.resolve("other-key.pem"), "two");
        ServerConfig config = ServerConfig.builder().auth(au -> au.realm("r")).listeners(ls -> ls.cert(temp.resolve("cert.pem"))
                .pkey(temp.resolve("other-key.pem"))).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServerCertificate.of(config, List.of()));
        assertTrue(e.getMessage().startsWith("pkey " + temp.resolve("other-key.pem") + " is not the key of cert"),
                e.getMessage());
    }

    @Test
    void shouldReloadARenewedPairOnlyOnceBothFilesMatch() throws Exception {
        Path cert = temp.resolve("fullchain.pem");
        Path key = temp.resolve("privkey.pem");
        Openssl.selfSigned(cert, key, "first");
        ServerCertificate certificate = ServerCertificate.of(ServerConfig.builder().auth(au -> au.realm("r")).listeners(ls -> ls.cert(cert).pkey(key))
                .build(), List.of());
        certificate.reloadIfChanged();
        assertEquals("CN=first", subject(certificate));

        // A renewal writes the certificate first: with the old key beside it, the pair is not taken.
        Openssl.selfSigned(temp.resolve("new-cert.pem"), temp.resolve("new-key.pem"), "second");
        Files.move(temp.resolve("new-cert.pem"), cert, StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(cert, FileTime.from(Instant.now().plusSeconds(5)));
        certificate.reloadIfChanged();
        assertEquals("CN=first", subject(certificate));

        Files.move(temp.resolve("new-key.pem"), key, StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(key, FileTime.from(Instant.now().plusSeconds(6)));
        certificate.reloadIfChanged();
        assertEquals("CN=second", subject(certificate));
    }

    @Test
    void shouldKeepTheCertificateWhileAFileIsHalfWritten() throws Exception {
        Path cert = temp.resolve("cert.pem");
        Path key = temp.resolve("key.pem");
        Openssl.selfSigned(cert, key, "kept");
        ServerCertificate certificate = ServerCertificate.of(ServerConfig.builder().auth(au -> au.realm("r")).listeners(ls -> ls.cert(cert).pkey(key))
                .build(), List.of());
        Files.writeString(cert, "-----BEGIN CERTIFICATE-----\nMIIB*!\n-----END CERTIFICATE-----\n");
        Files.setLastModifiedTime(cert, FileTime.from(Instant.now().plusSeconds(5)));
        certificate.reloadIfChanged();
        assertEquals("CN=kept", subject(certificate));
        assertNotNull(certificate.newHandler(ByteBufAllocator.DEFAULT), "still serves");
    }

    private static String subject(ServerCertificate certificate) {
        return certificate.current().certificate().getSubjectX500Principal().getName();
    }
}
