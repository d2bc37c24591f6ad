package io.turnkit.server.transport.tls;

import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.regex.Pattern;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A self-signed certificate made at start when TLS is wanted and none is configured: enough for clients that
 * do not check it (WebRTC checks the peer's DTLS fingerprint, not the TURN server's certificate, in many
 * deployments) and for tests. ECDSA P-256: small, fast handshakes, accepted by every current TLS stack.
 */
public final class GeneratedCertificate {
    /** Long enough for a server that is never restarted, short enough to be plainly temporary. */
    private static final Duration VALIDITY = Duration.ofDays(365);
    /** Clocks of clients may lag the server's. */
    private static final Duration BACKDATE = Duration.ofDays(1);
    private static final int SERIAL_BITS = 64;
    /** A realm that is a host name is also the certificate's DNS name (RFC 6125 §6.4). */
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?");

    private GeneratedCertificate() {
    }

    /** A new key and a certificate for it, CN {@code commonName}, with {@code addresses} as IP SANs. */
    public static CertifiedKey generate(String commonName, List<InetAddress> addresses) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
                    new BigInteger(SERIAL_BITS, new SecureRandom()), Date.from(now.minus(BACKDATE)),
                    Date.from(now.plus(VALIDITY)), name, pair.getPublic());
            List<GeneralName> names = new ArrayList<>();
            if (HOST_NAME.matcher(commonName).matches()) {
                names.add(new GeneralName(GeneralName.dNSName, commonName));
            }
            for (InetAddress address : addresses) {
                String literal = address.getHostAddress();
                int scope = literal.indexOf('%');
                names.add(new GeneralName(GeneralName.iPAddress, scope < 0 ? literal : literal.substring(0, scope)));
            }
            if (!names.isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(names.toArray(GeneralName[]::new)));
            }
            return new CertifiedKey(pair.getPrivate(), List.of(new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())))));
        } catch (GeneralSecurityException | OperatorCreationException | CertIOException e) {
            throw new IllegalStateException("cannot make a self-signed certificate: " + e.getMessage(), e);
        }
    }
}
