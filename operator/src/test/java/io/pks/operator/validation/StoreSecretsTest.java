package io.pks.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pks.operator.TestPairs;
import io.pks.operator.api.v1alpha1.PksReplicaPair;

/** The Secrets an object store names, checked before a pair's first objects: each field and problem named. */
class StoreSecretsTest {

  @Test
  void everySecretPresentWithItsKeysPasses() {
    Map<String, Set<String>> secrets = Map.of("pks-s3", Set.of("accessKeyId", "secretAccessKey"),
        "pks-s3-ca", Set.of("ca.crt"), "pks-s3-read", Set.of("accessKeyId", "secretAccessKey"));

    assertThat(StoreSecrets.missing(pair(), name -> Optional.ofNullable(secrets.get(name)))).isEmpty();
  }

  @Test
  void aMissingSecretOrKeyIsNamedWithItsField() {
    Map<String, Set<String>> secrets = Map.of("pks-s3", Set.of("accessKeyId"), "pks-s3-ca", Set.of("tls.crt"));

    assertThat(StoreSecrets.missing(pair(), name -> Optional.ofNullable(secrets.get(name)))).containsExactly(
        new Violation("spec.backup.objectStore.credentialsSecret", "Secret pks-s3 has no key secretAccessKey"),
        new Violation("spec.backup.objectStore.caSecret", "Secret pks-s3-ca has no key ca.crt"),
        new Violation("spec.bootstrap.recovery.objectStore.credentialsSecret", "Secret pks-s3-read does not exist in"
            + " namespace telephony; create it with the keys accessKeyId and secretAccessKey"),
        new Violation("spec.bootstrap.recovery.objectStore.caSecret", "Secret pks-s3-ca has no key ca.crt"));
  }

  @Test
  void aPairWithoutAnObjectStoreNeedsNone() {
    assertThat(StoreSecrets.missing(TestPairs.example(), name -> Optional.empty())).isEmpty();
  }

  /** Restored from old-pks (keys in pks-s3-read, CA in pks-s3-ca), archiving with the keys in pks-s3. */
  private static PksReplicaPair pair() {
    return TestPairs.example(json -> {
      ObjectNode spec = TestPairs.spec(json);
      store(spec.putObject("bootstrap").putObject("recovery").put("source", "old-pks"), "telephony/old", "pks-s3-read");
      store(spec.putObject("backup"), "telephony/pks", "pks-s3");
    });
  }

  private static void store(ObjectNode parent, String path, String credentials) {
    parent.putObject("objectStore").put("endpoint", "https://s3.example.com").put("bucket", "pks-backups")
        .put("path", path).put("credentialsSecret", credentials).put("caSecret", "pks-s3-ca");
  }
}
