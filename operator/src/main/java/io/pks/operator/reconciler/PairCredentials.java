package io.pks.operator.reconciler;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.model.Names;
import io.pks.operator.model.Secrets;
import io.pks.operator.postgres.Credentials;

/**
 * The credentials the operator uses, read from the pair's Secrets (generated or supplied): the
 * superuser it connects with, and the replication role's password it sets. A generated Secret is
 * read from the operator's informer cache, which follows every change without a request (not
 * there, it is not made yet); a supplied one (outside the cache, which holds only the objects the operator manages) from the API,
 * kept for a minute, so a probe at every interval does not read it each time.
 */
final class PairCredentials {
  private static final Duration TTL = Duration.ofMinutes(1);

  private record Cached(Credentials credentials, Instant readAt) {
  }

  private final KubernetesClient client;
  private final Function<ResourceID, Optional<Secret>> informed;
  private final Clock clock;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  /** {@code informed}: the Secret of that name and namespace in the informer cache, if it is there. */
  PairCredentials(KubernetesClient client, Function<ResourceID, Optional<Secret>> informed, Clock clock) {
    this.client = client;
    this.informed = informed;
    this.clock = clock;
  }

  Optional<Credentials> superuser(PksReplicaPair pair) {
    return read(pair, Names.superuserSecret(pair), pair.getSpec().postgres().superuserSecret() == null,
        Secrets.DEFAULT_SUPERUSER);
  }

  /** The replication role is named by the spec; its Secret holds the password only. */
  Optional<Credentials> replication(PksReplicaPair pair) {
    String user = pair.getSpec().replication().user();
    return read(pair, Names.replicationSecret(pair), pair.getSpec().replication().passwordSecret() == null, user)
        .map(credentials -> new Credentials(user, credentials.password()));
  }

  /**
   * @param generated whether the operator makes this Secret: then the informer cache holds it once
   *     it exists, and a Secret not there is not made yet (a new pair's probe comes before its
   *     objects), which a request would not change
   */
  private Optional<Credentials> read(PksReplicaPair pair, String secretName, boolean generated, String defaultUser) {
    String namespace = pair.getMetadata().getNamespace();
    Optional<Secret> inCache = informed.apply(new ResourceID(secretName, namespace));
    if (inCache.isPresent()) {
      return credentials(inCache.get(), defaultUser);
    }
    if (generated) {
      return Optional.empty();
    }
    String key = namespace + "/" + secretName;
    Cached cached = cache.get(key);
    if (cached != null && cached.readAt().plus(TTL).isAfter(clock.instant())) {
      return Optional.of(cached.credentials());
    }
    Secret secret = client.secrets().inNamespace(namespace).withName(secretName).get();
    Optional<Credentials> credentials = secret == null ? Optional.empty() : credentials(secret, defaultUser);
    credentials.ifPresent(read -> cache.put(key, new Cached(read, clock.instant())));
    return credentials;
  }

  /** Empty when the Secret holds no password. */
  private static Optional<Credentials> credentials(Secret secret, String defaultUser) {
    return value(secret, Secrets.PASSWORD).map(password -> new Credentials(
        value(secret, Secrets.USERNAME).orElse(defaultUser), password.toCharArray()));
  }

  /** stringData as well as data: an API server folds one into the other, a mock server may not. */
  private static Optional<String> value(Secret secret, String key) {
    if (secret.getStringData() != null && secret.getStringData().get(key) != null) {
      return Optional.of(secret.getStringData().get(key));
    }
    if (secret.getData() != null && secret.getData().get(key) != null) {
      return Optional.of(new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8));
    }
    return Optional.empty();
  }
}
