package io.pks.operator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.pks.operator.api.v1alpha1.Phase;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.model.Names;
import io.pks.operator.reconciler.EventReason;

/**
 * Drains of a Required pair's nodes with real {@code kubectl drain} in the sandbox's network mode
 * (issue 15): each member's pod runs on a Node of its own; the PodDisruptionBudget keeps the
 * primary's pod while it is the primary, and the operator, seeing the node cordoned, switches over
 * to the standby in sync first. A drain while the standby is down is held, with a way out.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DrainE2E {
  private static final String A = "site-a";
  private static final String B = "site-b";
  /**
   * Beyond the switchover: the -rw Service following the new primary, and the writer's connection
   * attempt made while it had no endpoint, given up after its 2 s connect timeout before the next.
   */
  private static final Duration GAP_SLACK = Duration.ofSeconds(3);

  private static SandboxFixture fixture;
  private static SandboxPair pair;
  private static Kubectl kubectl;
  private static Path kubectlHome;

  @BeforeAll
  static void streamingPair() throws IOException {
    fixture = SandboxFixture.start("drain-e2e", Sandbox.Networking.CLUSTER);
    pair = SandboxPair.create(fixture.sandbox, "drain", json -> { });
    pair.awaitSynchronous(A);
    kubectlHome = Files.createDirectories(fixture.workDir.resolve("kubectl-home"));
    kubectl = new Kubectl(fixture.sandbox.kubeconfig(), kubectlHome);
  }

  @AfterAll
  static void stop() throws IOException {
    fixture.close();
  }

  @Test
  @Order(1)
  void aDrainOfThePrimarysNodeWaitsForTheSwitchoverAndLosesNoCommit() throws Exception {
    String node = pair.pod(A).getSpec().getNodeName();
    assertThat(node).as("each member on a node of its own").isNotEqualTo(pair.pod(B).getSpec().getNodeName());
    List<String> timeline = Collections.synchronizedList(new ArrayList<>());
    List<Instant> switchover = Collections.synchronizedList(new ArrayList<>());
    try (Watch phases = watchPhases(timeline, switchover); Watch pods = watchDeletion(Names.pod(pair.name, A), timeline);
        Writer writer = new Writer(pair, "calls")) {
      assertThat(writer.awaitMore(30, SandboxPair.BOUND)).isTrue();
      Instant drained = Instant.now();
      Kubectl.Result drain = drain(node, Duration.ofSeconds(150));
      assertThat(drain.exitCode()).as("kubectl drain: " + drain.err()).isZero();
      // Evicted, or gone already (the switchover stopped it): the drain waits for it either way.
      assertThat(drain.out()).contains("node/" + node + " cordoned", "evicting pod " + pair.namespace + "/"
          + Names.pod(pair.name, A), "node/" + node + " drained");
      // kubectl drain retries an eviction the budget refused 5 s later, by the pod's name only
      // (kubernetes/kubernetes#138229): when site-a had rejoined by then, it evicted that new pod
      // too, and the pair's status may still say in sync from it. The drain has ended: the pod
      // awaited here is the last.
      await("site-a's pod running, not being deleted").atMost(SandboxPair.BOUND)
          .until(() -> pair.podReady(A) && pair.pod(A).getMetadata().getDeletionTimestamp() == null);
      pair.awaitSynchronous(B);
      assertThat(writer.awaitMore(30, SandboxPair.BOUND)).isTrue();
      Duration gap = writer.longestGap(drained, Instant.now());
      writer.stop();
      assertThat(writer.missingOn(pair.connections(pair.readWrite()))).as("acknowledged rows lost").isEmpty();

      assertThat(timeline).as("the switchover recorded before the old primary's pod went")
          .containsSubsequence("phase SwitchingOver", "deleted from " + node);
      assertThat(switchover).as("switchover decided, then the new primary recorded").hasSize(2);
      Duration window = Duration.between(switchover.get(0), switchover.get(1));
      System.out.printf("DRAIN %s: switchover %d ms, longest write gap %d ms, %d commits acknowledged, 0 lost;"
          + " evictions refused by the budget first: %b; site-a's pod deleted %d times%n", node, window.toMillis(),
          gap.toMillis(), writer.acknowledgedCount(), drain.err().contains("disruption budget"),
          timeline.stream().filter(entry -> entry.startsWith("deleted from")).count());
      assertThat(gap).as("the longest write gap, within the switchover's").isLessThan(window.plus(GAP_SLACK));
    }
    assertThat(events(EventReason.SwitchoverForDrain)).singleElement().asString()
        .startsWith("Switching over to site-b: the node of primary site-a is cordoned (a drain).");
    assertThat(events(EventReason.FailoverStarted)).as("no failover").isEmpty();
    assertThat(pair.inRecovery(A)).as("the old primary rejoined as the standby").isTrue();
    assertThat(pair.pod(A).getSpec().getNodeName()).as("on a node that is not cordoned").isNotEqualTo(node);
  }

  @Test
  @Order(2)
  void aDrainWhileTheStandbyIsDownIsHeldUntilTheStandbyIsBack() throws Exception {
    String node = pair.pod(B).getSpec().getNodeName();
    pair.nodeDown(A);
    await("standby not Ready").atMost(SandboxPair.BOUND).until(() -> !pair.podReady(A));

    Kubectl.Result held = drain(node, Duration.ofSeconds(15));

    assertThat(held.exitCode()).isEqualTo(1);
    assertThat(held.err()).contains("Cannot evict pod as it would violate the pod's disruption budget.");
    assertThat(pair.podReady(B)).as("the primary's pod kept").isTrue();
    assertThat(pair.get().getStatus().currentPrimary()).isEqualTo(B);
    pair.awaitStatus("the hold said", p -> p.getStatus().message().contains("The node of primary site-b is"
        + " cordoned, but standby site-a is not streaming in sync with both pods Ready: no switchover"));
    assertThat(pair.awaitEvents(EventReason.DrainHeld)).isNotEmpty();

    // The way out: the standby back in sync, the operator switches over, and the drain goes through.
    pair.nodeBack(A);
    pair.awaitSynchronous(A);
    Kubectl.Result drain = drain(node, Duration.ofSeconds(150));
    assertThat(drain.exitCode()).as("kubectl drain: " + drain.err()).isZero();
    assertThat(events(EventReason.SwitchoverForDrain)).hasSize(2);
    pair.awaitSynchronous(A);
  }

  /** {@code kubectl drain node}, as an administrator runs it before patching the node. */
  private static Kubectl.Result drain(String node, Duration timeout) throws IOException, InterruptedException {
    Path out = kubectlHome.resolve("drain.out");
    Process process = kubectl.start(out, "drain", node, "--ignore-daemonsets", "--delete-emptydir-data",
        "--timeout=" + timeout.toSeconds() + "s");
    if (!process.waitFor(timeout.toSeconds() + 30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      throw new AssertionError("kubectl drain " + node + " did not end: " + Files.readString(Path.of(out + ".err")));
    }
    return new Kubectl.Result(process.exitValue(), Files.readString(out), Files.readString(Path.of(out + ".err")));
  }

  /**
   * Each new phase of the pair into {@code timeline}; into {@code switchover}, when it was first
   * recorded SwitchingOver and when it first recorded another current primary.
   */
  private static Watch watchPhases(List<String> timeline, List<Instant> switchover) {
    String first = pair.get().getStatus().currentPrimary();
    return pair.client().resources(PksReplicaPair.class).inNamespace(pair.namespace).withName(pair.name)
        .watch(new Watcher<>() {
          @Override
          public void eventReceived(Action action, PksReplicaPair seen) {
            String phase = "phase " + seen.getStatus().phase();
            if (timeline.isEmpty() || !timeline.get(timeline.size() - 1).equals(phase)) {
              timeline.add(phase);
            }
            boolean promoted = !first.equals(seen.getStatus().currentPrimary());
            if (switchover.isEmpty() && seen.getStatus().phase() == Phase.SwitchingOver
                || switchover.size() == 1 && promoted) {
              switchover.add(Instant.now());
            }
          }

          @Override
          public void onClose(WatcherException cause) {
          }
        });
  }

  /** {@code deleted from <node>} into {@code timeline} when the pod {@code name} is deleted. */
  private static Watch watchDeletion(String name, List<String> timeline) {
    return pair.client().pods().inNamespace(pair.namespace).withName(name).watch(new Watcher<>() {
      @Override
      public void eventReceived(Action action, Pod pod) {
        if (action == Action.DELETED) {
          timeline.add("deleted from " + pod.getSpec().getNodeName());
        }
      }

      @Override
      public void onClose(WatcherException cause) {
      }
    });
  }

  /** The messages of the pair's Events with {@code reason}. */
  private static List<String> events(EventReason reason) {
    return pair.client().v1().events().inNamespace(pair.namespace).list().getItems().stream()
        .filter(event -> reason.name().equals(event.getReason())).map(Event::getMessage).toList();
  }
}
