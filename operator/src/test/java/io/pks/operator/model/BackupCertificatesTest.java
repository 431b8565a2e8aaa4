package io.pks.operator.model;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Secret;
import io.pks.operator.TestPairs;
import io.pks.operator.api.v1alpha1.PksReplicaPair;

import static org.assertj.core.api.Assertions.assertThat;

/** The CA, server and client certificates of the backups' TLS, and the Secret that carries them. */
class BackupCertificatesTest {
  private static final PksReplicaPair PAIR = TestPairs.withBackup(false);
  private static final Instant NOW = Instant.parse("2026-12-01T04:00:00Z");
  private static final List<String> HOSTS = List.of("pks-site-a-0.pks-site-a.telephony.svc.cluster.local",
      "10.244.1.7");
  private static final KeyPair CA = BackupCertificates.newKey();
  private static final KeyPair SERVER = BackupCertificates.newKey();
  private static final KeyPair CLIENT = BackupCertificates.newKey();
  private static final Map<String, String> FILES = BackupCertificates.files(PAIR, HOSTS, CA, SERVER, CLIENT, NOW);

  private static X509Certificate certificate(String file) throws Exception {
    return (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(FILES.get(file).getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void theCaIsACaOfThePairsOwnThatSignsBothLeaves() throws Exception {
    X509Certificate ca = certificate("ca.crt");
    assertThat(ca.getSubjectX500Principal().getName()).isEqualTo("CN=pks-backup-ca telephony/pks");
    assertThat(ca.getBasicConstraints()).as("a CA").isGreaterThanOrEqualTo(0);
    ca.verify(CA.getPublic());
    certificate("tls.crt").verify(CA.getPublic());
    certificate("client.crt").verify(CA.getPublic());
  }

  @Test
  void theServerCertificateNamesEveryHostAMemberIsReachedAt() throws Exception {
    X509Certificate server = certificate("tls.crt");
    assertThat(server.getSubjectAlternativeNames()).extracting(name -> name.get(0) + " " + name.get(1))
        .containsExactly("2 pks-site-a-0.pks-site-a.telephony.svc.cluster.local", "7 10.244.1.7");
    assertThat(server.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
    assertThat(server.getBasicConstraints()).as("not a CA").isEqualTo(-1);
    assertThat(server.getPublicKey()).isEqualTo(SERVER.getPublic());
  }

  @Test
  void theClientCertificateCarriesTheNameTheServerAdmits() throws Exception {
    X509Certificate client = certificate("client.crt");
    assertThat(client.getSubjectX500Principal().getName()).isEqualTo("CN=" + BackupCertificates.CLIENT_NAME);
    assertThat(client.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
    assertThat(client.getSubjectAlternativeNames()).isNull();
    assertThat(client.getPublicKey()).isEqualTo(CLIENT.getPublic());
  }

  @Test
  void everyCertificateIsValidForTenYearsFromAMinuteAgo() throws Exception {
    for (String file : List.of("ca.crt", "tls.crt", "client.crt")) {
      X509Certificate certificate = certificate(file);
      assertThat(certificate.getNotBefore().toInstant()).as(file).isEqualTo(NOW.minusSeconds(60));
      assertThat(Duration.between(certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant()))
          .as(file).isEqualTo(Duration.ofDays(3650));
    }
  }

  @Test
  void theKeysArePkcs8PemOfTheirPairs() {
    String serverKey = Base64.getEncoder().encodeToString(SERVER.getPrivate().getEncoded());
    assertThat(FILES.get("tls.key")).startsWith("-----BEGIN PRIVATE KEY-----")
        .contains(serverKey.substring(0, 60));
    String clientKey = Base64.getEncoder().encodeToString(CLIENT.getPrivate().getEncoded());
    assertThat(FILES.get("client.key")).startsWith("-----BEGIN PRIVATE KEY-----")
        .contains(clientKey.substring(0, 60));
    assertThat(FILES).containsOnlyKeys("ca.crt", "tls.crt", "tls.key", "client.crt", "client.key");
  }

  @Test
  void theSecretIsThePairsWithTheFilesAsData() {
    Secret secret = BackupCertificates.secret(PAIR, FILES);
    assertThat(secret.getMetadata().getName()).isEqualTo("pks-backup-tls");
    assertThat(secret.getMetadata().getNamespace()).isEqualTo("telephony");
    assertThat(secret.getMetadata().getLabels()).containsEntry("app.kubernetes.io/instance", "pks");
    assertThat(secret.getType()).isEqualTo("Opaque");
    assertThat(new String(Base64.getDecoder().decode(secret.getData().get("ca.crt")), StandardCharsets.US_ASCII))
        .isEqualTo(FILES.get("ca.crt"));
    assertThat(BackupCertificates.secret(PAIR, null).getData()).as("rendered for review").isEmpty();
  }

  @Test
  void aPairWithBackupsGetsTheSecretIssuedForItsMembersHostsAndAPairWithoutNone() throws Exception {
    ClusterNetwork network = new ClusterNetwork("cluster.local");
    Map<String, List<String>> issuedFor = new HashMap<>();
    BackupCertificates.Issuer recording = (pair, hosts) -> {
      issuedFor.put(pair.getMetadata().getName(), hosts);
      return FILES;
    };
    assertThat(new DesiredObjects(PAIR, network).secrets(Secrets.PasswordSource.NONE, recording))
        .extracting(s -> s.getMetadata().getName()).contains("pks-backup-tls");
    assertThat(issuedFor.get("pks")).containsExactly("pks-site-a-0.pks-site-a.telephony.svc.cluster.local",
        "pks-site-b-0.pks-site-b.telephony.svc.cluster.local");
    assertThat(new DesiredObjects(TestPairs.example(), network)
        .secrets(Secrets.PasswordSource.NONE, recording)).extracting(s -> s.getMetadata().getName())
        .doesNotContain("pks-backup-tls");
  }
}
