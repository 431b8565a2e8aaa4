package io.pks.operator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.pks.operator.model.Labels;
import io.pks.operator.model.LoopbackNetwork;

/**
 * The sandbox's kubelet on the embedded API server: a pod's readiness check (pg_isready) runs
 * beside the kubelet's pass, as a kubelet's probe workers do, so a member slow to answer holds up
 * neither the other pods nor kube-proxy's endpoints, which the same pass thread serves.
 */
class LocalKubeletIT {
  private static final String NAMESPACE = "telephony";
  /** The code of PostgreSQL's SSLRequest packet. */
  private static final int SSL_REQUEST = 80877103;

  @TempDir
  Path work;

  private EmbeddedApiServer server;
  private NamespacedKubernetesClient client;
  private final SandboxPorts ports = new SandboxPorts();
  private LocalKubelet kubelet;

  @BeforeEach
  void start() throws Exception {
    server = new EmbeddedApiServer();
    client = server.client();
    kubelet = new LocalKubelet(client, new LocalVolumes(client, Files.createDirectories(work.resolve("volumes"))),
        ports, null, work.resolve("pods"), Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    kubelet.close();
    server.close();
  }

  @Test
  void aReadinessCheckThatGetsNoAnswerHoldsUpNoPass() throws Exception {
    // Accepts connections (the backlog) and never answers: pg_isready waits its whole second.
    try (ServerSocket silent = new ServerSocket(ports.member(NAMESPACE, "pks", "site-a"), 50,
        InetAddress.getByName(LoopbackNetwork.LOOPBACK_HOST))) {
      Pod pod = client.pods().inNamespace(NAMESPACE).resource(member("site-a")).create();

      long start = System.nanoTime();
      kubelet.sync(List.of(pod));
      kubelet.sync(List.of(current(pod)));
      Duration passes = Duration.ofNanos(System.nanoTime() - start);

      assertThat(passes).as("two passes, the container started and its readiness being checked")
          .isLessThan(Duration.ofMillis(500));
      assertThat(running(current(pod))).isTrue();
      assertThat(ready(current(pod))).isFalse();
      // Once pg_isready gave up (its 1 s), a pass takes its answer: still not Ready.
      await().pollDelay(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        kubelet.sync(List.of(current(pod)));
        assertThat(ready(current(pod))).as("a member that does not answer").isFalse();
        assertThat(running(current(pod))).isTrue();
      });
    }
  }

  /** The answer of a check run beside the pass is taken at a later pass: the pod becomes Ready. */
  @Test
  void aReadinessCheckThatIsAnsweredMakesThePodReadyAtALaterPass() throws Exception {
    try (ServerSocket answering = new ServerSocket(ports.member(NAMESPACE, "pks", "site-a"), 50,
        InetAddress.getByName(LoopbackNetwork.LOOPBACK_HOST))) {
      Thread server = new Thread(() -> refuseEveryLogin(answering), "refusing-server");
      server.setDaemon(true);
      server.start();
      Pod pod = client.pods().inNamespace(NAMESPACE).resource(member("site-a")).create();
      kubelet.sync(List.of(pod));

      await("Ready").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
        kubelet.sync(List.of(current(pod)));
        assertThat(ready(current(pod))).isTrue();
      });
    }
  }

  /**
   * Answers every connection as a server that is up and refuses the login (pg_isready then exits
   * 0, as for a member accepting connections): no SSL, then an ErrorResponse to the startup packet.
   */
  private static void refuseEveryLogin(ServerSocket server) {
    byte[] refusal = "SFATAL\0C28P01\0Mrefused\0\0".getBytes(StandardCharsets.US_ASCII);
    while (!server.isClosed()) {
      try (Socket client = server.accept()) {
        DataInputStream in = new DataInputStream(client.getInputStream());
        DataOutputStream out = new DataOutputStream(client.getOutputStream());
        while (true) {
          byte[] packet = new byte[in.readInt() - 4];
          in.readFully(packet);
          if (ByteBuffer.wrap(packet).getInt() != SSL_REQUEST) {
            break;
          }
          out.writeByte('N');
        }
        out.writeByte('E');
        out.writeInt(refusal.length + 4);
        out.write(refusal);
        out.flush();
      } catch (IOException closedOrCut) {
        // The test is over, or pg_isready gave up on this connection: the next one is answered.
      }
    }
  }

  private Pod member(String member) {
    return new PodBuilder().withNewMetadata().withName("pks-" + member + "-0").withNamespace(NAMESPACE)
        .addToLabels(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE).addToLabels(Labels.PAIR, "pks")
        .addToLabels(Labels.MEMBER, member).endMetadata()
        .withNewSpec().addNewContainer().withName("postgres").withImage("pks-member")
        .withCommand("sleep", "600").withNewReadinessProbe().withNewExec().withCommand("pg_isready").endExec()
        .endReadinessProbe().endContainer().endSpec().build();
  }

  private Pod current(Pod pod) {
    return client.pods().inNamespace(NAMESPACE).withName(pod.getMetadata().getName()).get();
  }

  private static boolean ready(Pod pod) {
    return pod.getStatus() != null && pod.getStatus().getConditions().stream()
        .anyMatch(condition -> "Ready".equals(condition.getType()) && "True".equals(condition.getStatus()));
  }

  private static boolean running(Pod pod) {
    return pod.getStatus() != null && !pod.getStatus().getContainerStatuses().isEmpty()
        && pod.getStatus().getContainerStatuses().get(0).getState().getRunning() != null;
  }
}
