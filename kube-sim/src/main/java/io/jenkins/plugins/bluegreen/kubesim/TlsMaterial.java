package io.jenkins.plugins.bluegreen.kubesim;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A self-signed certificate for 127.0.0.1 and localhost (as IP and DNS subject alternative
 * names, which Go clients like kubectl insist on), made fresh for each sim. Immutable.
 *
 * @param certificatePem the certificate, also the CA clients trust
 * @param privateKeyPem its PKCS#8 key
 */
record TlsMaterial(String certificatePem, String privateKeyPem) {

    static TlsMaterial selfSigned() {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
            gen.initialize(2048, new SecureRandom());
            KeyPair keys = gen.generateKeyPair();
            X500Name subject = new X500Name("CN=kube-sim");
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    subject,
                    new BigInteger(64, new SecureRandom()),
                    Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(Duration.ofDays(365))),
                    subject,
                    keys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")
            }));
            X509CertificateHolder cert =
                    builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate()));
            return new TlsMaterial(
                    pem("CERTIFICATE", cert.getEncoded()),
                    pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
        } catch (Exception e) {
            throw new IllegalStateException("kube-sim could not make a self-signed certificate", e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    String certificateBase64() {
        return Base64.getEncoder().encodeToString(certificatePem.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
