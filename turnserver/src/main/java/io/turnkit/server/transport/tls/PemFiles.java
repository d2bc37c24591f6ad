package io.turnkit.server.transport.tls;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;

/**
 * Reads the PEM files operators have (certbot's fullchain.pem and privkey.pem, OpenSSL's output): a chain of
 * certificates, and a private key as PKCS#8 ({@code PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY}) or SEC 1
 * ({@code EC PRIVATE KEY}), either of them maybe encrypted with a password.
 */
public final class PemFiles {
    private PemFiles() {
    }

    /**
     * Decrypts OpenSSL's key formats, which the JDK's providers lack; used here only, never registered. Made on the
     * first encrypted key, not before: building the provider decodes every named curve's base point, about 70 MB
     * of garbage that a server reading a plain key would otherwise start with in its heap (and its RSS).
     */
    private static final class BouncyCastle {
        static final BouncyCastleProvider PROVIDER = new BouncyCastleProvider();
    }

    /**
     * The key and chain in {@code certFile} and {@code keyFile} (which may be the same file).
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    public static CertifiedKey read(Path certFile, Path keyFile, String password) {
        List<X509Certificate> chain = new ArrayList<>();
        for (Object item : items(certFile)) {
            if (item instanceof X509CertificateHolder holder) {
                chain.add(certificate(holder, certFile));
            }
        }
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("cert " + certFile + " holds no PEM certificate");
        }
        PrivateKey key = null;
        for (Object item : items(keyFile)) {
            key = key != null ? key : privateKey(item, keyFile, password);
        }
        if (key == null) {
            throw new IllegalArgumentException("pkey " + keyFile + " holds no PEM private key");
        }
        if (!matches(key, chain.get(0))) {
            throw new IllegalArgumentException("pkey " + keyFile + " is not the key of cert " + certFile
                    + " (renewed files are read once both are written)");
        }
        return new CertifiedKey(key, chain);
    }

    /**
     * Whether {@code key} signs what the certificate's public key verifies. The TLS provider does not check,
     * and a mismatched pair would fail every handshake.
     */
    private static boolean matches(PrivateKey key, X509Certificate certificate) {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null) {
            // A key type the JDK signs only with parameters (RSASSA-PSS): the handshake will tell.
            return true;
        }
        byte[] probe = {'t', 'u', 'r', 'n'};
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static List<Object> items(Path file) {
        List<Object> items = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
             PEMParser parser = new PEMParser(reader)) {
            for (Object item = parser.readObject(); item != null; item = parser.readObject()) {
                items.add(item);
            }
        } catch (IOException | RuntimeException e) {
            // BouncyCastle reports bad base64 with unchecked exceptions: a half-written file is no crash either.
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
        }
        return items;
    }

    private static X509Certificate certificate(X509CertificateHolder holder, Path file) {
        try {
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (CertificateException e) {
            throw new IllegalArgumentException("cert " + file + ": " + e.getMessage());
        }
    }

    /** The key {@code item} is, decrypted with {@code password} if needs be; null for anything else. */
    private static PrivateKey privateKey(Object item, Path file, String password) {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try {
            if (item instanceof PEMKeyPair pair) {
                return converter.getPrivateKey(pair.getPrivateKeyInfo());
            }
            if (item instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            if (item instanceof PEMEncryptedKeyPair encrypted) {
                PEMKeyPair pair = encrypted.decryptKeyPair(new JcePEMDecryptorProviderBuilder()
                        .setProvider(BouncyCastle.PROVIDER).build(password(file, password)));
                return converter.getPrivateKey(pair.getPrivateKeyInfo());
            }
            if (item instanceof PKCS8EncryptedPrivateKeyInfo encrypted) {
                PrivateKeyInfo info = encrypted.decryptPrivateKeyInfo(new JceOpenSSLPKCS8DecryptorProviderBuilder()
                        .setProvider(BouncyCastle.PROVIDER).build(password(file, password)));
                return converter.getPrivateKey(info);
            }
            return null;
        } catch (PEMException | OperatorCreationException | PKCSException e) {
            throw new IllegalArgumentException("pkey " + file + " cannot be decrypted or read (wrong pkey-pwd?): "
                    + e.getMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException("pkey " + file + " cannot be decrypted (wrong pkey-pwd?)");
        }
    }

    private static char[] password(Path file, String password) {
        if (password == null) {
            throw new IllegalArgumentException("pkey " + file + " is encrypted: give its password with pkey-pwd");
        }
        return password.toCharArray();
    }
}
