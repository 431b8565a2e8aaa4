package io.pks.operator.chart;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.Release;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.pks.operator.GeneratedFiles;
import io.pks.operator.OperatorArtifactIT;
import io.pks.operator.TestPairs;
import io.pks.operator.api.v1alpha1.Phase;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.api.v1alpha1.PksReplicaPairStatus;
import io.pks.operator.sandbox.EmbeddedApiServer;
import io.pks.operator.api.v1alpha1.Crd;
import io.pks.operator.model.Labels;
import io.pks.operator.model.MemberMetrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The Helm chart, through real Helm: lint, template with several values, and what the templates hold. */
class ChartTest {
  /** The chart's copy of the generated CRD: Helm reads files inside the chart only. */
  static final Path CHART_CRD = HelmChart.DIR.resolve("files").resolve(Crd.FILE_NAME);
  static final Path MANIFEST = Path.of("manifests/pks-operator.yaml");
  /** The sources of the chart's copies in files/ (Helm reads files inside the chart only). */
  static final Path ALERTS = Path.of("monitoring/pks-alerts.yaml");
  static final Path DASHBOARD = Path.of("monitoring/pks-dashboard.json");

  static Stream<Arguments> variants() {
    return HelmChart.variants().entrySet().stream().map(entry -> Arguments.of(entry.getKey(), entry.getValue()));
  }

  /** In this order: the manifest holds the chart's copy of the CRD, so a regeneration refreshes the copy first. */
  @Test
  void generatedFilesAreCommitted() {
    GeneratedFiles.assertCommitted(CHART_CRD, Crd.yaml());
    GeneratedFiles.assertCommitted(MANIFEST, HelmChart.manifest());
    for (Path source : List.of(ALERTS, DASHBOARD)) {
      GeneratedFiles.assertCommitted(HelmChart.DIR.resolve("files").resolve(source.getFileName()), read(source));
    }
  }

  /**
   * The manifest on an empty API server (the embedded one), then the operator jar started with the
   * Deployment's own arguments (free ports instead of its fixed ones) and a kubeconfig of that server:
   * the objects hold together (the Deployment runs as the ServiceAccount the binding names, its probes
   * use its ports) and the operator they describe answers its readiness probe and reconciles a pair.
   */
  @Test
  void theManifestInstallsOnAnEmptyClusterAndItsOperatorReconcilesAPair(@TempDir Path dir) throws Exception {
    List<HasMetadata> objects = HelmChart.objects(Files.readString(MANIFEST));

    assertThat(objects.get(0)).isInstanceOfSatisfying(Namespace.class, namespace -> assertThat(
        namespace.getMetadata().getLabels()).containsEntry("pod-security.kubernetes.io/enforce", "restricted"));
    assertThat(objects).extracting(HasMetadata::getKind).containsExactly("Namespace", "PodDisruptionBudget",
        "ServiceAccount", "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding",
        "Service", "Deployment");
    Deployment deployment = HelmChart.only(objects, Deployment.class);
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    ServiceAccount account = HelmChart.only(objects, ServiceAccount.class);
    assertThat(pod.getServiceAccountName()).isEqualTo(account.getMetadata().getName());
    assertThat(HelmChart.only(objects, ClusterRoleBinding.class)).satisfies(binding -> {
      assertThat(binding.getRoleRef().getName()).isEqualTo(HelmChart.only(objects, ClusterRole.class).getMetadata().getName());
      assertThat(binding.getSubjects()).singleElement().satisfies(subject -> {
        assertThat(subject.getName()).isEqualTo(account.getMetadata().getName());
        assertThat(subject.getNamespace()).isEqualTo(account.getMetadata().getNamespace());
      });
    });
    Container container = pod.getContainers().get(0);
    assertThat(container.getPorts()).extracting(ContainerPort::getName)
        .contains(container.getReadinessProbe().getHttpGet().getPort().getStrVal(),
            container.getLivenessProbe().getHttpGet().getPort().getStrVal());
    assertThat(HelmChart.only(objects, Service.class).getSpec().getSelector())
        .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());

    try (EmbeddedApiServer server = new EmbeddedApiServer()) {
      for (HasMetadata object : objects) {
        if (!(object instanceof CustomResourceDefinition)) {
          assertThat(server.client().resource(object).create().getMetadata().getUid()).isNotBlank();
        }
      }
      assertThat(server.client().apiextensions().v1().customResourceDefinitions().withName(PksReplicaPair.CRD_NAME).get().getSpec())
          .as("the manifest's CRD is the one the server serves").isEqualTo(
              HelmChart.only(objects, CustomResourceDefinition.class).getSpec());
      assertOperatorReconcilesAPair(server, container, dir);
    }
  }

  /** The operator jar, run as {@code container} says against {@code server}, creates a pair's objects. */
  private static void assertOperatorReconcilesAPair(EmbeddedApiServer server, Container container, Path dir)
      throws Exception {
    int health = freePort();
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", OperatorArtifactIT.JAR.toAbsolutePath().toString()));
    for (String arg : container.getArgs()) {
      command.add(arg.startsWith("--health-port=") ? "--health-port=" + health
          : arg.startsWith("--metrics-port=") ? "--metrics-port=" + freePort() : arg);
    }
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve("operator.log").toFile());
    builder.environment().put("KUBECONFIG", server.writeKubeconfig(dir.resolve("kubeconfig")).toString());
    Process operator = builder.start();
    try {
      String readiness = "http://127.0.0.1:" + health + container.getReadinessProbe().getHttpGet().getPath();
      try {
        await("readiness probe").atMost(Duration.ofSeconds(120))
            .failFast("the operator exited", () -> !operator.isAlive())
            .until(() -> status(readiness) == 200);
      } catch (ConditionTimeoutException | org.awaitility.core.TerminalFailureException e) {
        throw new AssertionError(e.getMessage() + "; the operator's log:\n"
            + Files.readString(dir.resolve("operator.log")), e);
      }
      PksReplicaPair pair = TestPairs.example();
      server.client().namespaces().resource(new NamespaceBuilder().withNewMetadata()
          .withName(pair.getMetadata().getNamespace()).endMetadata().build()).create();
      server.client().resource(pair).create();
      await("the pair reconciled").atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
        assertThat(server.client().apps().statefulSets().inNamespace(pair.getMetadata().getNamespace()).list()
            .getItems()).hasSize(2);
        assertThat(server.client().resources(PksReplicaPair.class).inNamespace(pair.getMetadata().getNamespace())
            .withName(pair.getMetadata().getName()).get().getStatus()).isNotNull()
            .extracting(PksReplicaPairStatus::phase).isEqualTo(Phase.InitializingPrimary);
      });
    } finally {
      operator.destroy();
      // Nothing of this test may outlive it: later tests count the processes their sandbox leaves.
      if (!operator.waitFor(30, TimeUnit.SECONDS)) {
        operator.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  private static int status(String url) {
    try {
      HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
      return connection.getResponseCode();
    } catch (IOException notYet) {
      return -1;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Test
  void lintIsClean() {
    LintResult lint = new Helm(HelmChart.DIR).lint().strict().call();

    assertThat(lint.isFailed()).as("%s", lint.getMessages()).isFalse();
    assertThat(lint.getMessages()).allSatisfy(message -> assertThat(message).startsWith("[INFO]"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void everyObjectParsesAndTheMockApiServerCreatesIt(String variant, String values) {
    List<HasMetadata> objects = HelmChart.render(values);

    // Typed: Fabric8 knows every kind but the Prometheus Operator's.
    assertThat(objects).filteredOn(GenericKubernetesResource.class::isInstance)
        .allSatisfy(object -> assertThat(object.getKind()).isIn(PROMETHEUS_OPERATOR_KINDS.keySet()));
    createOnAnEmptyMockServer(objects);
  }

  /** Creates every object, as kubectl apply would on an empty cluster, and checks the server stored it. */
  private static void createOnAnEmptyMockServer(List<HasMetadata> objects) {
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(List.of()), false);
    server.init();
    try (NamespacedKubernetesClient client = server.createClient()) {
      PROMETHEUS_OPERATOR_KINDS.forEach((kind, plural) -> client.resource(prometheusOperatorCrd(kind, plural)).create());
      for (HasMetadata object : objects) {
        HasMetadata created = client.resource(object).create();
        assertThat(created.getMetadata().getUid()).as("%s %s", object.getKind(), object.getMetadata().getName())
            .isNotBlank();
      }
    } finally {
      server.destroy();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void theOperatorPodMeetsTheRestrictedPodSecurityStandard(String variant, String values) {
    PodSpec pod = HelmChart.only(HelmChart.render(values), Deployment.class).getSpec().getTemplate().getSpec();

    assertThat(RestrictedPodSecurity.violations(pod)).isEmpty();
    assertThat(pod.getContainers()).singleElement().satisfies(container -> {
      assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
      assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
      assertThat(container.getResources().getLimits()).containsKey("memory");
      assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
      assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
      assertThat(container.getLivenessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("health");
      assertThat(container.getPorts()).filteredOn(port -> port.getName().equals("health"))
          .singleElement().satisfies(port -> assertThat(port.getContainerPort()).isEqualTo(8081));
      assertThat(container.getArgs()).contains("--health-port=8081");
    });
  }

  @Test
  void theHeapAndTheMemoryFollowTheNumberOfPairs() {
    // heap = 72 MiB + 136 KiB per pair; memory = heap + 200 MiB (values.yaml, sizing).
    assertThat(operatorContainer("")).satisfies(container -> {
      assertThat(javaOptions(container)).startsWith("-Xmx138m -XX:+UseSerialGC -Xmn32m -Xss512k")
          .contains(" -XX:TrimNativeHeapInterval=10000 ")
          .contains(" -Djava.util.concurrent.ForkJoinPool.common.parallelism=2 ");
      assertThat(container.getEnv()).anySatisfy(env -> {
        assertThat(env.getName()).isEqualTo("MALLOC_ARENA_MAX");
        assertThat(env.getValue()).isEqualTo("2");
      });
      assertThat(container.getResources().getRequests().get("memory")).hasToString("338Mi");
      assertThat(container.getResources().getLimits().get("memory")).hasToString("338Mi");
      assertThat(container.getResources().getRequests().get("cpu")).hasToString("100m");
    });
    assertThat(operatorContainer("sizing: {pairs: 1000}")).satisfies(container -> {
      assertThat(javaOptions(container)).startsWith("-Xmx204m ");
      assertThat(container.getResources().getLimits().get("memory")).hasToString("404Mi");
    });
    // What the user sets wins: a limit of their own, and their options after the sized ones.
    assertThat(operatorContainer("resources: {limits: {memory: 1Gi}}\njavaOptions: -Xmx600m")).satisfies(container -> {
      assertThat(container.getResources().getLimits().get("memory")).hasToString("1Gi");
      assertThat(container.getResources().getRequests().get("memory")).hasToString("338Mi");
      assertThat(javaOptions(container)).startsWith("-Xmx138m ").endsWith(" -Xmx600m");
    });
  }

  private static Container operatorContainer(String values) {
    return HelmChart.only(HelmChart.render(values), Deployment.class).getSpec().getTemplate().getSpec()
        .getContainers().get(0);
  }

  private static String javaOptions(Container container) {
    return container.getEnv().stream().filter(env -> env.getName().equals("JDK_JAVA_OPTIONS")).findFirst()
        .orElseThrow().getValue();
  }

  @Test
  void theRestrictedCheckFindsWhatBreaksIt() {
    PodSpec pod = HelmChart.only(HelmChart.render(""), Deployment.class).getSpec().getTemplate().getSpec();
    pod.setHostNetwork(true);
    pod.getContainers().get(0).getSecurityContext().setPrivileged(true);
    pod.getContainers().get(0).getSecurityContext().getCapabilities().setDrop(List.of("NET_RAW"));
    pod.getContainers().get(0).getSecurityContext().setSeccompProfile(null);
    pod.getSecurityContext().setSeccompProfile(null);
    pod.getVolumes().get(0).setEmptyDir(null);
    pod.getVolumes().get(0).setHostPath(new io.fabric8.kubernetes.api.model.HostPathVolumeSource("/", null));

    assertThat(RestrictedPodSecurity.violations(pod)).containsExactly("hostNetwork",
        "volume tmp of a restricted type [hostPath, name]",
        "container operator: privileged",
        "container operator: capabilities must drop ALL",
        "container operator: seccompProfile must be RuntimeDefault or Localhost");
  }

  @Test
  void byDefaultTwoReplicasSpreadOverZonesElectALeaderAndWatchEveryNamespaceWithAClusterRole() {
    List<HasMetadata> objects = HelmChart.render("");

    Deployment deployment = HelmChart.only(objects, Deployment.class);
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    assertThat(deployment.getSpec().getStrategy()).isNull();
    assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs()).containsExactly(
        "run", "--health-port=8081", "--metrics-port=8080", "--cluster-domain=cluster.local", "--probe-interval=1s",
        "--log-format=text", "--leader-election", "--lease-namespace=pks-operator", "--lease-duration=15s",
        "--renew-deadline=10s", "--retry-period=2s");
    assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("pks-operator:0.1.0");
    Map<String, String> podLabels = deployment.getSpec().getSelector().getMatchLabels();
    assertThat(deployment.getSpec().getTemplate().getSpec().getTopologySpreadConstraints()).singleElement()
        .satisfies(spread -> {
          assertThat(spread.getTopologyKey()).isEqualTo("topology.kubernetes.io/zone");
          assertThat(spread.getMaxSkew()).isEqualTo(1);
          assertThat(spread.getWhenUnsatisfiable()).isEqualTo("ScheduleAnyway");
          assertThat(spread.getLabelSelector().getMatchLabels()).isEqualTo(podLabels);
        });
    PodDisruptionBudget budget = HelmChart.only(objects, PodDisruptionBudget.class);
    assertThat(budget.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    assertThat(budget.getSpec().getSelector().getMatchLabels()).isEqualTo(podLabels);
    ServiceAccount account = HelmChart.only(objects, ServiceAccount.class);
    assertThat(deployment.getSpec().getTemplate().getSpec().getServiceAccountName())
        .isEqualTo(account.getMetadata().getName());
    ClusterRoleBinding binding = HelmChart.only(objects, ClusterRoleBinding.class);
    assertThat(binding.getRoleRef().getName()).isEqualTo(HelmChart.only(objects, ClusterRole.class).getMetadata().getName());
    assertThat(binding.getSubjects()).singleElement().satisfies(subject -> {
      assertThat(subject.getName()).isEqualTo(account.getMetadata().getName());
      assertThat(subject.getNamespace()).isEqualTo(HelmChart.NAMESPACE);
    });
    assertThat(HelmChart.all(objects, Role.class)).extracting(role -> role.getMetadata().getName())
        .containsExactly("pks-operator-leader-election");
    Service metrics = HelmChart.only(objects, Service.class);
    assertThat(metrics.getSpec().getPorts()).singleElement().satisfies(port -> {
      assertThat(port.getPort()).isEqualTo(8080);
      assertThat(port.getTargetPort().getStrVal()).isEqualTo("metrics");
    });
    assertThat(metrics.getSpec().getSelector())
        .isEqualTo(deployment.getSpec().getTemplate().getMetadata().getLabels());
  }

  @Test
  void oneReplicaIsRecreatedWithoutLeaseSpreadOrBudget() {
    List<HasMetadata> objects = HelmChart.render("replicaCount: 1");

    Deployment deployment = HelmChart.only(objects, Deployment.class);
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
    assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("Recreate");
    assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs()).containsExactly(
        "run", "--health-port=8081", "--metrics-port=8080", "--cluster-domain=cluster.local", "--probe-interval=1s",
        "--log-format=text");
    assertThat(deployment.getSpec().getTemplate().getSpec().getTopologySpreadConstraints()).isEmpty();
    assertThat(HelmChart.all(objects, PodDisruptionBudget.class)).isEmpty();
    assertThat(HelmChart.all(objects, Role.class)).isEmpty();
  }

  @Test
  void leaseTimingsAndTheSpreadAreValues() {
    List<HasMetadata> objects = HelmChart.render("""
        leaderElection: {leaseDuration: 30s, renewDeadline: 20s, retryPeriod: 500ms}
        topologySpread: {topologyKey: kubernetes.io/hostname, maxSkew: 2, whenUnsatisfiable: DoNotSchedule}
        podDisruptionBudget: {maxUnavailable: 2}
        """);

    PodSpec pod = HelmChart.only(objects, Deployment.class).getSpec().getTemplate().getSpec();
    assertThat(pod.getContainers().get(0).getArgs())
        .contains("--lease-duration=30s", "--renew-deadline=20s", "--retry-period=500ms");
    assertThat(pod.getTopologySpreadConstraints()).singleElement().satisfies(spread -> {
      assertThat(spread.getTopologyKey()).isEqualTo("kubernetes.io/hostname");
      assertThat(spread.getMaxSkew()).isEqualTo(2);
      assertThat(spread.getWhenUnsatisfiable()).isEqualTo("DoNotSchedule");
    });
    assertThat(HelmChart.only(objects, PodDisruptionBudget.class).getSpec().getMaxUnavailable().getIntVal())
        .isEqualTo(2);
    assertThat(HelmChart.only(HelmChart.render("topologySpread: {topologyKey: \"\"}"), Deployment.class)
        .getSpec().getTemplate().getSpec().getTopologySpreadConstraints()).isEmpty();
    assertThat(HelmChart.render("podDisruptionBudget: {enabled: false}"))
        .noneMatch(PodDisruptionBudget.class::isInstance);
  }

  @Test
  void anUmbrellaChartsGlobalValuesAreAccepted() {
    assertThat(HelmChart.render("global: {imageRegistry: registry.example.com, storageClass: fast}"))
        .anyMatch(Deployment.class::isInstance);
  }

  @Test
  void namespacedTwoReplicasWithoutMetrics() {
    List<HasMetadata> objects = HelmChart.render(HelmChart.NAMESPACED_HA_NO_METRICS);

    Deployment deployment = HelmChart.only(objects, Deployment.class);
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    assertThat(deployment.getSpec().getStrategy()).isNull();
    assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs()).containsExactly(
        "run", "--health-port=8081", "--metrics-port=0", "--cluster-domain=cluster.local", "--probe-interval=1s",
        "--log-format=text", "--namespace=telephony", "--namespace=billing", "--leader-election",
        "--lease-namespace=pks-operator", "--lease-duration=15s", "--renew-deadline=10s", "--retry-period=2s");
    assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getPorts())
        .extracting(port -> port.getName()).containsExactly("health");
    // Nodes only (cluster-scoped): read to switch over before a drain of the primary's node.
    assertThat(HelmChart.only(objects, ClusterRole.class).getRules()).singleElement().satisfies(rule -> {
      assertThat(rule.getResources()).containsExactly("nodes");
      assertThat(rule.getVerbs()).containsExactly("list", "watch");
    });
    assertThat(HelmChart.only(objects, ClusterRoleBinding.class).getRoleRef().getName()).isEqualTo("pks-operator-nodes");
    assertThat(HelmChart.all(objects, Service.class)).isEmpty();
    assertThat(HelmChart.all(objects, Role.class)).extracting(role -> role.getMetadata().getNamespace() + "/"
        + role.getMetadata().getName())
        .containsExactly("telephony/pks-operator", "billing/pks-operator", "pks-operator/pks-operator-leader-election");
    assertThat(HelmChart.all(objects, RoleBinding.class)).allSatisfy(binding -> {
      assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
      assertThat(binding.getRoleRef().getName()).isEqualTo(binding.getMetadata().getName());
      assertThat(binding.getSubjects()).singleElement()
          .satisfies(subject -> assertThat(subject.getNamespace()).isEqualTo(HelmChart.NAMESPACE));
    }).hasSize(3);
  }

  @Test
  void theServiceMonitorScrapesTheMetricsService() {
    List<HasMetadata> objects = HelmChart.render("metrics: {serviceMonitor: {enabled: true, labels: {release: kps}}}");

    GenericKubernetesResource monitor = HelmChart.only(objects, GenericKubernetesResource.class);
    assertThat(monitor.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
    assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "kps");
    Map<String, Object> endpoint = monitor.<List<Map<String, Object>>>get("spec", "endpoints").get(0);
    assertThat(endpoint).containsEntry("port", "metrics").containsEntry("path", "/metrics")
        // The pair series keep their own namespace label instead of becoming exported_namespace.
        .containsEntry("honorLabels", true)
        .containsEntry("relabelings", List.of(Map.of("targetLabel", "job", "replacement", "pks-operator")));
    assertThat(monitor.<Map<String, String>>get("spec", "selector", "matchLabels"))
        .isEqualTo(HelmChart.only(objects, Service.class).getSpec().getSelector());
  }

  @Test
  void thePodMonitorScrapesEveryMembersExporterWithItsPairMemberAndRole() {
    List<HasMetadata> objects = HelmChart.render(HelmChart.MONITORING);
    GenericKubernetesResource monitor = prometheusOperatorObject(objects, "PodMonitor");

    // The labels every member pod has (and Job pods too: they have no metrics port).
    assertThat(monitor.<Map<String, String>>get("spec", "selector", "matchLabels")).isEqualTo(Map.of(
        Labels.NAME, Labels.NAME_VALUE, Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE));
    assertThat(monitor.<Map<String, Object>>get("spec", "namespaceSelector")).containsEntry("any", true);
    Map<String, Object> endpoint = monitor.<List<Map<String, Object>>>get("spec", "podMetricsEndpoints").get(0);
    assertThat(endpoint).containsEntry("port", MemberMetrics.PORT_NAME).containsEntry("path", MemberMetrics.PATH);
    assertThat(endpoint.get("relabelings")).isEqualTo(List.of(
        relabel("__meta_kubernetes_namespace", "namespace"),
        relabel(podLabel(Labels.PAIR), "pair"),
        relabel(podLabel(Labels.MEMBER), "member"),
        relabel(podLabel(Labels.ROLE), "role")));
    assertThat(endpoint.get("metricRelabelings")).isEqualTo(List.of(Map.of("action", "labeldrop", "regex", "server")));

    GenericKubernetesResource namespaced = prometheusOperatorObject(
        HelmChart.render("watchNamespaces: [telephony]\n" + HelmChart.MONITORING), "PodMonitor");
    assertThat(namespaced.<Map<String, Object>>get("spec", "namespaceSelector"))
        .isEqualTo(Map.of("matchNames", List.of("telephony")));
  }

  @Test
  void thePrometheusRuleHoldsTheRulesOfMonitoring() throws Exception {
    GenericKubernetesResource rule = prometheusOperatorObject(HelmChart.render(HelmChart.MONITORING), "PrometheusRule");

    assertThat(tree(rule.getAdditionalProperties().get("spec")))
        .isEqualTo(new YAMLMapper().readTree(read(ALERTS)));
    assertThat(HelmChart.render("")).noneMatch(object -> object.getKind().equals("PrometheusRule"));
  }

  @Test
  void theDashboardConfigMapCarriesTheSidecarLabelAndTheDashboard() throws Exception {
    ConfigMap dashboard = HelmChart.render(HelmChart.MONITORING).stream().filter(ConfigMap.class::isInstance)
        .map(ConfigMap.class::cast).findFirst().orElseThrow();

    assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
    assertThat(new ObjectMapper().readTree(dashboard.getData().get("pks-dashboard.json")))
        .isEqualTo(new ObjectMapper().readTree(read(DASHBOARD)));
    assertThat(HelmChart.render("")).noneMatch(ConfigMap.class::isInstance);
  }

  private static GenericKubernetesResource prometheusOperatorObject(List<HasMetadata> objects, String kind) {
    return objects.stream().filter(object -> object.getKind().equals(kind))
        .map(GenericKubernetesResource.class::cast).findFirst().orElseThrow();
  }

  private static Map<String, Object> relabel(String source, String target) {
    return Map.of("sourceLabels", List.of(source), "targetLabel", target);
  }

  /** How Prometheus' Kubernetes discovery names a pod label. */
  private static String podLabel(String label) {
    return "__meta_kubernetes_pod_label_" + label.replaceAll("[^A-Za-z0-9_]", "_");
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void theCrdIsTheGeneratedOneAndIsKeptOnUninstall() {
    GeneratedFiles.assertCommitted(CHART_CRD, Crd.yaml());

    CustomResourceDefinition rendered = HelmChart.only(HelmChart.render(""), CustomResourceDefinition.class);
    assertThat(rendered.getMetadata().getAnnotations()).containsEntry("helm.sh/resource-policy", "keep");
    CustomResourceDefinition unlabelled = new CustomResourceDefinitionBuilder(rendered).editMetadata()
        .withLabels(null).withAnnotations(null).endMetadata().build();
    // Helm re-serialises the file (keys sorted): compare the trees.
    assertThat(tree(unlabelled)).isEqualTo(tree(Crd.load()));

    assertThat(HelmChart.render("crds: {create: false}")).noneMatch(CustomResourceDefinition.class::isInstance);
  }

  @Test
  void theSchemaRefusesBadValues() {
    assertThatThrownBy(() -> HelmChart.template("replicaCount: 0")).hasMessageContaining("/replicaCount");
    assertThatThrownBy(() -> HelmChart.template("watchNamespaces: telephony"))
        .hasMessageContaining("/watchNamespaces");
    assertThatThrownBy(() -> HelmChart.template("metrics: {enable: false}")).hasMessageContaining("enable");
    assertThatThrownBy(() -> HelmChart.template("leaderElection: {leaseDuration: 15}"))
        .hasMessageContaining("/leaderElection/leaseDuration");
    assertThatThrownBy(() -> HelmChart.template("topologySpread: {whenUnsatisfiable: Never}"))
        .hasMessageContaining("/topologySpread/whenUnsatisfiable");
  }

  @Test
  void theNotesTellTheNextCommands() {
    Release release = new Helm(HelmChart.DIR).install().withName(HelmChart.RELEASE)
        .withNamespace(HelmChart.NAMESPACE).clientOnly().dryRun().call();

    assertThat(release.getOutput()).contains(
        "kubectl -n pks-operator rollout status deployment/pks-operator",
        "kubectl pks status <pair> -n <namespace>",
        "http://pks-operator-metrics.pks-operator.svc:8080/metrics");
  }

  private static JsonNode tree(Object object) {
    return Serialization.unmarshal(Serialization.asJson(object), JsonNode.class);
  }

  /** The Prometheus Operator's kinds the chart renders, with their plurals. */
  private static final Map<String, String> PROMETHEUS_OPERATOR_KINDS = Map.of(
      "ServiceMonitor", "servicemonitors", "PodMonitor", "podmonitors", "PrometheusRule", "prometheusrules");

  /** Enough of a Prometheus Operator CRD for the mock API server to store its objects. */
  private static CustomResourceDefinition prometheusOperatorCrd(String kind, String plural) {
    return new CustomResourceDefinitionBuilder()
        .withNewMetadata().withName(plural + ".monitoring.coreos.com").endMetadata()
        .withNewSpec().withGroup("monitoring.coreos.com").withScope("Namespaced")
        .withNewNames().withKind(kind).withPlural(plural).withSingular(kind.toLowerCase(java.util.Locale.ROOT))
        .endNames()
        .addNewVersion().withName("v1").withServed(true).withStorage(true).endVersion()
        .endSpec().build();
  }
}
