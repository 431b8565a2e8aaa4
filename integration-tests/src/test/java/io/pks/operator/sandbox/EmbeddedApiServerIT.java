package io.pks.operator.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pks.operator.TestPairs;
import io.pks.operator.api.v1alpha1.Crd;
import io.pks.operator.api.v1alpha1.Phase;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.api.v1alpha1.PksReplicaPairStatus;
import io.pks.operator.sandbox.EmbeddedApiServer.Write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/** The embedded API server over HTTP and through the Fabric8 client: discovery, Tables, write log, faults. */
class EmbeddedApiServerIT {
  private static final String TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
  private static final String PAIRS = "/apis/pks.io/v1alpha1/namespaces/telephony/pksreplicapairs";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private EmbeddedApiServer server;
  private NamespacedKubernetesClient client;

  @BeforeEach
  void start() {
    server = new EmbeddedApiServer();
    client = server.client();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> get(String path, String accept) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + path)).header("Accept", accept).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private JsonNode getJson(String path, String accept) {
    HttpResponse<String> response = get(path, accept);
    assertThat(response.statusCode()).as(path).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    return Serialization.unmarshal(response.body(), JsonNode.class);
  }

  /** The Table's row for object {@code name}. */
  private static JsonNode row(JsonNode table, String name) {
    return StreamSupport.stream(table.get("rows").spliterator(), false)
        .filter(row -> row.at("/cells/0").asText().equals(name)).findFirst().orElseThrow();
  }

  /** Each cell of the Table's row for object {@code name}, under its column's name. */
  private static Map<String, JsonNode> cells(JsonNode table, String name) {
    JsonNode row = row(table, name);
    Map<String, JsonNode> cells = new LinkedHashMap<>();
    for (int i = 0; i < table.get("columnDefinitions").size(); i++) {
      cells.put(table.get("columnDefinitions").get(i).get("name").asText(), row.get("cells").get(i));
    }
    return cells;
  }

  private static ConfigMap configMap(String name) {
    return new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata().addToData("a", "1").build();
  }

  @Test
  void tableOfPairsHasNameThenTheCrdPrinterColumnsWithTypedCells() {
    client.resource(TestPairs.example()).create();
    client.resources(PksReplicaPair.class).inNamespace("telephony").withName("pks").subresource("status")
        .patch(PatchContext.of(PatchType.JSON_MERGE), """
            {"status": {"currentPrimary": "site-b", "standby": "site-a", "activeSip": "site-b", "phase": "Degraded",
                        "replication": {"syncState": "async", "lagBytes": 70000}}}""");
    client.resource(TestPairs.example(pair -> pair.with("metadata").put("name", "bare"))).create();

    JsonNode table = getJson(PAIRS, TABLE);

    assertThat(table.get("kind").asText()).isEqualTo("Table");
    assertThat(table.get("apiVersion").asText()).isEqualTo("meta.k8s.io/v1");
    List<CustomResourceColumnDefinition> crdColumns =
        Crd.load().getSpec().getVersions().get(0).getAdditionalPrinterColumns();
    assertThat(table.get("columnDefinitions")).extracting(column -> column.get("name").asText())
        .containsExactlyElementsOf(Stream.concat(Stream.of("Name"),
            crdColumns.stream().map(CustomResourceColumnDefinition::getName)).toList());
    assertThat(table.at("/columnDefinitions/0/format").asText()).isEqualTo("name");
    assertThat(table.get("columnDefinitions")).extracting(column -> column.get("type").asText())
        .containsExactlyElementsOf(Stream.concat(Stream.of("string"),
            crdColumns.stream().map(CustomResourceColumnDefinition::getType)).toList());

    Map<String, JsonNode> pks = cells(table, "pks");
    assertThat(pks).extractingByKeys("PRIMARY", "STANDBY", "SIP", "PHASE", "SYNC").extracting(JsonNode::asText)
        .containsExactly("site-b", "site-a", "site-b", "Degraded", "async");
    assertThat(pks.get("LAG").isIntegralNumber()).isTrue();
    assertThat(pks.get("LAG").asLong()).isEqualTo(70000);
    assertThat(pks.get("AGE").asText()).matches("\\d+s");
    assertThat(row(table, "pks").at("/object/kind").asText()).isEqualTo("PartialObjectMetadata");
    assertThat(row(table, "pks").at("/object/metadata/name").asText()).isEqualTo("pks");
    assertThat(cells(table, "bare")).extractingByKeys("PRIMARY", "LAG").allMatch(JsonNode::isNull);
  }

  @Test
  void tableOfOnePairAndTheObjectsItCarries() {
    client.resource(TestPairs.example()).create();

    JsonNode one = getJson(PAIRS + "/pks", TABLE);
    assertThat(one.get("rows")).hasSize(1);
    assertThat(row(one, "pks").at("/object/metadata/namespace").asText()).isEqualTo("telephony");
    assertThat(getJson(PAIRS + "?includeObject=Object", TABLE).at("/rows/0/object/spec/primary").asText())
        .isEqualTo("site-a");
    assertThat(getJson(PAIRS + "?includeObject=None", TABLE).at("/rows/0").has("object")).isFalse();
    assertThat(getJson(PAIRS + "/pks", "application/json").get("kind").asText()).isEqualTo("PksReplicaPair");

    HttpResponse<String> missing = get(PAIRS + "/nothere", TABLE);
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(Serialization.unmarshal(missing.body(), JsonNode.class).get("message").asText())
        .isEqualTo("pksreplicapairs.pks.io \"nothere\" not found");
  }

  @Test
  void tableOfOtherKindsHasNameAndAge() {
    client.configMaps().resource(configMap("c")).create();

    JsonNode table = getJson("/api/v1/namespaces/default/configmaps", TABLE);

    assertThat(table.get("columnDefinitions")).extracting(column -> column.get("name").asText())
        .containsExactly("Name", "Age");
    assertThat(cells(table, "c").get("Age").asText()).matches("\\d+s");
  }

  @Test
  void listsAreTypedAndFilteredByAnyFieldSelector() {
    client.configMaps().resource(configMap("c")).create();
    client.configMaps().resource(new ConfigMapBuilder(configMap("d")).addToData("a", "2").build()).create();

    JsonNode list = getJson("/api/v1/namespaces/default/configmaps?fieldSelector=data.a%3D2", "application/json");

    assertThat(list.get("kind").asText()).isEqualTo("ConfigMapList");
    assertThat(list.get("items")).extracting(item -> item.at("/metadata/name").asText()).containsExactly("d");
    assertThat(getJson(PAIRS, "application/json").get("kind").asText()).isEqualTo("PksReplicaPairList");
    assertThat(get("/api/v1/namespaces/default/configmaps?fieldSelector=data.a", "application/json").statusCode())
        .isEqualTo(400);
  }

  @Test
  void discoveryDerivesThePairFromTheCrd() {
    JsonNode pksGroupVersion = getJson("/apis/pks.io/v1alpha1", "application/json");

    assertThat(pksGroupVersion.get("kind").asText()).isEqualTo("APIResourceList");
    assertThat(pksGroupVersion.get("resources")).extracting(resource -> resource.get("name").asText())
        .containsExactly("pksreplicapairs", "pksreplicapairs/status");
    JsonNode pairs = pksGroupVersion.at("/resources/0");
    assertThat(pairs.get("shortNames")).extracting(JsonNode::asText)
        .containsExactlyElementsOf(Crd.load().getSpec().getNames().getShortNames());
    assertThat(pairs.get("kind").asText()).isEqualTo("PksReplicaPair");
    assertThat(pairs.get("singularName").asText()).isEqualTo("pksreplicapair");
    assertThat(pairs.get("namespaced").asBoolean()).isTrue();
    assertThat(pairs.get("verbs")).extracting(JsonNode::asText).contains("get", "list", "watch", "patch");
    assertThat(getJson("/apis/pks.io", "application/json").at("/preferredVersion/groupVersion").asText())
        .isEqualTo("pks.io/v1alpha1");
  }

  @Test
  void discoveryServesTheBuiltInGroupsAndRefusesTheRest() {
    assertThat(getJson("/version", "application/json").get("gitVersion").asText()).startsWith("v1.33.");
    assertThat(getJson("/api", "application/json").get("versions")).extracting(JsonNode::asText)
        .containsExactly("v1");
    assertThat(getJson("/api/v1", "application/json").get("resources")).extracting(r -> r.get("name").asText())
        .contains("pods", "pods/status", "pods/eviction", "namespaces", "nodes", "events", "endpoints");
    assertThat(getJson("/apis", "application/json").get("groups")).extracting(g -> g.get("name").asText())
        .containsExactly("apps", "batch", "policy", "coordination.k8s.io", "apiextensions.k8s.io", "events.k8s.io",
            "pks.io");
    assertThat(getJson("/apis/apps/v1?timeout=32s", "application/json").get("resources"))
        .extracting(r -> r.get("name").asText()).containsExactly("statefulsets", "statefulsets/status");

    assertThat(get("/apis/nothere.io/v1", "application/json").statusCode()).isEqualTo(404);
    assertThat(get("/openapi/v3/apis/nothere.io/v1", "application/json").statusCode()).isEqualTo(404);
  }

  @Test
  void openApiDocumentsNameEachKindWithItsSchema() {
    JsonNode v2 = getJson("/openapi/v2?timeout=32s", "application/json");
    assertThat(v2.get("swagger").asText()).isEqualTo("2.0");
    JsonNode pair = v2.at("/definitions/io.pks.v1alpha1.PksReplicaPair");
    assertThat(pair.at("/x-kubernetes-group-version-kind/0/kind").asText()).isEqualTo("PksReplicaPair");
    assertThat(pair.at("/properties/spec/properties/replication/properties/walKeepSize/type").asText())
        .isEqualTo("string");
    assertThat(v2.at("/definitions/io.k8s.api.core.v1.Pod/properties/spec/properties/containers/type").asText())
        .isEqualTo("array");

    String pairDocument = getJson("/openapi/v3", "application/json")
        .at("/paths/apis~1pks.io~1v1alpha1/serverRelativeURL").asText();
    assertThat(pairDocument).startsWith("/openapi/v3/apis/pks.io/v1alpha1?hash=");
    assertThat(getJson(pairDocument, "application/json")
        .at("/components/schemas/io.pks.v1alpha1.PksReplicaPair/properties/spec/properties/failover/description")
        .asText()).isEqualTo("Failover behaviour when the primary is lost.");
  }

  @Test
  void aCrdCreatedLaterIsDiscoverable() {
    client.apiextensions().v1().customResourceDefinitions().resource(new CustomResourceDefinitionBuilder()
        .withNewMetadata().withName("widgets.example.com").endMetadata()
        .withNewSpec().withGroup("example.com").withScope("Cluster")
        .withNewNames().withPlural("widgets").withSingular("widget").withKind("Widget").endNames()
        .addNewVersion().withName("v1").withServed(true).withStorage(true).endVersion()
        .endSpec().build()).create();

    assertThat(getJson("/apis/example.com/v1", "application/json").at("/resources/0/namespaced").asBoolean())
        .isFalse();
  }

  @Test
  void recordsEveryWriteWithTheStatusItGot() {
    assertThat(server.writes()).as("the CRD's installation is not the tests' business").isEmpty();

    client.configMaps().resource(configMap("c")).create();
    client.configMaps().resource(configMap("c")).update();
    client.configMaps().withName("c").patch(PatchContext.of(PatchType.JSON_MERGE), "{\"data\":{\"a\":null}}");
    client.configMaps().withName("c").get();
    client.configMaps().withName("c").delete();

    assertThat(server.writes()).extracting(Write::method, Write::status)
        .containsExactly(tuple("POST", 201), tuple("PUT", 200), tuple("PATCH", 202), tuple("DELETE", 200));
    assertThat(server.writes()).extracting(Write::path).allMatch(path -> path.contains("/configmaps"));
    server.clearWrites();
    assertThat(server.writes()).isEmpty();
  }

  /**
   * Writes find their object by resource and name (StoredKeys) as the store's pass over every object did: the same
   * name in another namespace or of another kind is another object, a label change moves the object's key, and a
   * delete held by a finalizer keeps it until the finalizer goes.
   */
  @Test
  void writesFindTheirObjectByResourceNamespaceAndName() {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("other").endMetadata().build())
        .create();
    client.configMaps().resource(configMap("c")).create();
    client.configMaps().inNamespace("other").resource(configMap("c")).create();
    client.secrets().resource(new SecretBuilder().withNewMetadata().withName("c").endMetadata().build()).create();
    assertThatThrownBy(() -> client.configMaps().resource(configMap("c")).create())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));

    client.configMaps().withName("c").edit(map -> new ConfigMapBuilder(map).editMetadata()
        .addToLabels("moved", "yes").endMetadata().addToData("a", "2").build());
    client.configMaps().withName("c").patch(PatchContext.of(PatchType.JSON_MERGE), "{\"data\":{\"b\":\"3\"}}");
    client.configMaps().withName("c").patch(PatchContext.of(PatchType.JSON),
        "[{\"op\":\"replace\",\"path\":\"/data/a\",\"value\":\"4\"}]");
    assertThat(client.configMaps().withName("c").get().getData()).containsExactly(entry("a", "4"), entry("b", "3"));
    assertThat(client.configMaps().withLabel("moved", "yes").list().getItems()).hasSize(1);
    assertThat(client.configMaps().inNamespace("other").withName("c").get().getData()).containsExactly(entry("a", "1"));

    PksReplicaPair pair = client.resource(TestPairs.example()).create();
    pair.setStatus(PksReplicaPairStatus.builder().phase(Phase.Streaming).build());
    client.resource(pair).updateStatus();
    assertThat(client.resource(pair).get().getStatus().phase()).isEqualTo(Phase.Streaming);

    client.configMaps().withName("c").edit(map -> new ConfigMapBuilder(map).editMetadata()
        .addToFinalizers("example.com/hold").endMetadata().build());
    client.configMaps().withName("c").delete();
    assertThat(client.configMaps().withName("c").get().getMetadata().getDeletionTimestamp()).isNotNull();
    client.configMaps().withName("c").edit(map -> new ConfigMapBuilder(map).editMetadata().withFinalizers()
        .endMetadata().build());
    assertThat(client.configMaps().withName("c").get()).isNull();
    client.configMaps().resource(configMap("c")).create();
    assertThat(client.configMaps().withName("c").get().getData()).containsExactly(entry("a", "1"));
    assertThat(client.secrets().withName("c").get()).isNotNull();
  }

  @Test
  void countsEveryRequestReadsIncludedFromAnyClient() {
    long before = server.requestCount();
    try (KubernetesClient another = EmbeddedApiServer.client(server.url())) {
      assertThat(another.configMaps().withName("absent").get()).isNull();
      assertThat(another.configMaps().list().getItems()).isEmpty();
    }
    assertThat(server.requestCount() - before).isEqualTo(2);
  }

  @Test
  void failNextAnswersTheFaultWithAStatusThenServesAgain() {
    client.configMaps().resource(configMap("c")).create();
    server.failNext(2, "PUT", path -> path.endsWith("/configmaps/c"), 409);

    for (int attempt = 0; attempt < 2; attempt++) {
      assertThatThrownBy(() -> client.configMaps().resource(configMap("c")).update())
          .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
            assertThat(e.getCode()).isEqualTo(409);
            assertThat(e.getStatus().getReason()).isEqualTo("Conflict");
          });
    }
    assertThat(client.configMaps().withName("c").get()).as("other methods are served").isNotNull();
    client.configMaps().resource(configMap("c")).update();

    assertThat(server.writes()).extracting(Write::status).containsExactly(201, 409, 409, 200);
  }

  @Test
  void failForAnswersTheFaultUntilItEndsOrIsCleared() {
    server.failFor(Duration.ofMillis(500), EmbeddedApiServer.ANY_METHOD, path -> path.contains("/configmaps"), 503);

    assertThat(get("/api/v1/namespaces/default/configmaps", "application/json").statusCode()).isEqualTo(503);
    assertThat(get("/api/v1/namespaces/default/secrets", "application/json").statusCode()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(5))
        .until(() -> get("/api/v1/namespaces/default/configmaps", "application/json").statusCode() == 200);

    server.failFor(Duration.ofHours(1), "GET", path -> true, 500);
    server.clearFaults();
    assertThat(get("/api/v1/namespaces/default/configmaps", "application/json").statusCode()).isEqualTo(200);
  }

  @Test
  void kubeconfigPointsAClientAtTheServerInTheDefaultNamespace(@TempDir Path folder) throws IOException {
    Path kubeconfig = server.writeKubeconfig(folder.resolve("sandbox/kubeconfig"));

    try (KubernetesClient fromKubeconfig = new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig))).build()) {
      assertThat(fromKubeconfig.getConfiguration().getMasterUrl()).startsWith(server.url());
      assertThat(fromKubeconfig.getNamespace()).isEqualTo(EmbeddedApiServer.NAMESPACE);
      assertThat(fromKubeconfig.apiextensions().v1().customResourceDefinitions().withName(PksReplicaPair.CRD_NAME)
          .get()).isNotNull();
    }
  }
}
