package io.pks.operator.model;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.pks.operator.api.v1alpha1.PksReplicaPair;

/**
 * The TLS of a pair's base backups from the standby: the primary's pgBackRest (the client) reads
 * the standby's files through the standby's {@code pgbackrest server}. A CA of the pair's own signs
 * a server certificate, naming every member's host (either may be the standby), and a client
 * certificate whose common name {@link #CLIENT_NAME} the server admits for the pair's stanza only
 * ({@code tls-server-auth}). The operator issues them once into the Secret
 * {@code <pair>-backup-tls}; they are valid {@link #VALIDITY} and are re-issued only when that
 * Secret is deleted (the members read the new files when they next start).
 */
public final class BackupCertificates {
  private BackupCertificates() {
  }

  public static final String CA_CERT = "ca.crt";
  public static final String SERVER_CERT = "tls.crt";
  public static final String SERVER_KEY = "tls.key";
  public static final String CLIENT_CERT = "client.crt";
  public static final String CLIENT_KEY = "client.key";
  /** The client certificate's common name, which the standby's server admits for the pair's stanza. */
  public static final String CLIENT_NAME = "pks-backup";
  /** Long, so that renewal is a rare, stated act: deleting the Secret. */
  public static final Duration VALIDITY = Duration.ofDays(3650);
  /** Signatures are made a minute in the past, so a member's clock a little behind still accepts them. */
  private static final Duration CLOCK_SKEW = Duration.ofMinutes(1);
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final String SIGNATURE = "SHA256withECDSA";

  /** Issues the files; {@link #NONE} when rendering for review, where no key may be made. */
  @FunctionalInterface
  public interface Issuer {
    /** The Secret's files for {@code serverHosts}, or null to build the Secret without a value. */
    Map<String, String> issue(PksReplicaPair pair, List<String> serverHosts);

    Issuer NONE = (pair, hosts) -> null;

    /** New P-256 keys each time, valid from {@code clock}'s now. */
    static Issuer ofClock(Clock clock) {
      return (pair, hosts) -> files(pair, hosts, newKey(), newKey(), newKey(), clock.instant());
    }
  }

  /**
   * The Secret {@code <pair>-backup-tls} of a pair with spec.backup, with {@code files} (none when
   * null). Owned by the pair: the certificates are worth nothing without it.
   */
  public static Secret secret(PksReplicaPair pair, Map<String, String> files) {
    String name = pair.getMetadata().getName();
    Map<String, String> data = new LinkedHashMap<>();
    if (files != null) {
      files.forEach((key, value) ->
          data.put(key, Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))));
    }
    return new SecretBuilder()
        .withMetadata(ObjectMetas.of(pair, Names.backupTlsSecret(name), Labels.pair(name)))
        .withType("Opaque")
        .withData(data)
        .build();
  }

  /**
   * The CA, the server's and the client's certificates (PEM) and the two keys (PKCS#8 PEM).
   *
   * @param serverHosts the names (or IPv4 addresses) the members are reached at, in the server certificate
   */
  public static Map<String, String> files(PksReplicaPair pair, List<String> serverHosts, KeyPair ca, KeyPair server,
      KeyPair client, Instant now) {
    X500Name caName = new X500Name("CN=pks-backup-ca " + pair.ref());
    X509Certificate caCert = sign(caName, ca, caName, ca, now, 1, caExtensions());
    X509Certificate serverCert = sign(caName, ca, new X500Name("CN=pks-backup-server " + pair.ref()), server, now, 2,
        leafExtensions(KeyPurposeId.id_kp_serverAuth, serverHosts));
    X509Certificate clientCert = sign(caName, ca, new X500Name("CN=" + CLIENT_NAME), client, now, 3,
        leafExtensions(KeyPurposeId.id_kp_clientAuth, List.of()));
    Map<String, String> files = new LinkedHashMap<>();
    files.put(CA_CERT, pem(caCert));
    files.put(SERVER_CERT, pem(serverCert));
    files.put(SERVER_KEY, pem(server.getPrivate()));
    files.put(CLIENT_CERT, pem(clientCert));
    files.put(CLIENT_KEY, pem(client.getPrivate()));
    return files;
  }

  /** A certificate extension: its identifier, whether critical, its value. */
  private record Ext(ASN1ObjectIdentifier id, boolean critical, ASN1Encodable value) {
  }

  private static List<Ext> caExtensions() {
    return List.of(new Ext(Extension.basicConstraints, true, new BasicConstraints(true)),
        new Ext(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)));
  }

  private static List<Ext> leafExtensions(KeyPurposeId purpose, List<String> hosts) {
    List<Ext> extensions = new ArrayList<>(List.of(
        new Ext(Extension.basicConstraints, true, new BasicConstraints(false)),
        new Ext(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature)),
        new Ext(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))));
    if (!hosts.isEmpty()) {
      GeneralName[] names = hosts.stream().map(host -> new GeneralName(IPV4.matcher(host).matches()
          ? GeneralName.iPAddress : GeneralName.dNSName, host)).toArray(GeneralName[]::new);
      extensions.add(new Ext(Extension.subjectAlternativeName, false, new GeneralNames(names)));
    }
    return extensions;
  }

  private static X509Certificate sign(X500Name issuer, KeyPair issuerKey, X500Name subject, KeyPair subjectKey,
      Instant now, long serial, List<Ext> extensions) {
    try {
      Instant from = now.minus(CLOCK_SKEW);
      JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(serial),
          Date.from(from), Date.from(from.plus(VALIDITY)), subject, subjectKey.getPublic());
      for (Ext extension : extensions) {
        builder.addExtension(extension.id(), extension.critical(), extension.value());
      }
      return new JcaX509CertificateConverter().getCertificate(builder.build(
          new JcaContentSignerBuilder(SIGNATURE).build(issuerKey.getPrivate())));
    } catch (CertIOException | OperatorCreationException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign a certificate with " + SIGNATURE, e);
    }
  }

  private static String pem(Object object) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(object instanceof PrivateKey key ? new JcaPKCS8Generator(key, null) : object);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write PEM", e);
    }
    return text.toString();
  }

  static KeyPair newKey() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RandomHolder.RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM cannot make P-256 keys", e);
    }
  }

  private static final class RandomHolder {
    static final SecureRandom RANDOM = new SecureRandom();
  }
}
