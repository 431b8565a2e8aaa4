package io.pks.operator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.api.v1alpha1.PksReplicaPairSpec;
import io.pks.operator.api.v1alpha1.PksReplicaPairStatus;

/** Pairs for tests: the shipped example, and variants of it edited as JSON. */
public final class TestPairs {
  private TestPairs() {
  }

  /** Tests run in the repository's root (Surefire's working directory), or in the module's folder (PIT's minions). */
  public static final Path EXAMPLE = fromRepositoryRoot("examples/pksreplicapair.yaml");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  /** The operator's own, so a test reads what the operator would read. */
  private static final KubernetesSerialization SERIALIZATION = Operators.serialization();

  /** The example as a JSON tree, to edit like a user would edit the YAML. */
  public static ObjectNode exampleJson() {
    try {
      return (ObjectNode) YAML.readTree(Files.readString(EXAMPLE));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static PksReplicaPair example() {
    return fromJson(exampleJson());
  }

  public static PksReplicaPair example(Consumer<ObjectNode> edit) {
    ObjectNode json = exampleJson();
    edit.accept(json);
    return fromJson(json);
  }

  /**
   * The example bootstrapped from the backups of the pair {@code old-pks}, replayed to
   * {@code targetTime} (the end of the archive when null).
   */
  /** The example with spec.backup; {@code ca}: whether its object store names a CA Secret. */
  public static PksReplicaPair withBackup(boolean ca) {
    return withBackup(ca, json -> { });
  }

  /** {@link #withBackup(boolean)} with {@code edit} made to it too. */
  public static PksReplicaPair withBackup(boolean ca, Consumer<ObjectNode> edit) {
    return example(json -> {
      edit.accept(json);
      ObjectNode store = spec(json).putObject("backup").put("schedule", "0 2 * * *").put("retention", "7d")
          .putObject("objectStore").put("endpoint", "https://s3.example.com").put("bucket", "pks-backups")
          .put("path", "telephony/pks").put("credentialsSecret", "pks-s3");
      if (ca) {
        store.put("caSecret", "pks-s3-ca");
      }
    });
  }

  public static PksReplicaPair restoring(String targetTime) {
    return example(json -> {
      ObjectNode recovery = spec(json).putObject("bootstrap").putObject("recovery").put("source", "old-pks");
      if (targetTime != null) {
        recovery.put("targetTime", targetTime);
      }
      recovery.putObject("objectStore").put("endpoint", "https://s3.example.com").put("bucket", "pks-backups")
          .put("path", "telephony/old").put("credentialsSecret", "pks-s3-read").put("caSecret", "pks-s3-ca");
    });
  }

  /** Only what is required: two members and the primary. */
  public static ObjectNode minimalJson() {
    ObjectNode json = exampleJson();
    ObjectNode spec = json.putObject("spec");
    spec.putArray("members").addObject().put("name", "site-a");
    ((com.fasterxml.jackson.databind.node.ArrayNode) spec.get("members")).addObject().put("name", "site-b");
    spec.put("primary", "site-a");
    return json;
  }

  /** The status of a pair streaming from site-a to site-b, as the operator writes it. */
  public static final String STREAMING_STATUS = """
      {"observedGeneration": 1, "phase": "Streaming", "currentPrimary": "site-a", "standby": "site-b",
       "activeSip": "site-a", "timeline": 3,
       "replication": {"state": "streaming", "syncState": "sync", "sentLsn": "0/3000148",
                       "replayLsn": "0/3000000", "lagBytes": 328, "replayLagSeconds": 0.25,
                       "slot": "pks_site_b", "observedAt": "2026-11-25T10:00:00Z"},
       "conditions": [
         {"type": "SpecValid", "status": "True", "reason": "Valid", "message": "The spec is valid."},
         {"type": "Ready", "status": "True", "reason": "Streaming",
          "message": "Primary site-a streams to standby site-b."}],
       "message": "Primary site-a streams to standby site-b."}
      """;

  /** The example with {@code statusJson} as its status. */
  public static PksReplicaPair withStatus(String statusJson) {
    PksReplicaPair pair = example();
    pair.setStatus(SERIALIZATION.unmarshal(statusJson, PksReplicaPairStatus.class));
    return pair;
  }

  /**
   * A user's edit of a stored pair's spec, as a JSON merge patch of the whole spec: unlike an edit
   * with the resource version, it never conflicts with the operator writing the status meanwhile.
   */
  public static void editSpec(KubernetesClient client, String namespace, String name,
      UnaryOperator<PksReplicaPairSpec> edit) {
    PksReplicaPair current = client.resources(PksReplicaPair.class).inNamespace(namespace).withName(name).get();
    client.resources(PksReplicaPair.class).inNamespace(namespace).withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE),
            SERIALIZATION.asJson(java.util.Map.of("spec", edit.apply(current.getSpec()))));
  }

  public static PksReplicaPair fromJson(ObjectNode json) {
    return SERIALIZATION.unmarshal(json.toString(), PksReplicaPair.class);
  }

  /** spec as a JSON node, for edits. */
  public static ObjectNode spec(ObjectNode pair) {
    return (ObjectNode) pair.get("spec");
  }

  private static Path fromRepositoryRoot(String file) {
    Path path = Path.of(file);
    return Files.exists(path) ? path : Path.of("..").resolve(file);
  }
}
