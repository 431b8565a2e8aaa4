package io.pks.operator.reconciler;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.pks.operator.TestPairs;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.model.Names;
import io.pks.operator.postgres.Credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The generated Secrets come from the informer cache, without a request to the API server; a
 * Secret outside the cache is read from the API. The client here points where nothing listens, so
 * any request it makes fails the read.
 */
class PairCredentialsTest {
  private static final PksReplicaPair PAIR = TestPairs.example();

  private static KubernetesClient unreachableApi() {
    return new KubernetesClientBuilder().withConfig(new ConfigBuilder().withMasterUrl("https://127.0.0.1:1")
        .withRequestTimeout(1000).withConnectionTimeout(1000).withRequestRetryBackoffLimit(0).build()).build();
  }

  private static Secret superuserSecret(String password) {
    return new SecretBuilder().withNewMetadata().withName(Names.superuserSecret(PAIR))
        .withNamespace(PAIR.getMetadata().getNamespace()).endMetadata()
        .withData(Map.of("password", Base64.getEncoder().encodeToString(password.getBytes(StandardCharsets.UTF_8))))
        .build();
  }

  @Test
  void aSecretInTheInformerCacheIsReadWithoutARequest() {
    Secret secret = superuserSecret("s3cret");
    ResourceID id = ResourceID.fromResource(secret);
    try (KubernetesClient client = unreachableApi()) {
      PairCredentials credentials = new PairCredentials(client,
          wanted -> wanted.equals(id) ? Optional.of(secret) : Optional.empty(), Clock.systemUTC());
      Credentials superuser = credentials.superuser(PAIR).orElseThrow();
      assertThat(new String(superuser.password())).isEqualTo("s3cret");
      assertThat(superuser.user()).isEqualTo("postgres");
    }
  }

  @Test
  void aChangeInTheCacheIsSeenAtTheNextRead() {
    Secret[] current = {superuserSecret("before")};
    try (KubernetesClient client = unreachableApi()) {
      PairCredentials credentials = new PairCredentials(client, wanted -> Optional.of(current[0]), Clock.systemUTC());
      credentials.superuser(PAIR);
      current[0] = superuserSecret("after");
      assertThat(new String(credentials.superuser(PAIR).orElseThrow().password())).isEqualTo("after");
    }
  }

  @Test
  void aSuppliedSecretIsAskedOfTheApi() {
    PksReplicaPair supplied = TestPairs.example(json -> TestPairs.spec(json).with("postgres")
        .put("superuserSecret", "telephony-superuser"));
    try (KubernetesClient client = unreachableApi()) {
      PairCredentials credentials = new PairCredentials(client, wanted -> Optional.empty(), Clock.systemUTC());
      assertThatThrownBy(() -> credentials.superuser(supplied)).isInstanceOf(KubernetesClientException.class);
    }
  }

  /**
   * A generated Secret not in the informer cache is not made yet: a new pair is probed from its
   * first status, before its objects. Before, each such probe asked the API server for it.
   */
  @Test
  void aGeneratedSecretNotInTheCacheIsNotMadeYetAndNotAskedFor() {
    try (KubernetesClient client = unreachableApi()) {
      PairCredentials credentials = new PairCredentials(client, wanted -> Optional.empty(), Clock.systemUTC());
      assertThat(credentials.superuser(PAIR)).isEmpty();
      assertThat(credentials.replication(PAIR)).isEmpty();
    }
  }
}
