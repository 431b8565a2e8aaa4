package io.pks.operator.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.pks.operator.Operators;
import io.pks.operator.api.v1alpha1.Crd;

/**
 * A Kubernetes API server on a free loopback port, for the sandbox and the tests: the Fabric8 mock server's CRUD
 * store with the PksReplicaPair CRD installed and one Node, {@value #NODE}, serving what kubectl needs besides
 * (discovery, OpenAPI documents, Table responses for {@code kubectl get}, watches over plain HTTP for
 * {@code kubectl get -w}, pod eviction for {@code kubectl drain}). It records every write and answers injected
 * faults. Plain HTTP, no authentication.
 *
 * <p>What it lacks, as the mock does: server-side apply, strategic merge patches other than those a JSON merge
 * patch reads the same ({@code kubectl cordon}'s), protobuf bodies (refused with 415, so
 * {@code kubectl create namespace} fails where {@code kubectl apply -f} works), admission (no schema, CEL or
 * namespace checks: kubectl's own validation reads the OpenAPI schema) and garbage collection.
 */
public final class EmbeddedApiServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedApiServer.class);

  /** The namespace of {@link #client()} and of the kubeconfig's context. */
  public static final String NAMESPACE = "default";
  /** A fault's method that matches every method. */
  public static final String ANY_METHOD = "*";
  /** The Node the server starts with, for pods to run on and kubectl cordon and drain to act on. */
  public static final String NODE = "sandbox";
  /** The User-Agent of the operator's own client ({@link #clientAs(String)}), which tells its requests from others'. */
  public static final String OPERATOR_USER_AGENT = "pks-operator";
  private static final String CONTEXT = "pks-sandbox";

  /** A write the server received (POST, PUT, PATCH or DELETE), with the status it answered. */
  public record Write(String method, String path, int status) {
  }

  /** An injected fault the server answered, and the User-Agent of the client that received it. */
  public record FaultAnswered(String method, String path, int status, String userAgent) {
    public boolean toOperator() {
      return OPERATOR_USER_AGENT.equals(userAgent);
    }
  }

  private final ApiHttpServer server;
  private final ApiServerDispatcher dispatcher;
  private final NamespacedKubernetesClient client;

  /** Starts the server on 127.0.0.1, installs the CRD and registers Node {@value #NODE}. */
  public EmbeddedApiServer() {
    // The mock parses requests with Fabric8's shared mapper: give it a real API server's limits, so it
    // stores whatever a real one would (the operator's client has its own, as high).
    Serialization.jsonMapper().getFactory().setStreamReadConstraints(Operators.READ_LIMITS);
    OpenApi.prepare();
    dispatcher = new ApiServerDispatcher();
    server = new ApiHttpServer(InetAddress.getLoopbackAddress(), dispatcher);
    client = client(url());
    client.apiextensions().v1().customResourceDefinitions().resource(Crd.load()).create();
    client.nodes().resource(node(NODE)).create();
    dispatcher.clearWrites();
    LOG.info("Embedded API server on {}", url());
  }

  /** A new client of the server at {@code url} (another process's, too), in namespace {@value #NAMESPACE}. */
  public static NamespacedKubernetesClient client(String url) {
    return client(new ConfigBuilder(Config.empty()).withMasterUrl(url));
  }

  /** A new client of this server that says it is {@code userAgent}, so that its requests can be told from others'. */
  public NamespacedKubernetesClient clientAs(String userAgent) {
    return client(new ConfigBuilder(Config.empty()).withMasterUrl(url()).withUserAgent(userAgent));
  }

  /** As {@link #clientAs(String)}, reaching this server at {@code url} (a proxy in front of it). */
  NamespacedKubernetesClient clientAs(String userAgent, String url) {
    return client(new ConfigBuilder(Config.empty()).withMasterUrl(url).withUserAgent(userAgent));
  }

  private static NamespacedKubernetesClient client(ConfigBuilder config) {
    return Operators.configure(new KubernetesClientBuilder())
        .withConfig(config
            .withNamespace(NAMESPACE)
            // As KubernetesMockServer configures its own clients: no HTTP/2 upgrade on plain HTTP.
            .withHttp2Disable(true)
            .build())
        .build()
        .adapt(NamespacedKubernetesClient.class);
  }

  /** A client of this server, in namespace {@value #NAMESPACE}. */
  public NamespacedKubernetesClient client() {
    return client;
  }

  /** Where the server listens: 127.0.0.1 and its port. */
  public java.net.InetSocketAddress address() {
    return new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), server.port());
  }

  /** {@code http://127.0.0.1:<port>}. */
  public String url() {
    return "http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + server.port();
  }

  /** Writes a kubeconfig whose current context is this server, namespace {@value #NAMESPACE}; returns {@code file}. */
  public Path writeKubeconfig(Path file) {
    io.fabric8.kubernetes.api.model.Config kubeconfig = new io.fabric8.kubernetes.api.model.ConfigBuilder()
        .withApiVersion("v1").withKind("Config")
        .addNewCluster().withName(CONTEXT).withNewCluster().withServer(url()).endCluster().endCluster()
        .addNewUser().withName(CONTEXT).withNewUser().endUser().endUser()
        .addNewContext().withName(CONTEXT)
        .withNewContext().withCluster(CONTEXT).withUser(CONTEXT).withNamespace(NAMESPACE).endContext()
        .endContext()
        .withCurrentContext(CONTEXT)
        .build();
    try {
      Path folder = file.toAbsolutePath().getParent();
      Files.createDirectories(folder);
      return Files.writeString(file, Serialization.asYaml(kubeconfig));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The writes received since the start (the CRD's and the Node's creation excepted) or the last
   * {@link #clearWrites()}.
   */
  public List<Write> writes() {
    return dispatcher.writes();
  }

  public void clearWrites() {
    dispatcher.clearWrites();
  }

  /** The injected faults answered since the start, in order. */
  public List<FaultAnswered> faultsAnswered() {
    return dispatcher.faultsAnswered();
  }

  /** Every request received since the start, reads and watches included (the CRD's and the Node's creation too). */
  public long requestCount() {
    return dispatcher.requests();
  }

  /**
   * Answers the next {@code count} requests whose method is {@code method} (or {@link #ANY_METHOD}) and whose path,
   * query included, matches {@code path} with {@code statusCode} and a Status body, instead of serving them.
   */
  public void failNext(int count, String method, Predicate<String> path, int statusCode) {
    dispatcher.faults().add(method, path, statusCode, count, Instant.MAX);
    LOG.info("Fault injected: the next {} {} requests matching answer {}", count, method, statusCode);
  }

  /** Like {@link #failNext}, for every matching request during {@code duration}. */
  public void failFor(Duration duration, String method, Predicate<String> path, int statusCode) {
    dispatcher.faults().add(method, path, statusCode, Integer.MAX_VALUE, Instant.now().plus(duration));
    LOG.info("Fault injected: {} requests matching answer {} for {}", method, statusCode, duration);
  }

  /**
   * Lets {@code interceptor} see every request before it is served, and answer it instead when it
   * returns a response (null: served as usual): for tests that record who asked for what, or play
   * an API the mock lacks.
   */
  public void intercept(Function<RecordedRequest, MockResponse> interceptor) {
    dispatcher.intercept(interceptor);
  }

  /**
   * Serves {@code GET .../pods/<name>/log} ({@code kubectl logs}) from {@code podLogs}: what a pod's
   * container printed, by namespace and pod name.
   */
  public void servePodLogs(BiFunction<String, String, Optional<String>> podLogs) {
    dispatcher.servePodLogs(podLogs);
  }

  /**
   * Serves {@code pods/exec} ({@code kubectl exec -i}, and {@code -it} on a pseudo terminal) with {@code starter}:
   * it starts a command in a pod's container, or refuses as the API server does.
   */
  public void servePodExec(PodExec.Starter starter) {
    server.serveExec(starter);
  }

  /** Removes every injected fault. */
  public void clearFaults() {
    dispatcher.faults().clear();
  }

  @Override
  public void close() {
    client.close();
    server.close();
  }

  /** A ready, schedulable Node, as a kubelet registers its machine. */
  static Node node(String name) {
    return new NodeBuilder()
        .withNewMetadata().withName(name)
        .addToLabels("kubernetes.io/hostname", name).addToLabels("kubernetes.io/os", "linux").endMetadata()
        .withNewSpec().endSpec()
        .withNewStatus()
        .addNewCondition().withType("Ready").withStatus("True").withReason("KubeletReady")
        .withMessage("the sandbox runs this node's pods").endCondition()
        .addNewAddress().withType("Hostname").withAddress(name).endAddress()
        .withNewNodeInfo().withKubeletVersion("v1.33.0").withOperatingSystem("linux").withArchitecture("amd64")
        .endNodeInfo()
        .endStatus()
        .build();
  }
}
