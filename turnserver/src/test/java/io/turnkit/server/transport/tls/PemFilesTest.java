package io.turnkit.server.transport.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Signature;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PEM files operators have, as openssl writes them, make a key that matches the certificate. */
class PemFilesTest {
    private static final String PASSWORD = "s3cret";

    @TempDir
    Path temp;

    private Path file(String name) {
        return temp.resolve(name);
    }

    /** The key signs something the certificate's public key verifies: they belong together. */
    private static void assertMatches(CertifiedKey read) throws Exception {
        String algorithm = read.key().getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(read.key());
        signer.update(new byte[] {1, 2, 3});
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(read.certificate());
        verifier.update(new byte[] {1, 2, 3});
        assertTrue(verifier.verify(signature), "the key is the certificate's");
    }

    @Test
    void shouldReadPkcs8Key() throws Exception {
        Openssl.selfSigned(file("cert.pem"), file("key.pem"), "turn.example.com");
        CertifiedKey read = PemFiles.read(file("cert.pem"), file("key.pem"), null);
        assertEquals("CN=turn.example.com", read.certificate().getSubjectX500Principal().getName());
        assertMatches(read);
    }

    @Test
    void shouldReadPkcs1RsaKey() throws Exception {
        Openssl.run("genrsa", "-traditional", "-out", file("key.pem").toString(), "2048");
        assertTrue(Files.readString(file("key.pem")).contains("BEGIN RSA PRIVATE KEY"));
        Openssl.certificateFor(file("key.pem"), file("cert.pem"), "rsa");
        assertMatches(PemFiles.read(file("cert.pem"), file("key.pem"), null));
    }

    @Test
    void shouldReadSec1EcKey() throws Exception {
        Openssl.run("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", file("key.pem").toString());
        assertTrue(Files.readString(file("key.pem")).contains("BEGIN EC PRIVATE KEY"));
        Openssl.certificateFor(file("key.pem"), file("cert.pem"), "ec");
        assertMatches(PemFiles.read(file("cert.pem"), file("key.pem"), null));
    }

    @Test
    void shouldDecryptEncryptedPkcs8KeyWithItsPassword() throws Exception {
        Openssl.selfSigned(file("cert.pem"), file("plain.pem"), "enc");
        Openssl.run("pkcs8", "-topk8", "-in", file("plain.pem").toString(), "-out", file("key.pem").toString(),
                "-passout", "pass:" + PASSWORD);
        assertTrue(Files.readString(file("key.pem")).contains("BEGIN ENCRYPTED PRIVATE KEY"));
        assertMatches(PemFiles.read(file("cert.pem"), file("key.pem"), PASSWORD));
    }

    @Test
    void shouldDecryptLegacyEncryptedRsaKeyWithItsPassword() throws Exception {
        Openssl.run("genrsa", "-traditional", "-out", file("plain.pem").toString(), "2048");
        Openssl.run("rsa", "-in", file("plain.pem").toString(), "-aes128", "-traditional", "-passout",
                "pass:" + PASSWORD, "-out", file("key.pem").toString());
        assertTrue(Files.readString(file("key.pem")).contains("Proc-Type: 4,ENCRYPTED"));
        Openssl.certificateFor(file("plain.pem"), file("cert.pem"), "legacy");
        assertMatches(PemFiles.read(file("cert.pem"), file("key.pem"), PASSWORD));
    }

    @Test
    void shouldNameTheProblemOfAWrongOrMissingPassword() {
        Openssl.selfSigned(file("cert.pem"), file("plain.pem"), "enc");
        Openssl.run("pkcs8", "-topk8", "-in", file("plain.pem").toString(), "-out", file("key.pem").toString(),
                "-passout", "pass:" + PASSWORD);
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                () -> PemFiles.read(file("cert.pem"), file("key.pem"), "wrong"));
        assertTrue(wrong.getMessage().contains("pkey-pwd"), wrong.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> PemFiles.read(file("cert.pem"), file("key.pem"), null));
        assertTrue(missing.getMessage().contains("give its password with pkey-pwd"), missing.getMessage());
    }

    @Test
    void shouldReadAWholeChainInOrder() throws Exception {
        Openssl.selfSigned(file("leaf.pem"), file("key.pem"), "leaf");
        Openssl.selfSigned(file("ca.pem"), file("ca-key.pem"), "intermediate");
        Files.writeString(file("fullchain.pem"), Files.readString(file("leaf.pem")) + Files.readString(file("ca.pem")));
        CertifiedKey read = PemFiles.read(file("fullchain.pem"), file("key.pem"), null);
        assertEquals(2, read.chain().size());
        assertEquals("CN=intermediate", read.chain().get(1).getSubjectX500Principal().getName());
        assertMatches(read);
    }

    @Test
    void shouldRefuseAFileWithoutCertificate() throws Exception {
        Openssl.selfSigned(file("cert.pem"), file("key.pem"), "x");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PemFiles.read(file("key.pem"), file("key.pem"), null));
        assertEquals("cert " + file("key.pem") + " holds no PEM certificate", e.getMessage());
    }
}
