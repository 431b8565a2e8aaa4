package io.pks.operator.sandbox;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.pks.operator.TestPairs;
import io.pks.operator.api.v1alpha1.Crd;
import io.pks.operator.api.v1alpha1.PksReplicaPair;

import static org.assertj.core.api.Assertions.assertThat;

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
    assertThat(kubectl.succeed("apply", "--validate=false", "-f", EXAMPLE))
        .isEqualTo("pksreplicapair.pks.io/pks created\n");
    client.resources(PksReplicaPair.class).inNamespace(NS).withName("pks").subresource("status")
        .patch(PatchContext.of(PatchType.JSON_MERGE), STREAMING);
  }

  @Test
  void discoveryServesEveryGroupAndThePairWithItsShortNames() {
    assertThat(kubectl.succeed("version")).contains("Server Version: v1.33");
    assertThat(kubectl.succeed("api-versions").lines()).containsExactlyInAnyOrder("v1", "apps/v1", "batch/v1",
        "coordination.k8s.io/v1", "apiextensions.k8s.io/v1", "events.k8s.io/v1", "pks.io/v1alpha1");
    List<Map<String, String>> resources = Kubectl.table(kubectl.succeed("api-resources"));
    assertThat(resources).extracting(row -> row.get("NAME")).contains("pods", "services", "secrets", "configmaps",
        "events", "persistentvolumeclaims", "namespaces", "endpoints", "statefulsets", "jobs", "leases",
        "customresourcedefinitions", "pksreplicapairs");
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
    assertThat(kubectl.succeed("apply", "--validate=false", "-f", edited.toString()))
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
}
