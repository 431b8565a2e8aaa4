package io.pks.operator.model;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pks.operator.TestPairs;
import io.pks.operator.api.v1alpha1.BackupSpec;
import io.pks.operator.api.v1alpha1.ObjectStore;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.api.v1alpha1.RecoverySpec;
import io.pks.operator.validation.SpecCase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * For every valid pair of the corpus, no object the builders produce holds a password, except the
 * generated Secret that stores it; and passwords reach the pods only as files from Secret volumes
 * (or secretKeyRef), never as an argument, a command or a literal environment value.
 */
class SecretsNeverLeakTest {

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.pks.operator.validation.SpecCase#allValid")
  void noObjectButItsSecretHoldsAPassword(SpecCase valid) {
    PksReplicaPair pair = TestPairs.fromJson(valid.resource());
    List<String> generated = new ArrayList<>();
    Secrets.PasswordSource passwords = () -> {
      generated.add("Leak" + generated.size() + Secrets.PasswordSource.RANDOM.next());
      return generated.get(generated.size() - 1);
    };
    List<HasMetadata> objects = new DesiredObjects(pair, new ClusterNetwork(ClusterNetwork.DEFAULT_CLUSTER_DOMAIN))
        .all(passwords);

    for (HasMetadata object : objects) {
      String text = Serialization.asYaml(object instanceof Secret secret ? withoutPassword(secret) : object);
      for (String password : generated) {
        assertThat(text).as(object.getKind() + "/" + object.getMetadata().getName())
            .doesNotContain(password).doesNotContain(base64(password));
      }
    }
    String backupTls = Names.backupTlsSecret(pair.getMetadata().getName());
    assertThat(objects).filteredOn(Secret.class::isInstance)
        .filteredOn(secret -> !secret.getMetadata().getName().equals(backupTls)).hasSize(generated.size());
    assertThat(objects).filteredOn(object -> object.getMetadata().getName().equals(backupTls))
        .as("rendered for review, the backups' TLS Secret holds no key").allMatch(secret -> ((Secret) secret)
            .getData().isEmpty());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.pks.operator.validation.SpecCase#allValid")
  void passwordsReachPodsOnlyAsSecretFiles(SpecCase valid) {
    PksReplicaPair pair = TestPairs.fromJson(valid.resource());
    Set<String> pairSecrets = new HashSet<>(Set.of(Names.superuserSecret(pair), Names.replicationSecret(pair)));
    pair.getSpec().replication().tlsSecret().ifPresent(pairSecrets::add);
    pair.getSpec().backups().map(BackupSpec::objectStore).ifPresent(store -> storeSecrets(store, pairSecrets));
    pair.getSpec().backups().ifPresent(backup -> pairSecrets.add(Names.backupTlsSecret(pair.getMetadata().getName())));
    pair.getSpec().recovery().map(RecoverySpec::objectStore).ifPresent(store -> storeSecrets(store, pairSecrets));
    var templates = PodTemplates.everyPod(pair);
    Set<String> mounted = new HashSet<>();

    assertThat(templates).hasSize(PodTemplates.count(pair));
    templates.forEach((owner, template) -> {
      PodSpec pod = template.getSpec();
      for (Container container : Stream.of(pod.getInitContainers(), pod.getContainers()).flatMap(List::stream).toList()) {
        String where = owner + " container " + container.getName();
        assertThat(container.getEnvFrom()).as(where).isEmpty();
        assertThat(container.getEnv()).as(where).allSatisfy(env -> {
          assertThat(env.getName().toLowerCase()).doesNotContain("password");
          if (env.getValueFrom() != null) {
            assertThat(env.getValueFrom().getSecretKeyRef()).as(where + " " + env.getName()).isNotNull();
            assertThat(pairSecrets).contains(env.getValueFrom().getSecretKeyRef().getName());
          }
        });
        assertThat(Stream.concat(container.getCommand().stream(), container.getArgs().stream()))
            .as(where).noneMatch(word -> word.toLowerCase().contains("password"));
      }
      pod.getVolumes().stream().map(Volume::getSecret).filter(Objects::nonNull).forEach(secret -> {
        assertThat(pairSecrets).as(owner).contains(secret.getSecretName());
        assertThat(secret.getDefaultMode()).as(owner).isEqualTo(0440);
        mounted.add(secret.getSecretName());
      });
    });
    assertThat(mounted).isEqualTo(pairSecrets);
  }

  private static void storeSecrets(ObjectStore store, Set<String> secrets) {
    secrets.add(store.credentialsSecret());
    if (store.caSecret() != null) {
      secrets.add(store.caSecret());
    }
  }

  private static Secret withoutPassword(Secret secret) {
    Secret copy = Serialization.clone(secret);
    copy.getData().remove(Secrets.PASSWORD);
    return copy;
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
