package io.turnkit.server.transport.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The certificate made when TLS is wanted and none is configured. */
class GeneratedCertificateTest {
    @Test
    void shouldNameTheRealmAndTheListeningAddresses() throws Exception {
        List<InetAddress> addresses = List.of(InetAddress.getByName("127.0.0.1"), InetAddress.getByName("::1"));
        X509Certificate certificate = GeneratedCertificate.generate("turn.example.com", addresses).certificate();
        assertEquals("CN=turn.example.com", certificate.getSubjectX500Principal().getName());
        List<String> names = new ArrayList<>();
        certificate.getSubjectAlternativeNames().forEach(name -> names.add(name.get(0) + " " + name.get(1)));
        assertEquals(List.of("2 turn.example.com", "7 127.0.0.1", "7 0:0:0:0:0:0:0:1"), names);
    }

    @Test
    void shouldBeASelfSignedP256CertificateValidNow() throws Exception {
        CertifiedKey generated = GeneratedCertificate.generate("realm with spaces", List.of());
        X509Certificate certificate = generated.certificate();
        certificate.verify(certificate.getPublicKey());
        certificate.checkValidity(new Date());
        assertEquals("EC", generated.key().getAlgorithm());
        assertEquals(256, ((ECPublicKey) certificate.getPublicKey()).getParams().getOrder().bitLength());
        assertTrue(certificate.getSubjectAlternativeNames() == null
                || certificate.getSubjectAlternativeNames().isEmpty(), "a realm that is no host name is no DNS name");
    }

    @Test
    void shouldMakeANewKeyEachTime() {
        assertNotEquals(GeneratedCertificate.generate("a", List.of()).certificate().getPublicKey(),
                GeneratedCertificate.generate("a", List.of()).certificate().getPublicKey());
    }
}
