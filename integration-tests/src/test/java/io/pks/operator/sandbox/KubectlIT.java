package io.pks.operator.sandbox;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pks.operator.TestPairs;
import io.pks.operator.api.v1alpha1.Crd;
import io.pks.operator.api.v1alpha1.PksReplicaPair;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The real kubectl against the embedded API server, through the kubeconfig it writes. */
class KubectlIT {
  private static final String NS = "telephony";
  private static final String EXAMPLE = TestPairs.EXAMPLE.toString();
  private static final String STREAMING = """
      {"status": {"currentPrimary": "site-a", "standby": "site-b", "activeSip": "site-a", "phase": "Streaming",
                  "replication": {"syncState": "sync", "lagBytes": 4096}}}""";

  private Path folder;
  private EmbeddedApiServer server;
  private NamespacedKubernetesClient client;
  private Kubectl kubectl;

  @BeforeEach
  void start(@TempDir Path folder) {
    this.folder = folder;
    server = new EmbeddedApiServer();
    client = server.client();
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    kubectl = new Kubectl(server.writeKubeconfig(folder.resolve("kubeconfig")), folder);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private PksReplicaPair pair() {
    return client.resources(PksReplicaPair.class).inNamespace(NS).withName("pks").get();
  }

  private void applyExampleStreaming() {
    assertThat(kubectl.succeed("apply", "-f", EXAMPLE)).isEqualTo("pksreplicapair.pks.io/pks created\n");
    client.resources(PksReplicaPair.class).inNamespace(NS).withName("pks").subresource("status")
        .patch(PatchContext.of(PatchType.JSON_MERGE), STREAMING);
  }

  @Test
  void logsPrintsWhatThePodsContainerPrinted() {
    server.servePodLogs((namespace, pod) -> Optional.of(namespace + "/" + pod + ": line one\nline two\n"));
    client.pods().resource(new PodBuilder().withNewMetadata().withName("pks-site-a-0").endMetadata()
        .withNewSpec().addNewContainer().withName("postgres").withImage("postgres:16").endContainer().endSpec().build())
        .create();

    assertThat(kubectl.succeed("logs", "pks-site-a-0")).isEqualTo("default/pks-site-a-0: line one\nline two\n");
    Kubectl.Result missing = kubectl.run("logs", "pks-site-b-0");
    assertThat(missing.exitCode()).isNotZero();
    assertThat(missing.err()).contains("pods \"pks-site-b-0\" not found");
  }

  @Test
  void discoveryServesEveryGroupAndThePairWithItsShortNames() {
    assertThat(kubectl.succeed("version")).contains("Server Version: v1.33");
    assertThat(kubectl.succeed("api-versions").lines()).containsExactlyInAnyOrder("v1", "apps/v1", "batch/v1",
        "coordination.k8s.io/v1", "apiextensions.k8s.io/v1", "events.k8s.io/v1", "policy/v1", "pks.io/v1alpha1");
    List<Map<String, String>> resources = Kubectl.table(kubectl.succeed("api-resources"));
    assertThat(resources).extracting(row -> row.get("NAME")).contains("pods", "services", "secrets", "configmaps",
        "events", "persistentvolumeclaims", "namespaces", "nodes", "endpoints", "statefulsets", "jobs", "leases",
        "poddisruptionbudgets", "customresourcedefinitions", "pksreplicapairs");
    assertThat(resources).filteredOn(row -> row.get("NAME").equals("pksreplicapairs")).singleElement()
        .isEqualTo(Map.of("NAME", "pksreplicapairs", "SHORTNAMES", String.join(",",
            Crd.load().getSpec().getNames().getShortNames()), "APIVERSION", "pks.io/v1alpha1", "NAMESPACED", "true",
            "KIND", "PksReplicaPair"));
  }

  @Test
  void getPrintsThePrinterColumnsOfTheCrdWithTheirValues() {
    applyExampleStreaming();
    List<String> headers = Stream.concat(Stream.of("NAME"), Crd.load().getSpec().getVersions().get(0)
        .getAdditionalPrinterColumns().stream().map(column -> column.getName().toUpperCase())).toList();

    for (String[] get : List.of(new String[] {"get", "pksreplicapairs", "-n", NS},
        new String[] {"get", "pksrp", "pks", "-n", NS}, new String[] {"get", "pkspair", "-n", NS, "-o", "wide"})) {
      List<Map<String, String>> rows = Kubectl.table(kubectl.succeed(get));
      assertThat(rows).singleElement().satisfies(row -> {
        assertThat(row.keySet()).containsExactlyElementsOf(headers);
        assertThat(row).containsAllEntriesOf(Map.of("NAME", "pks", "PRIMARY", "site-a", "STANDBY", "site-b",
            "SIP", "site-a", "PHASE", "Streaming", "SYNC", "sync", "LAG", "4096"));
        assertThat(row.get("AGE")).matches("\\d+s");
      });
    }
    assertThat(Kubectl.table(kubectl.succeed("get", "pksrp", "-A")).get(0)).containsEntry("NAMESPACE", NS);
  }

  @Test
  void getAsYamlPrintsTheStoredObject() {
    applyExampleStreaming();

    assertThat(kubectl.succeed("get", "pksrp", "pks", "-n", NS, "-o", "yaml"))
        .contains("kind: PksReplicaPair", "primary: site-a", "phase: Streaming");
  }

  @Test
  void patchAndReapplyChangeTheSpec() throws Exception {
    applyExampleStreaming();

    assertThat(kubectl.succeed("patch", "pksrp", "pks", "-n", NS, "--type=merge",
        "-p", "{\"spec\":{\"primary\":\"site-b\"}}")).isEqualTo("pksreplicapair.pks.io/pks patched\n");
    assertThat(pair().getSpec().primary()).isEqualTo("site-b");

    Path edited = Files.writeString(folder.resolve("pair.yaml"),
        Files.readString(TestPairs.EXAMPLE).replace("walKeepSize: 1GB", "walKeepSize: 2GB"));
    assertThat(kubectl.succeed("apply", "-f", edited.toString()))
        .isEqualTo("pksreplicapair.pks.io/pks configured\n");
    assertThat(pair().getSpec().replication().walKeepSize()).isEqualTo("2GB");
    assertThat(pair().getStatus().phase()).hasToString("Streaming");
  }

  @Test
  void annotateSetsAndRemovesAPodAnnotation() {
    client.pods().resource(new PodBuilder().withNewMetadata().withName("pks-site-a-0").endMetadata()
        .withNewSpec().addNewContainer().withName("postgres").withImage("postgres:16").endContainer().endSpec()
        .build()).create();

    assertThat(kubectl.succeed("annotate", "pod", "pks-site-a-0", "sandbox.pks.io/fault=node-down"))
        .isEqualTo("pod/pks-site-a-0 annotated\n");
    assertThat(client.pods().withName("pks-site-a-0").get().getMetadata().getAnnotations())
        .containsEntry("sandbox.pks.io/fault", "node-down");

    kubectl.succeed("annotate", "pod", "pks-site-a-0", "sandbox.pks.io/fault-");
    assertThat(client.pods().withName("pks-site-a-0").get().getMetadata().getAnnotations())
        .doesNotContainKey("sandbox.pks.io/fault");
  }

  @Test
  void getPodsPrintsReadinessStatusRestartsAndWithWideIpAndNode() {
    Pod pod = client.pods().resource(new PodBuilder().withNewMetadata().withName("pks-site-a-0").endMetadata()
        .withNewSpec().withNodeName("sandbox").addNewContainer().withName("postgres").endContainer().endSpec()
        .build()).create();
    pod.setStatus(new PodStatusBuilder().withPhase("Running").withPodIP("127.0.0.1")
        .addNewContainerStatus().withName("postgres").withReady(true).withRestartCount(2).endContainerStatus()
        .build());
    client.pods().resource(pod).updateStatus();

    assertThat(Kubectl.table(kubectl.succeed("get", "pods", "-o", "wide"))).singleElement()
        .satisfies(row -> assertThat(row).containsAllEntriesOf(Map.of("NAME", "pks-site-a-0", "READY", "1/1",
            "STATUS", "Running", "RESTARTS", "2", "IP", "127.0.0.1", "NODE", "sandbox")));
    assertThat(Kubectl.table(kubectl.succeed("get", "pods")).get(0)).doesNotContainKeys("IP", "NODE");
  }

  @Test
  void eventsOfThePairAreListedAndDescribed() {
    applyExampleStreaming();
    String seen = Instant.now().minusSeconds(200).toString();
    client.v1().events().inNamespace(NS).resource(new EventBuilder().withNewMetadata().withName("pks.1").endMetadata()
        .withNewInvolvedObject().withKind("PksReplicaPair").withName("pks").withNamespace(NS)
        .withUid(pair().getMetadata().getUid()).endInvolvedObject()
        .withType("Normal").withReason("Streaming").withMessage("site-a streams to site-b").withCount(1)
        .withFirstTimestamp(seen).withLastTimestamp(seen).withNewSource().withComponent("pks-operator").endSource()
        .build()).create();

    assertThat(Kubectl.table(kubectl.succeed("get", "events", "-n", NS))).containsExactly(Map.of("LAST SEEN",
        "3m20s", "TYPE", "Normal", "REASON", "Streaming", "OBJECT", "pksreplicapair/pks",
        "MESSAGE", "site-a streams to site-b"));
    assertThat(kubectl.succeed("describe", "pksrp", "pks", "-n", NS))
        .containsPattern("Normal\\s+Streaming\\s+3m20s\\s+pks-operator\\s+site-a streams to site-b");
    assertThat(kubectl.run("get", "events", "-n", NS, "--field-selector", "involvedObject.name=other").err())
        .contains("No resources found");
  }

  @Test
  void deleteRemovesThePairAndGetSaysNotFound() {
    applyExampleStreaming();

    assertThat(kubectl.succeed("delete", "pksrp", "pks", "-n", NS)).isEqualTo("pksreplicapair.pks.io \"pks\" deleted\n");
    assertThat(pair()).isNull();
    Kubectl.Result missing = kubectl.run("get", "pksrp", "pks", "-n", NS);
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err()).contains("(NotFound): pksreplicapairs.pks.io \"pks\" not found");
  }

  @Test
  void protobufCommandsAreRefusedAtOnceWithWhatToUseInstead() {
    Kubectl.Result created = kubectl.run("create", "namespace", "other");

    assertThat(created.exitCode()).isEqualTo(1);
    assertThat(created.err()).contains("(UnsupportedMediaType)", "not application/vnd.kubernetes.protobuf",
        "use kubectl apply -f");
  }

  @Test
  void applyValidatesTheFileAgainstTheSchemaAndReportsAnUnknownField() throws Exception {
    assertThat(kubectl.succeed("apply", "-f", EXAMPLE)).isEqualTo("pksreplicapair.pks.io/pks created\n");

    Path misspelt = Files.writeString(folder.resolve("pair.yaml"),
        Files.readString(TestPairs.EXAMPLE).replace("walKeepSize: 1GB", "walKeepSise: 2GB"));
    Kubectl.Result refused = kubectl.run("apply", "-f", misspelt.toString());

    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.err()).contains("ValidationError(PksReplicaPair.spec.replication): unknown field \"walKeepSise\""
        + " in io.pks.v1alpha1.PksReplicaPair.spec.replication");
    assertThat(pair().getSpec().replication().walKeepSize()).isEqualTo("1GB");
  }

  @Test
  void explainDescribesTheSpecAndEachFieldFromTheCrdSchema() {
    JsonNode spec = Serialization.jsonMapper().valueToTree(Crd.load().getSpec().getVersions().get(0).getSchema()
        .getOpenAPIV3Schema().getProperties().get("spec"));

    String explained = kubectl.succeed("explain", "pksrp.spec");
    assertThat(explained).contains("GROUP:      pks.io", "KIND:       PksReplicaPair", "VERSION:    v1alpha1",
        "FIELD: spec <Object>");
    spec.get("properties").fieldNames().forEachRemaining(field -> assertThat(explained).contains("  " + field + "\t<"));

    assertThat(kubectl.succeed("explain", "pksrp.spec.failover")).contains("FIELD: failover <Object>",
        spec.at("/properties/failover/description").asText(), "mode\t<string>");
    assertThat(kubectl.succeed("explain", "pods.spec.containers")).contains("KIND:       Pod",
        "FIELD: containers <[]Object>", "image\t<string>");
  }

  @Test
  void getWatchPrintsEachChangeOfAPairAsARowWhenItHappens() throws Exception {
    kubectl.succeed("apply", "-f", EXAMPLE);
    Path printed = folder.resolve("watch.out");
    Process watch = kubectl.start(printed, "get", "pksrp", "-n", NS, "-w");
    try {
      awaitLine(printed, "^NAME\\s+PRIMARY\\s+STANDBY.*");
      awaitLine(printed, "^pks\\s+\\S+$");

      client.resources(PksReplicaPair.class).inNamespace(NS).withName("pks").subresource("status")
          .patch(PatchContext.of(PatchType.JSON_MERGE), STREAMING);

      awaitLine(printed, "^pks\\s+site-a\\s+site-b\\s+site-a\\s+Streaming\\s+sync\\s+4096\\s+\\S+$");
      // The watch starts after the list, at its resourceVersion: the pair is not printed again before it changes.
      assertThat(Files.readAllLines(printed)).filteredOn(line -> line.matches("^pks\\s+\\S+$")).hasSize(1);
    } finally {
      watch.destroy();
    }
  }

  @Test
  void getPodsWatchPrintsAPodThatStartsRunning() throws Exception {
    Pod pod = client.pods().resource(podOnTheNode("pks-site-a-0", "site-a")).create();
    Path printed = folder.resolve("pods.out");
    Process watch = kubectl.start(printed, "get", "pods", "-n", NS, "-w");
    try {
      awaitLine(printed, "^pks-site-a-0\\s+0/1\\s+Pending\\s+.*");

      pod.setStatus(runningAndReady());
      client.pods().resource(pod).updateStatus();

      awaitLine(printed, "^pks-site-a-0\\s+1/1\\s+Running\\s+0\\s+\\S+$");
    } finally {
      watch.destroy();
    }
  }

  @Test
  void cordonMakesTheNodeUnschedulableAndUncordonUndoesIt() {
    assertThat(Kubectl.table(kubectl.succeed("get", "nodes"))).singleElement().satisfies(row -> assertThat(row)
        .containsAllEntriesOf(Map.of("NAME", EmbeddedApiServer.NODE, "STATUS", "Ready", "ROLES", "<none>")));

    assertThat(kubectl.succeed("cordon", EmbeddedApiServer.NODE)).isEqualTo("node/sandbox cordoned\n");
    assertThat(client.nodes().withName(EmbeddedApiServer.NODE).get().getSpec().getUnschedulable()).isTrue();
    assertThat(Kubectl.table(kubectl.succeed("get", "nodes")).get(0))
        .containsEntry("STATUS", "Ready,SchedulingDisabled");

    assertThat(kubectl.succeed("uncordon", EmbeddedApiServer.NODE)).isEqualTo("node/sandbox uncordoned\n");
    assertThat(client.nodes().withName(EmbeddedApiServer.NODE).get().getSpec().getUnschedulable()).isNotEqualTo(true);
  }

  @Test
  void drainCordonsTheNodeAndEvictsItsPods() {
    runningPodOnTheNode("pks-site-a-0", "site-a");
    runningPodOnTheNode("pks-site-b-0", "site-b");

    String drained = kubectl.succeed("drain", EmbeddedApiServer.NODE, "--ignore-daemonsets", "--timeout=60s");

    assertThat(drained).contains("node/sandbox cordoned", "pod/pks-site-a-0 evicted", "pod/pks-site-b-0 evicted",
        "node/sandbox drained");
    assertThat(client.pods().inNamespace(NS).list().getItems()).isEmpty();
    assertThat(client.nodes().withName(EmbeddedApiServer.NODE).get().getSpec().getUnschedulable()).isTrue();
  }

  @Test
  void drainEvictsNoPodThatItsDisruptionBudgetNeeds() {
    runningPodOnTheNode("pks-site-a-0", "site-a");
    runningPodOnTheNode("pks-site-b-0", "site-b");
    client.policy().v1().podDisruptionBudget().inNamespace(NS).resource(new PodDisruptionBudgetBuilder()
        .withNewMetadata().withName("pks").endMetadata()
        .withNewSpec().withMinAvailable(new IntOrString(1))
        .withNewSelector().addToMatchLabels("app.kubernetes.io/instance", "pks").endSelector().endSpec()
        .build()).create();

    Kubectl.Result drain = kubectl.run("drain", EmbeddedApiServer.NODE, "--ignore-daemonsets", "--timeout=8s");

    assertThat(drain.exitCode()).isEqualTo(1);
    assertThat(drain.err()).contains("Cannot evict pod as it would violate the pod's disruption budget.",
        "global timeout reached: 8s");
    // One may go (two healthy, one needed), and then the other must stay.
    assertThat(client.pods().inNamespace(NS).list().getItems()).hasSize(1);
  }

  /** A pod of a pair's StatefulSet (drain leaves alone pods that no controller would re-create), on the node. */
  private Pod podOnTheNode(String name, String member) {
    return new PodBuilder().withNewMetadata().withName(name).withNamespace(NS)
        .addToLabels("app.kubernetes.io/instance", "pks").addToLabels("pks.io/member", member)
        .addNewOwnerReference().withApiVersion("apps/v1").withKind("StatefulSet").withName("pks-" + member)
        .withUid(name + "-owner").withController(true).endOwnerReference()
        .endMetadata()
        .withNewSpec().withNodeName(EmbeddedApiServer.NODE).addNewContainer().withName("postgres")
        .withImage("postgres:16").endContainer().endSpec()
        .build();
  }

  private void runningPodOnTheNode(String name, String member) {
    Pod pod = client.pods().inNamespace(NS).resource(podOnTheNode(name, member)).create();
    pod.setStatus(runningAndReady());
    client.pods().inNamespace(NS).resource(pod).updateStatus();
  }

  private static PodStatus runningAndReady() {
    return new PodStatusBuilder().withPhase("Running")
        .addNewCondition().withType("Ready").withStatus("True").endCondition()
        .addNewContainerStatus().withName("postgres").withReady(true).withRestartCount(0).endContainerStatus()
        .build();
  }

  /** Waits for kubectl to print a line matching {@code regex} (a watch prints as changes arrive). */
  private static void awaitLine(Path printed, String regex) {
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(Files.readAllLines(printed)).anyMatch(line -> line.matches(regex)));
  }
}
