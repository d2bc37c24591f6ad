package io.turnkit.store.credential;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for 127.0.0.1 with an EC key, made by the JDK's keytool: in a PKCS12 key store, the
 * form a JVM trusts through {@code -Djavax.net.ssl.trustStore=…}, and as PEM files, the form redis-server serves.
 * For the tests of Redis over TLS ({@code rediss://}), here and in the modules that use the stores.
 *
 * @param keyStore       the PKCS12 key store
 * @param certificatePem the certificate as a PEM file, for redis-server's {@code --tls-cert-file}
 * @param privateKeyPem  the private key as a PEM file, for redis-server's {@code --tls-key-file}
 */
public record RedisCertificate(Path keyStore, Path certificatePem, Path privateKeyPem) {
    private static final String STORE_PASSWORD = "changeit";
    private static final String ALIAS = "redis";
    private static final long KEYTOOL_SECONDS = 30;

    /** Makes the key pair and certificate in {@code dir}. */
    public static RedisCertificate create(Path dir) throws IOException, GeneralSecurityException, InterruptedException {
        Files.createDirectories(dir);
        Path keyStore = dir.resolve("redis.p12");
        Path log = dir.resolve("keytool.log");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", ALIAS, "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "san=ip:127.0.0.1", "-validity", "2",
                "-keystore", keyStore.toString(), "-storetype", "PKCS12", "-storepass", STORE_PASSWORD)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean exited = process.waitFor(KEYTOOL_SECONDS, TimeUnit.SECONDS);
        if (!exited) {
            process.destroyForcibly();
        }
        if (!exited || process.exitValue() != 0) {
            throw new AssertionError("keytool failed: " + Files.readString(log));
        }
        KeyStore store = KeyStore.getInstance(keyStore.toFile(), STORE_PASSWORD.toCharArray());
        return new RedisCertificate(keyStore,
                pem(dir, "CERTIFICATE", store.getCertificate(ALIAS).getEncoded()),
                pem(dir, "PRIVATE KEY", store.getKey(ALIAS, STORE_PASSWORD.toCharArray()).getEncoded()));
    }

    /** What runs while the JVM trusts the certificate. */
    @FunctionalInterface
    public interface Trusting {
        void run() throws Exception;
    }

    /**
     * Runs {@code body} with this JVM trusting the certificate the way an operator has turnkit trust a private CA
     * (docs/configuration.md, Users in Redis): the {@code javax.net.ssl.trustStore} system properties, put back as
     * they were after.
     */
    public void whileTrustedByTheJvm(Trusting body) throws Exception {
        Map<String, String> trust = Map.of("javax.net.ssl.trustStore", keyStore.toString(),
                "javax.net.ssl.trustStorePassword", STORE_PASSWORD, "javax.net.ssl.trustStoreType", "PKCS12");
        Map<String, String> before = new HashMap<>();
        trust.forEach((name, value) -> before.put(name, System.setProperty(name, value)));
        try {
            body.run();
        } finally {
            before.forEach((name, value) -> {
                if (value == null) {
                    System.clearProperty(name);
                } else {
                    System.setProperty(name, value);
                }
            });
        }
    }

    /** {@code der} in a PEM file of {@code type} ("CERTIFICATE", "PRIVATE KEY"), the form redis-server reads. */
    private static Path pem(Path dir, String type, byte[] der) {
        Path file = dir.resolve(type.toLowerCase(Locale.ROOT).replace(' ', '-') + ".pem");
        try {
            Files.writeString(file, "-----BEGIN " + type + "-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                    + "\n-----END " + type + "-----\n", StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return file;
    }
}
