package io.pks.operator.reconciler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.pks.operator.LogCapture;
import io.pks.operator.MockCluster;
import io.pks.operator.Operators;
import io.pks.operator.TestPairs;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.sandbox.EmbeddedApiServer;
import io.pks.operator.validation.HostileSpecs;
import io.pks.operator.validation.SpecCase;
import io.pks.operator.validation.Violation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The hostile corpus through the real operator on the mock API server, all at once, each resource
 * in a namespace of its own, beside a valid pair: each is refused with its field named, nothing is
 * created, changed or deleted for it, nothing fails in the logs, and the valid pairs are served.
 */
class HostileSpecsIT {
  private static final Duration BOUND = Duration.ofSeconds(40);
  private static final ResourceDefinitionContext PAIRS = new ResourceDefinitionContext.Builder()
      .withGroup(PksReplicaPair.GROUP).withVersion(PksReplicaPair.VERSION).withKind("PksReplicaPair")
      .withPlural("pksreplicapairs").withNamespaced(true).build();
  private static final KubernetesSerialization JSON = Operators.serialization();

  @Test
  void everyHostileResourceIsRefusedAndChangesNothing() {
    List<SpecCase> cases = HostileSpecs.all();
    try (MockCluster cluster = new MockCluster(); LogCapture logs = LogCapture.start()) {
      cluster.startOperator();
      // Updates start from a running pair: the example, with its objects in place and its bootstrap
      // waiting on its initdb Job (nothing runs Jobs here).
      for (int i = 0; i < cases.size(); i++) {
        if (cases.get(i).previous() != null) {
          create(cluster, namespace(i), cases.get(i).previous());
        }
      }
      long updates = cases.stream().filter(c -> c.previous() != null).count();
      await().atMost(BOUND).until(() -> cluster.client().batch().v1().jobs().inAnyNamespace().list().getItems()
          .size() == updates);
      awaitNoWrites(cluster);
      int before = cluster.writes().size();

      for (int i = 0; i < cases.size(); i++) {
        SpecCase hostile = cases.get(i);
        if (hostile.previous() == null) {
          create(cluster, namespace(i), hostile.resource());
        } else {
          cluster.client().genericKubernetesResources(PAIRS).inNamespace(namespace(i)).withName(name(hostile))
              .edit(pair -> replaceSpec(pair, hostile.resource()));
        }
      }
      create(cluster, "alongside", TestPairs.exampleJson());

      await().atMost(BOUND).untilAsserted(() -> assertThat(refusedNamespaces(cluster)).hasSize(cases.size()));
      for (int i = 0; i < cases.size(); i++) {
        SpecCase hostile = cases.get(i);
        List<Violation> expected = hostile.violations();
        assertThat(expected).as(hostile.name()).extracting(Violation::field).contains(hostile.field());
        assertThat(specValidMessage(cluster, namespace(i), name(hostile))).as(hostile.name())
            .contains("spec refused, nothing was changed: " + expected.stream().map(Violation::toString)
                .collect(Collectors.joining("; ")));
      }
      awaitServed(cluster, "alongside");
      create(cluster, "after", TestPairs.exampleJson());
      awaitServed(cluster, "after");

      List<EmbeddedApiServer.Write> hostileWrites = cluster.writes().subList(before, cluster.writes().size()).stream()
          .filter(write -> write.path().contains("/namespaces/h")).toList();
      assertThat(hostileWrites).allSatisfy(write -> assertThat(write.path())
          .as("%s %s", write.method(), write.path()).matches(".*/pksreplicapairs(/[a-z]+(/status)?)?(\\?.*)?"));
      assertThat(logs.failures()).isEmpty();
      System.out.printf("HOSTILE corpus: %d resources refused, %d messages checked, %d writes by the operator"
          + " for them (all status)%n", cases.size(), cases.size(),
          hostileWrites.stream().filter(write -> write.path().endsWith("/status")).count());
    }
  }

  private static String namespace(int index) {
    return "h" + index;
  }

  private static String name(SpecCase specCase) {
    return specCase.resource().get("metadata").get("name").asText();
  }

  private static void create(MockCluster cluster, String namespace, ObjectNode resource) {
    ObjectNode json = resource.deepCopy();
    ((ObjectNode) json.get("metadata")).put("namespace", namespace);
    cluster.client().genericKubernetesResources(PAIRS).inNamespace(namespace)
        .resource(JSON.unmarshal(json.toString(), GenericKubernetesResource.class)).create();
  }

  private static GenericKubernetesResource replaceSpec(GenericKubernetesResource pair, ObjectNode resource) {
    pair.getAdditionalProperties().put("spec", JSON.convertValue(resource.get("spec"), Object.class));
    return pair;
  }

  /** Namespaces whose pair says SpecValid False for its current generation. */
  private static List<String> refusedNamespaces(MockCluster cluster) {
    List<String> refused = new ArrayList<>();
    for (GenericKubernetesResource pair : cluster.client().genericKubernetesResources(PAIRS).inAnyNamespace()
        .list().getItems()) {
      specValid(pair).filter(condition -> "False".equals(condition.get("status"))
          && pair.getMetadata().getGeneration().equals(((Number) condition.get("observedGeneration")).longValue()))
          .ifPresent(condition -> refused.add(pair.getMetadata().getNamespace()));
    }
    return refused;
  }

  private static String specValidMessage(MockCluster cluster, String namespace, String name) {
    GenericKubernetesResource pair = cluster.client().genericKubernetesResources(PAIRS).inNamespace(namespace)
        .withName(name).get();
    return specValid(pair).map(condition -> condition.get("status") + ": " + condition.get("message"))
        .orElse("absent");
  }

  @SuppressWarnings("unchecked")
  private static Optional<Map<String, Object>> specValid(GenericKubernetesResource pair) {
    Object status = pair.getAdditionalProperties().get("status");
    if (!(status instanceof Map<?, ?> fields) || !(fields.get("conditions") instanceof List<?> conditions)) {
      return Optional.empty();
    }
    return conditions.stream().map(condition -> (Map<String, Object>) condition)
        .filter(condition -> "SpecValid".equals(condition.get("type"))).findFirst();
  }

  /** Waits until the API server has received no write for a second. */
  private static void awaitNoWrites(MockCluster cluster) {
    int[] seen = {-1};
    await().atMost(BOUND).pollInterval(Duration.ofSeconds(1)).until(() -> {
      int now = cluster.writes().size();
      boolean quiet = now == seen[0];
      seen[0] = now;
      return quiet;
    });
  }

  private static void awaitServed(MockCluster cluster, String namespace) {
    await().atMost(BOUND).untilAsserted(() -> {
      assertThat(cluster.client().apps().statefulSets().inNamespace(namespace).list().getItems()).hasSize(2);
      assertThat(cluster.client().services().inNamespace(namespace).list().getItems()).hasSize(6);
      assertThat(specValidMessage(cluster, namespace, "pks")).startsWith("True");
    });
  }
}
