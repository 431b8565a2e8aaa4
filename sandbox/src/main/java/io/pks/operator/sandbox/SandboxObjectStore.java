package io.pks.operator.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pks.operator.api.v1alpha1.ObjectStore;

/**
 * The sandbox's object store ({@code --object-store}): S3Proxy serving the bucket
 * {@value #BUCKET} over HTTPS, named as the Service {@value #SERVICE} of the namespace
 * {@value #NAMESPACE}, with its keys and CA in the Secret {@value #SECRET} of that namespace.
 *
 * <p>It runs beside the pods, not as one: the sandbox's kubelet runs the pair's PostgreSQL pods only.
 * In the network mode it listens on the bridge's address, which every node reaches, and the
 * Service's name resolves to that address in every node's hosts file (an Endpoints object records
 * it, as for a Service in front of an external server); in the loopback mode it listens on
 * loopback under the name localhost. A pair uses it once the Secret is copied into its namespace.
 */
public final class SandboxObjectStore implements AutoCloseable {
  public static final String NAMESPACE = "sandbox";
  public static final String SERVICE = "object-store";
  public static final String SECRET = "object-store";
  public static final String BUCKET = "pks-backups";
  /** The port in the network mode, on the bridge's own address (nothing else listens there). */
  static final int CLUSTER_PORT = 9000;

  private final S3ProxyServer server;

  private SandboxObjectStore(S3ProxyServer server) {
    this.server = server;
  }

  static SandboxObjectStore start(KubernetesClient client, LocalRuntime runtime, PodNetwork network, SandboxPorts ports,
      Path folder) throws IOException {
    String fullName = SERVICE + "." + NAMESPACE + ".svc." + ClusterDns.DOMAIN;
    S3ProxyServer server = network == null
        ? S3ProxyServer.start(folder, ports.service(NAMESPACE, SERVICE, CLUSTER_PORT), BUCKET)
        : S3ProxyServer.start(folder, network.gateway(), CLUSTER_PORT,
            List.of(fullName, SERVICE + "." + NAMESPACE + ".svc", SERVICE + "." + NAMESPACE), BUCKET);
    ScriptLauncher.own(folder);
    String address = network == null ? S3ProxyServer.ADDRESS : network.gateway();
    runtime.publishName(NAMESPACE, SERVICE, address);
    int port = server.port();
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata()
        .withName(NAMESPACE).endMetadata().build()).createOr(existing -> existing.update());
    client.secrets().inNamespace(NAMESPACE).resource(new SecretBuilder()
        .withNewMetadata().withName(SECRET).withNamespace(NAMESPACE).endMetadata()
        .withStringData(Map.of(ObjectStore.ACCESS_KEY_ID, server.accessKeyId(),
            ObjectStore.SECRET_ACCESS_KEY, server.secretAccessKey(),
            ObjectStore.CA_CERT, Files.readString(server.caCertificate())))
        .build()).createOr(existing -> existing.update());
    client.services().inNamespace(NAMESPACE).resource(new ServiceBuilder()
        .withNewMetadata().withName(SERVICE).withNamespace(NAMESPACE).endMetadata()
        .withNewSpec().addNewPort().withName("https").withPort(port).withProtocol("TCP").endPort().endSpec()
        .build()).createOr(existing -> existing.update());
    client.endpoints().inNamespace(NAMESPACE).resource(new EndpointsBuilder()
        .withNewMetadata().withName(SERVICE).withNamespace(NAMESPACE).endMetadata()
        .addNewSubset().addNewAddress().withIp(address).endAddress()
          .addNewPort().withName("https").withPort(port).withProtocol("TCP").endPort().endSubset()
        .build()).createOr(existing -> existing.update());
    return new SandboxObjectStore(server);
  }

  /** Copies the Secret {@value #SECRET} into {@code namespace}, where a pair's spec.backup can name it. */
  public SandboxObjectStore copySecretTo(KubernetesClient client, String namespace) {
    var secret = client.secrets().inNamespace(NAMESPACE).withName(SECRET).get();
    client.secrets().inNamespace(namespace).resource(new SecretBuilder()
        .withNewMetadata().withName(SECRET).withNamespace(namespace).endMetadata()
        .withData(secret.getData()).withStringData(secret.getStringData())
        .build()).createOr(existing -> existing.update());
    return this;
  }

  /** Puts this store, under {@code path} in its bucket, as {@code parent.objectStore} (spec.backup or a recovery). */
  public void putAsObjectStore(ObjectNode parent, String path) {
    parent.putObject("objectStore").put("endpoint", endpoint()).put("bucket", BUCKET).put("path", path)
        .put("credentialsSecret", SECRET).put("caSecret", SECRET);
  }

  /** The URL the pods use. */
  public String endpoint() {
    return server.endpoint();
  }

  /** Stops the store: its address refuses connections until {@link #start()} (an outage of the store). */
  public void stop() {
    server.stop();
  }

  /** Starts the stopped store again, with the same keys, certificate and content. */
  public void start() throws IOException {
    server.start();
  }

  @Override
  public void close() {
    server.stop();
  }
}
