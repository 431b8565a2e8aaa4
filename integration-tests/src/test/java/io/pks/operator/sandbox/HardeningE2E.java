package io.pks.operator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pks.operator.api.v1alpha1.Phase;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.model.Names;
import io.pks.operator.postgres.ProbeCount;
import io.pks.operator.sandbox.EmbeddedApiServer.FaultAnswered;

/**
 * Faults and secrets across whole lifecycles in the sandbox (issue "Hardening"): the operator
 * killed in each phase, the API server failing for a while, deletion under each policy, and no
 * password anywhere but in its Secret.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HardeningE2E {
  private static final String A = "site-a";
  private static final String B = "site-b";

  private static SandboxFixture fixture;
  private static Path workDir;
  private static Sandbox sandbox;
  private static final StringBuilder LOG = new StringBuilder();
  private static final AppenderBase<ILoggingEvent> CAPTURE = new AppenderBase<>() {
    @Override
    protected void append(ILoggingEvent event) {
      synchronized (LOG) {
        LOG.append(event.getFormattedMessage()).append('\n');
        if (event.getThrowableProxy() != null) {
          LOG.append(event.getThrowableProxy().getMessage()).append('\n');
        }
      }
    }
  };

  @BeforeAll
  static void start() throws IOException {
    Logger root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    CAPTURE.setContext(root.getLoggerContext());
    CAPTURE.start();
    root.addAppender(CAPTURE);
    // Everything the operator and the runtime say, DEBUG included, is searched for passwords.
    ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("io.pks").setLevel(ch.qos.logback.classic.Level.DEBUG);
    fixture = SandboxFixture.start("hardening-e2e");
    workDir = fixture.workDir;
    sandbox = fixture.sandbox;
  }

  @AfterAll
  static void stop() throws IOException {
    ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)
        .detachAppender(CAPTURE);
    ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("io.pks").setLevel(ch.qos.logback.classic.Level.INFO);
    fixture.close();
  }

  @Test
  @Order(1)
  void anOperatorRestartedWhileInitialisingThePrimaryConverges() {
    SandboxPair pair = SandboxPair.create(sandbox, "restart-init", json -> { });
    pair.awaitPhase(Phase.InitializingPrimary);
    sandbox.stopOperator();
    sleep(1500);
    sandbox.startOperator();
    pair.awaitStreaming();
    assertThat(pair.jobs("initdb")).singleElement().satisfies(job -> assertThat(SandboxPair.succeeded(job)).isTrue());
    assertThat(pair.jobs("seed")).singleElement().satisfies(job -> assertThat(SandboxPair.succeeded(job)).isTrue());
  }

  @Test
  @Order(2)
  void anOperatorRestartedWhileStreamingChangesNothing() throws SQLException {
    SandboxPair pair = new SandboxPairLookup("restart-init").pair();
    pair.awaitStatus("sync", p -> "sync".equals(p.getStatus().replication().syncState()));
    String resourceVersion = pair.get().getMetadata().getResourceVersion();
    sandbox.stopOperator();
    sandbox.apiServer().clearWrites();
    sandbox.startOperator();
    await("the first reconcile after the start").atMost(SandboxPair.BOUND)
        .until(() -> sandbox.metrics().reconciliationsSucceeded() >= 1);
    try (ProbeCount probes = new ProbeCount(pair.connect(pair.member(pair.get().getStatus().currentPrimary())))) {
      // The first probes after a restart must not rewrite anything either.
      probes.awaitMore(5, SandboxPair.BOUND);
    }
    // Pod and StatefulSet statuses are the runtime's (a readiness probe may flip under load): not the operator's.
    assertThat(sandbox.apiServer().writes()).as("the operator's writes after a restart on a streaming pair")
        .filteredOn(write -> !write.path().matches(".*/(pods|statefulsets)/[^/]+/status")).isEmpty();
    assertThat(pair.get().getMetadata().getResourceVersion()).isEqualTo(resourceVersion);
    assertThat(pair.jobs("seed")).hasSize(1);
  }

  @Test
  @Order(3)
  void anApiServerFailingForAWhileDelaysTheBootstrapButLosesNothing() {
    String namespaced = "/namespaces/flaky/";
    String pairs = namespaced + "pksreplicapairs";
    // The test's own create of the pair is spared: its client's retries would use up the window.
    sandbox.apiServer().failFor(Duration.ofSeconds(4), EmbeddedApiServer.ANY_METHOD,
        path -> path.contains(namespaced) && !path.contains("/pods") && !ResourcePath.withoutQuery(path).endsWith(pairs),
        500);
    sandbox.apiServer().failNext(5, "POST", path -> path.contains(namespaced + "jobs"), 409);
    SandboxPair pair = SandboxPair.create(sandbox, "flaky", json -> { });
    pair.awaitStreaming();
    assertThat(pair.jobs("initdb")).hasSize(1);
    assertThat(pair.jobs("seed")).hasSize(1);
    assertThat(pair.client().apps().statefulSets().inNamespace("flaky").list().getItems()).hasSize(2);

    List<FaultAnswered> faults = sandbox.apiServer().faultsAnswered().stream()
        .filter(fault -> fault.path().contains(namespaced)).toList();
    assertThat(faults).as("faults the test's create received").noneMatch(fault -> fault.method().equals("POST")
        && ResourcePath.withoutQuery(fault.path()).endsWith(pairs));
    assertThat(faults).as("500s the operator received").anyMatch(fault -> fault.toOperator() && fault.status() == 500);
    assertThat(faults).as("409s the operator received on its Job creates")
        .filteredOn(fault -> fault.toOperator() && fault.status() == 409).hasSize(5);
  }

  @Test
  @Order(4)
  void deletingAPairWithDeletePolicyRemovesItsVolumesAndSecrets() {
    SandboxPair pair = SandboxPair.create(sandbox, "delete", json -> ((com.fasterxml.jackson.databind.node.ObjectNode)
        json.get("spec")).put("deletionPolicy", "Delete"));
    pair.awaitStreaming();
    Path volume = sandbox.runtime().volume("delete", Names.dataClaim(pair.name, A));
    assertThat(volume.resolve("pgdata/PG_VERSION")).exists();

    pair.client().resources(PksReplicaPair.class).inNamespace("delete").withName(pair.name).delete();
    await("everything gone").atMost(SandboxPair.BOUND).untilAsserted(() -> {
      assertThat(pair.client().persistentVolumeClaims().inNamespace("delete").list().getItems()).isEmpty();
      assertThat(pair.client().secrets().inNamespace("delete").list().getItems()).isEmpty();
      assertThat(pair.client().pods().inNamespace("delete").list().getItems()).isEmpty();
    });
    await("volume folders deleted").atMost(SandboxPair.BOUND).until(() -> !Files.exists(volume));
  }

  @Test
  @Order(5)
  void noPasswordAppearsOutsideItsSecretsAcrossALifecycle() throws Exception {
    SandboxPair pair = new SandboxPairLookup("restart-init").pair();
    pair.requestPrimary(B);
    pair.awaitStatus("switched over", p -> B.equals(p.getStatus().currentPrimary())
        && p.getStatus().phase() == Phase.Streaming && "sync".equals(p.getStatus().replication().syncState()));

    List<String> passwords = new ArrayList<>();
    for (Secret secret : sandbox.client().secrets().inAnyNamespace().list().getItems()) {
      String password = new String(Base64.getDecoder().decode(secret.getData().get("password")), StandardCharsets.UTF_8);
      assertThat(password).hasSizeGreaterThanOrEqualTo(32);
      passwords.add(password);
    }
    assertThat(passwords).as("two pairs' superuser and replication passwords").hasSizeGreaterThanOrEqualTo(4);

    List<HasMetadata> written = new ArrayList<>();
    written.addAll(sandbox.client().configMaps().inAnyNamespace().list().getItems());
    written.addAll(sandbox.client().apps().statefulSets().inAnyNamespace().list().getItems());
    written.addAll(sandbox.client().batch().v1().jobs().inAnyNamespace().list().getItems());
    written.addAll(sandbox.client().services().inAnyNamespace().list().getItems());
    written.addAll(sandbox.client().pods().inAnyNamespace().list().getItems());
    written.addAll(sandbox.client().persistentVolumeClaims().inAnyNamespace().list().getItems());
    written.addAll(sandbox.client().v1().events().inAnyNamespace().list().getItems());
    written.addAll(sandbox.client().resources(PksReplicaPair.class).inAnyNamespace().list().getItems());
    String objects = written.stream().map(Serialization::asJson).reduce("", String::concat);
    String podLogs;
    try (Stream<Path> files = Files.walk(workDir.resolve("pods"))) {
      podLogs = files.filter(file -> file.getFileName().toString().equals("container.log"))
          .map(HardeningE2E::read).reduce("", String::concat);
    }
    String operatorLog;
    synchronized (LOG) {
      operatorLog = LOG.toString();
    }
    assertThat(objects).contains("site-a").hasSizeGreaterThan(10_000);
    assertThat(operatorLog).contains("phase Streaming");
    assertThat(podLogs).contains("starting as standby");
    for (String password : passwords) {
      assertThat(objects).as("objects the operator wrote").doesNotContain(password);
      assertThat(operatorLog).as("the operator's and the runtime's log").doesNotContain(password);
      assertThat(podLogs).as("the pods' output").doesNotContain(password);
    }
    System.out.printf("SECRETS: %d passwords searched in %d objects, %d KiB of operator log, %d KiB of pod"
        + " output: 0 found%n", passwords.size(), written.size(), operatorLog.length() / 1024, podLogs.length() / 1024);
  }

  /** A pair created by an earlier test of this class. */
  private record SandboxPairLookup(String namespace) {
    SandboxPair pair() {
      return SandboxPair.existing(sandbox, namespace, "pks");
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
