package io.pks.operator.model;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Secret;
import io.pks.operator.TestPairs;
import io.pks.operator.api.v1alpha1.PksReplicaPair;

import static org.assertj.core.api.Assertions.assertThat;

class SecretsTest {
  private static final PksReplicaPair PAIR = TestPairs.example();

  private static String decoded(Secret secret, String key) {
    return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
  }

  @Test
  void superuserSecretHasUsernameAndRandomPassword() {
    Secret first = Secrets.generated(PAIR, Secrets.Kind.SUPERUSER, Secrets.PasswordSource.RANDOM);
    Secret second = Secrets.generated(PAIR, Secrets.Kind.SUPERUSER, Secrets.PasswordSource.RANDOM);
    assertThat(first.getMetadata().getName()).isEqualTo("pks-superuser");
    assertThat(first.getType()).isEqualTo("kubernetes.io/basic-auth");
    assertThat(decoded(first, "username")).isEqualTo("postgres");
    assertThat(decoded(first, "password")).hasSize(32).matches("[A-Za-z0-9]+")
        .isNotEqualTo(decoded(second, "password"));
    assertThat(first.getMetadata().getLabels()).containsEntry("pks.io/pair", "pks")
        .containsEntry("app.kubernetes.io/managed-by", "pks-operator");
  }

  @Test
  void replicationSecretHasOnlyThePassword() {
    Secret secret = Secrets.generated(PAIR, Secrets.Kind.REPLICATION, Secrets.PasswordSource.RANDOM);
    assertThat(secret.getMetadata().getName()).isEqualTo("pks-replication");
    assertThat(secret.getData()).containsOnlyKeys("password");
  }

  @Test
  void suppliedSecretsAreNotGenerated() {
    PksReplicaPair supplied = TestPairs.example(json -> {
      TestPairs.spec(json).with("postgres").put("superuserSecret", "admin-creds");
      TestPairs.spec(json).with("replication").put("passwordSecret", "repl-creds");
    });
    assertThat(new DesiredObjects(supplied, new ClusterNetwork("cluster.local"))
        .secrets(Secrets.PasswordSource.RANDOM, BackupCertificates.Issuer.NONE)).isEmpty();
  }

  @Test
  void withoutAPasswordSourceNoValueIsPrinted() {
    Secret secret = Secrets.generated(PAIR, Secrets.Kind.REPLICATION, Secrets.PasswordSource.NONE);
    assertThat(secret.getData()).isEmpty();
  }
}
