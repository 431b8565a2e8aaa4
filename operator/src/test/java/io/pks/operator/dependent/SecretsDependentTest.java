package io.pks.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.pks.operator.TestPairs;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.model.BackupCertificates;
import io.pks.operator.model.ClusterNetwork;
import io.pks.operator.model.DesiredObjects;
import io.pks.operator.model.Names;
import io.pks.operator.model.Secrets;

class SecretsDependentTest {
  private static final PksReplicaPair PAIR = TestPairs.withBackup(false);
  private static final String BACKUP_TLS = Names.backupTlsSecret(PAIR.getMetadata().getName());

  private final AtomicInteger issued = new AtomicInteger();
  private final BackupCertificates.Issuer issuer = (pair, hosts) -> {
    issued.incrementAndGet();
    return BackupCertificates.Issuer.ofClock(Clock.systemUTC()).issue(pair, hosts);
  };
  private final SecretsDependent secrets = new SecretsDependent(new ClusterNetwork("cluster.local"),
      Secrets.PasswordSource.RANDOM, issuer);

  @Test
  void theBackupCertificatesAreIssuedWhileTheirSecretDoesNotExist() {
    List<Secret> desired = secrets.desiredObjects(PAIR, existing());
    assertThat(issued).hasValue(1);
    assertThat(desired).filteredOn(secret -> secret.getMetadata().getName().equals(BACKUP_TLS)).singleElement()
        .satisfies(secret -> assertThat(secret.getData()).containsKeys(BackupCertificates.CA_CERT, BackupCertificates.SERVER_KEY, BackupCertificates.CLIENT_CERT));
  }

  @Test
  void anExistingBackupSecretCostsNoNewKeysAndIsStillDesiredForItsOwnerReference() {
    Secret backupTls = new DesiredObjects(PAIR, new ClusterNetwork("cluster.local"))
        .secrets(Secrets.PasswordSource.NONE, BackupCertificates.Issuer.NONE).stream()
        .filter(secret -> secret.getMetadata().getName().equals(BACKUP_TLS)).findFirst().orElseThrow();
    List<Secret> desired = secrets.desiredObjects(PAIR, existing(backupTls));
    assertThat(issued).as("key pairs and certificates made for a Secret that exists").hasValue(0);
    assertThat(desired).extracting(secret -> secret.getMetadata().getName()).contains(BACKUP_TLS);
  }

  /** A reconcile's context whose informer holds {@code secrets}. */
  @SuppressWarnings("unchecked")
  private static Context<PksReplicaPair> existing(Secret... secrets) {
    return (Context<PksReplicaPair>) Proxy.newProxyInstance(SecretsDependentTest.class.getClassLoader(),
        new Class<?>[] {Context.class}, (proxy, method, args) -> switch (method.getName()) {
          case "getSecondaryResourcesAsStream" -> Stream.of(secrets);
          default -> throw new UnsupportedOperationException(method.getName());
        });
  }
}
