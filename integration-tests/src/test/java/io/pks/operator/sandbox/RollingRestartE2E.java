package io.pks.operator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pks.operator.TestPairs;
import io.pks.operator.api.v1alpha1.Phase;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.model.Names;
import io.pks.operator.reconciler.EventReason;

/**
 * Configuration changes under a writer through -rw (issue 15, issue 14 item 2): a change that needs
 * a restart rolls one member at a time, the standby first, never both members not Ready at the same
 * moment; one that PostgreSQL applies on reload re-creates no pod. Every acknowledged commit is on
 * the primary afterwards. Three pairs bootstrap side by side: restart (a restart-needing setting,
 * primaryUpdateMethod Switchover, the default), inPlace (a new image, primaryUpdateMethod Restart),
 * reload (a reloadable setting, then the disruption budget) and preferred (a restart-needing setting
 * under synchronous: Preferred: writes do not wait for the standby's restart).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RollingRestartE2E {
  private static final String A = "site-a";
  private static final String B = "site-b";

  private static SandboxFixture fixture;
  private static SandboxPair restart;
  private static SandboxPair inPlace;
  private static SandboxPair reload;
  private static SandboxPair preferred;
  /**
   * The longest write gap allowed while the standby of a Preferred pair restarts: commits no longer
   * wait for it, so only a busy machine's stall is left (the standby's restart itself took 0.8 s
   * and more while the primary waited for it).
   */
  private static final Duration STANDBY_RESTART_GAP = Duration.ofMillis(600);

  @BeforeAll
  static void streamingPairs() {
    fixture = SandboxFixture.start("rolling-restart-e2e");
    restart = SandboxPair.create(fixture.sandbox, "restart", json -> { });
    inPlace = SandboxPair.create(fixture.sandbox, "in-place",
        json -> TestPairs.spec(json).put("primaryUpdateMethod", "Restart"));
    reload = SandboxPair.create(fixture.sandbox, "reload", json -> { });
    preferred = SandboxPair.create(fixture.sandbox, "preferred",
        json -> TestPairs.spec(json).with("replication").put("synchronous", "Preferred"));
    for (SandboxPair pair : List.of(restart, inPlace, reload, preferred)) {
      pair.awaitSynchronous();
    }
  }

  @AfterAll
  static void stop() throws IOException {
    fixture.close();
  }

  @Test
  @Order(1)
  void aRestartNeedingChangeRestartsTheStandbyThenSwitchesOverAndLosesNoCommit() throws Exception {
    Set<String> recreated = underAWriter(restart, "shared_buffers in force on both members",
        () -> setParameter(restart, "shared_buffers", "128MB"),
        () -> "128MB".equals(show(restart, A, "shared_buffers")) && "128MB".equals(show(restart, B, "shared_buffers")));
    assertThat(recreated).as("members whose pod was re-created").containsExactlyInAnyOrder(A, B);
    assertThat(restart.get().getStatus().currentPrimary()).as("switched over to the restarted standby").isEqualTo(B);
    assertThat(restart.inRecovery(A)).as("the old primary rejoined as the standby").isTrue();
    assertThat(restart.events(EventReason.RestartingMember)).as("the standby was restarted first")
        .singleElement().asString().startsWith("Restarting standby site-b (pending_restart: shared_buffers)");
    assertThat(restart.events(EventReason.SwitchoverStarted)).singleElement().asString()
        .startsWith("Switching over to site-b, which runs the new configuration, to restart primary site-a");
  }

  @Test
  @Order(1)
  void aPreferredPairsWritesDoNotWaitForTheStandbysRestart() throws Exception {
    try (Writer writer = new Writer(preferred, "calls")) {
      assertThat(writer.awaitMore(30, SandboxPair.BOUND)).isTrue();
      Instant changed = Instant.now();
      setParameter(preferred, "shared_buffers", "128MB");
      await("the standby restarted, the switchover begun").atMost(SandboxPair.BOUND).pollInterval(Duration.ofMillis(20))
          .until(() -> switchoverBegun(preferred.get()));
      Instant standbyRestarted = Instant.now();
      preferred.awaitStatus("streaming in sync, no restart pending", RollingRestartE2E::synchronousWithNothingPending);
      assertThat(writer.awaitMore(30, SandboxPair.BOUND)).isTrue();
      writer.stop();
      assertThat(writer.missingOn(preferred.connections(preferred.readWrite()))).as("acknowledged rows lost").isEmpty();
      Duration standbyGap = writer.longestGap(changed, standbyRestarted);
      System.out.printf("CONFIGURATION CHANGE %s (shared_buffers, Preferred): %d commits acknowledged, 0 lost, longest"
          + " write gap %d ms while the standby restarted, %d ms in all%n", preferred.namespace,
          writer.acknowledgedCount(), standbyGap.toMillis(), writer.longestGap(changed, Instant.now()).toMillis());
      assertThat(standbyGap).as("the longest write gap while the standby restarted").isLessThan(STANDBY_RESTART_GAP);
    }
    assertThat(preferred.events(EventReason.RestartingMember)).as("the standby was restarted first")
        .singleElement().asString().startsWith("Restarting standby site-b (pending_restart: shared_buffers)");
    assertThat(preferred.get().getStatus().currentPrimary()).as("switched over to the restarted standby").isEqualTo(B);
  }

  /** The standby's restart is over and the primary's turn has come: a switchover decided or done. */
  private static boolean switchoverBegun(PksReplicaPair pair) {
    return pair.getStatus().targetPrimary() != null || B.equals(pair.getStatus().currentPrimary());
  }

  @Test
  @Order(1)
  void aNewImageRestartsTheStandbyThenThePrimaryInPlace() throws Exception {
    Set<String> recreated = underAWriter(inPlace, "both members' pods made from the new template",
        () -> inPlace.client().resources(PksReplicaPair.class).inNamespace(inPlace.namespace).withName(inPlace.name)
            .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"postgres\":{\"image\":\"postgres:16.9\"}}}"),
        () -> Stream.of(A, B).map(inPlace::pod).allMatch(pod -> pod != null
            && "postgres:16.9".equals(pod.getSpec().getContainers().get(0).getImage())));
    assertThat(recreated).as("members whose pod was re-created").containsExactlyInAnyOrder(A, B);
    assertThat(inPlace.get().getStatus().currentPrimary()).as("restarted in place").isEqualTo(A);
    assertThat(inPlace.events(EventReason.RestartingMember)).as("the standby first, then the primary").hasSize(2)
        .satisfies(messages -> {
          assertThat(messages.get(0)).startsWith("Restarting standby site-b (its pod runs an older template)");
          assertThat(messages.get(1)).startsWith("Restarting primary site-a in place");
        });
  }

  @Test
  @Order(1)
  void aReloadableChangeIsAppliedWithoutRecreatingAPod() throws Exception {
    String appliedBefore = reload.get().getStatus().configuration().appliedHash();
    Set<String> recreated = underAWriter(reload, "work_mem in force on both members",
        () -> setParameter(reload, "work_mem", "7MB"),
        () -> "7MB".equals(show(reload, A, "work_mem")) && "7MB".equals(show(reload, B, "work_mem")));
    assertThat(recreated).as("members whose pod was re-created").isEmpty();
    assertThat(reload.get().getStatus().configuration().appliedHash()).as("recorded as applied")
        .isNotEqualTo(appliedBefore);
  }

  @Test
  @Order(2)
  void anEvictionNeverTakesThePrimary() {
    reload.nodeDown(B);
    await("standby not Ready").atMost(SandboxPair.BOUND).until(() -> !reload.podReady(B));
    assertThat(evict(A)).as("the primary evicted while its standby is down").isFalse();
    assertThat(reload.podReady(A)).isTrue();
    reload.nodeBack(B);
    reload.awaitSynchronous();
    assertThat(evict(A)).as("the primary evicted while its standby is in sync").isFalse();
    assertThat(evict(B)).as("the standby may go").isTrue();
    reload.awaitSynchronous();
  }

  /**
   * Asks once to evict {@code member}'s pod, as kubectl drain does: whether it was evicted. A refusal
   * is answered 429, which the sandbox's own client would retry for about 20 s before saying so.
   */
  private static boolean evict(String member) {
    try (KubernetesClient once = new KubernetesClientBuilder().withConfig(new ConfigBuilder(
        reload.client().getConfiguration()).withRequestRetryBackoffLimit(0).build()).build()) {
      return once.pods().inNamespace(reload.namespace).withName(Names.pod(reload.name, member)).evict();
    }
  }

  /**
   * Makes {@code change} while a writer commits through -rw, until {@code inForce} holds and the
   * pair streams in sync again with nothing waiting for a restart; every acknowledged commit must
   * then be on the primary, and at no moment may both members have been without a Ready pod. The
   * members whose pod was re-created meanwhile.
   */
  private static Set<String> underAWriter(SandboxPair pair, String what, Runnable change, Callable<Boolean> inForce)
      throws Exception {
    try (MemberReadiness readiness = MemberReadiness.watch(pair, A, B); Writer writer = new Writer(pair, "calls")) {
      assertThat(writer.awaitMore(30, SandboxPair.BOUND)).isTrue();
      Instant changed = Instant.now();
      change.run();
      await(what).atMost(SandboxPair.BOUND).until(inForce);
      pair.awaitStatus("streaming in sync, no restart pending", RollingRestartE2E::synchronousWithNothingPending);
      assertThat(writer.awaitMore(30, SandboxPair.BOUND)).isTrue();
      Set<Long> acknowledged = writer.stop();
      assertThat(writer.missingOn(pair.connections(pair.readWrite()))).as("acknowledged rows lost").isEmpty();
      assertThat(readiness.bothNotReady()).as("moments with no member Ready").isEmpty();
      System.out.printf("CONFIGURATION CHANGE %s (%s): %d commits acknowledged, 0 lost, longest write gap %d ms%n",
          pair.namespace, what, acknowledged.size(), writer.longestGap(changed, Instant.now()).toMillis());
      return readiness.recreated();
    }
  }

  private static boolean synchronousWithNothingPending(PksReplicaPair pair) {
    return pair.getStatus().phase() == Phase.Streaming && pair.getStatus().replication() != null
        && "sync".equals(pair.getStatus().replication().syncState()) && pair.getStatus().configuration() != null
        && pair.getStatus().configuration().pendingRestart().isEmpty();
  }


  /** Sets one of spec.postgres.parameters, as {@code kubectl patch --type=merge} would. */
  private static void setParameter(SandboxPair pair, String name, String value) {
    pair.client().resources(PksReplicaPair.class).inNamespace(pair.namespace).withName(pair.name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(
            Map.of("spec", Map.of("postgres", Map.of("parameters", Map.of(name, value))))));
  }

  /** The setting in force on the member, as PostgreSQL shows it; null while the member does not answer. */
  private static String show(SandboxPair pair, String member, String setting) {
    try (Connection connection = pair.connect(pair.member(member)); Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SHOW " + setting)) {
      row.next();
      return row.getString(1);
    } catch (SQLException | RuntimeException e) {
      return null;
    }
  }
}
