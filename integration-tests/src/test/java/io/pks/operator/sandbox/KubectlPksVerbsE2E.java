package io.pks.operator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.SecretBuilder;

import io.pks.operator.api.v1alpha1.Phase;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.cli.CliRun;
import io.pks.operator.model.Labels;
import io.pks.operator.reconciler.EventReason;

/**
 * The day-2 verbs of {@code kubectl pks} against the sandbox (issue 15), each under a writer
 * through -rw with no acknowledged commit lost: {@code restart} (both members, the standby first,
 * then the primary by a switchover; then one member), {@code reload} (pg_reload_conf() on both
 * members, no pod re-created), {@code fence}/{@code unfence} (a member kept stopped, neither
 * re-seeded nor failed over from, until unfenced), {@code logs} and {@code report} (no Secret value
 * in it, a password PostgreSQL logged included). One pair, Required, the tests in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubectlPksVerbsE2E {
  private static final String A = "site-a";
  private static final String B = "site-b";
  private static final String KNOWN_PASSWORD = "Kn0wn-Passw0rd-For-The-Report";

  private static SandboxFixture fixture;
  private static SandboxPair pair;

  @BeforeAll
  static void streamingPair() {
    fixture = SandboxFixture.start("kubectl-pks-verbs-e2e");
    pair = SandboxPair.create(fixture.sandbox, "verbs", json -> { });
    pair.awaitSynchronous();
  }

  @AfterAll
  static void stop() throws IOException {
    fixture.close();
  }

  @Test
  @Order(1)
  void restartRestartsTheStandbyThenSwitchesOverAndLosesNoCommit() throws Exception {
    Set<String> recreated = underAWriter("both members restarted", () -> succeed("restart", pair.name),
        done -> done.getStatus().restartRequest() != null && done.getStatus().requestedRestarts().isEmpty()
            && B.equals(done.getStatus().currentPrimary()));
    assertThat(recreated).as("members whose pod was re-created").containsExactlyInAnyOrder(A, B);
    assertThat(pair.inRecovery(A)).as("the old primary rejoined as the standby").isTrue();
    assertThat(pair.events(EventReason.RestartingMember)).as("the standby first").first().asString()
        .startsWith("Restarting standby site-b (requested: annotation pks.io/restart)");
    assertThat(pair.events(EventReason.SwitchoverStarted)).singleElement().asString()
        .startsWith("Switching over to site-b, which runs the new configuration, to restart primary site-a");
  }

  @Test
  @Order(2)
  void restartOfOneMemberRestartsOnlyIt() throws Exception {
    Set<String> recreated = underAWriter("the standby restarted", () -> succeed("restart", pair.name, "--member", A),
        done -> done.getStatus().restartRequest().startsWith(A + "/") && done.getStatus().requestedRestarts().isEmpty());
    assertThat(recreated).as("members whose pod was re-created").containsExactly(A);
    assertThat(pair.get().getStatus().currentPrimary()).as("the primary stays").isEqualTo(B);
  }

  @Test
  @Order(3)
  void reloadReloadsBothMembersWithoutRecreatingAPod() throws Exception {
    Instant loadedA = confLoadTime(A);
    Instant loadedB = confLoadTime(B);
    Set<String> recreated = underAWriter("reloaded", () -> succeed("reload", pair.name),
        done -> done.getStatus().reloadRequest() != null && done.getStatus().reloadedAt() != null);
    assertThat(recreated).as("members whose pod was re-created").isEmpty();
    assertThat(confLoadTime(A)).as("pg_conf_load_time() on site-a").isAfter(loadedA);
    assertThat(confLoadTime(B)).as("pg_conf_load_time() on site-b").isAfter(loadedB);
    assertThat(pair.awaitEvents(EventReason.ConfigurationReloaded)).singleElement().asString()
        .startsWith("Configuration reloaded (pg_reload_conf()) on site-b and site-a at ");
  }

  @Test
  @Order(4)
  void fenceOfTheStandbyUnderRequiredIsRefusedWithoutForce() {
    CliRun refused = run("fence", pair.name, "--member", A);
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.err()).contains("synchronous: Required, so every commit would wait for site-a");
    assertThat(pair.get().getMetadata().getAnnotations()).doesNotContainKey(PksReplicaPair.FENCE_ANNOTATION);
  }

  @Test
  @Order(5)
  void aFencedStandbyStaysStoppedAndIsNotReseededUntilUnfenced() throws Exception {
    int seeds = pair.jobs("seed").size();
    Set<String> recreated = underAWriter("the standby fenced, then unfenced", () -> {
      succeed("fence", pair.name, "--member", A, "--force");
      pair.awaitStatus("site-a fenced", p -> p.getStatus().fencedMembers().equals(List.of(A)) && pair.pod(A) == null);
      holdsFenced(A);
      succeed("unfence", pair.name, "--member", A);
    }, done -> done.getStatus().fencedMembers().isEmpty() && done.getStatus().fenceRequest() != null);
    assertThat(recreated).as("members whose pod was re-created").containsExactly(A);
    assertThat(pair.jobs("seed")).as("never re-seeded").hasSize(seeds);
    assertThat(pair.get().getStatus().currentPrimary()).isEqualTo(B);
    assertThat(pair.events(EventReason.MemberFenced)).singleElement().asString().startsWith("Fencing site-a as requested");
  }

  @Test
  @Order(6)
  void aFencedPrimaryIsNotFailedOverFromUntilUnfenced() throws Exception {
    Set<String> recreated = underAWriter("the primary fenced, then unfenced", () -> {
      succeed("fence", pair.name, "--member", B, "--force");
      pair.awaitStatus("site-b fenced", p -> p.getStatus().fencedMembers().equals(List.of(B)) && pair.pod(B) == null);
      holdsFenced(B);
      succeed("unfence", pair.name, "--member", B);
    }, done -> done.getStatus().fencedMembers().isEmpty() && B.equals(done.getStatus().currentPrimary()));
    assertThat(recreated).as("members whose pod was re-created").containsExactly(B);
    assertThat(pair.inRecovery(A)).as("site-a was never promoted").isTrue();
  }

  @Test
  @Order(7)
  void logsPrintsEachMembersPodLogPrefixedByTheMember() throws Exception {
    underAWriter("logs read", () -> {
      CliRun both = run("logs", pair.name);
      assertThat(both.exitCode()).as(both.err()).isZero();
      assertThat(both.out().lines()).allMatch(line -> line.startsWith("[site-a] ") || line.startsWith("[site-b] "));
      assertThat(both.out()).contains("[site-a] ", "[site-b] ");
      assertThat(both.out().lines().filter(line -> line.contains("database system is ready to accept connections")))
          .as("PostgreSQL's own lines, from each member").anyMatch(line -> line.startsWith("[site-a] "))
          .anyMatch(line -> line.startsWith("[site-b] "));
      CliRun one = run("logs", pair.name, "--member", A);
      assertThat(one.exitCode()).as(one.err()).isZero();
      assertThat(one.out().lines()).isNotEmpty().allMatch(line -> line.startsWith("[site-a] "));
    }, done -> true);
  }

  @Test
  @Order(8)
  void reportHoldsThePairItsObjectsEventsAndLogsAndNoPassword(@TempDir Path dir) throws Exception {
    pair.client().secrets().inNamespace(pair.namespace).resource(new SecretBuilder().withNewMetadata()
        .withName("pks-known").addToLabels(Labels.PAIR, pair.name).endMetadata()
        .addToData("password", Base64.getEncoder().encodeToString(KNOWN_PASSWORD.getBytes(StandardCharsets.UTF_8)))
        .build()).create();
    String superuser = new String(pair.superuser().password());
    String primary = pair.get().getStatus().currentPrimary();
    for (String password : List.of(KNOWN_PASSWORD, superuser)) {
      // A failed statement is logged with its text: the password is now in the primary's pod log.
      try (Connection connection = pair.connect(pair.member(primary)); Statement statement = connection.createStatement()) {
        assertThatThrownBy(() -> statement.execute("SELECT '" + password + "'::int")).isInstanceOf(SQLException.class);
      }
    }
    await("the passwords in the primary's log").atMost(SandboxPair.BOUND)
        .until(() -> pair.containerLog(primary).contains(KNOWN_PASSWORD) && pair.containerLog(primary).contains(superuser));
    List<String> passwords = pair.client().secrets().inNamespace(pair.namespace).list().getItems().stream()
        .flatMap(secret -> Optional.ofNullable(secret.getData()).map(Map::values).stream().flatMap(Collection::stream))
        .map(value -> new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8))
        .filter(value -> value.length() >= 12).toList();
    assertThat(passwords).as("the pair's Secrets' values").contains(KNOWN_PASSWORD, superuser);

    Path file = dir.resolve("report.txt");
    underAWriter("report written", () -> succeed("report", pair.name, "-o", file.toString()), done -> true);

    String bundle = Files.readString(file);
    assertThat(bundle).contains("==== PksReplicaPair verbs/pks ====", "==== StatefulSets ====", "pks-site-a",
        "==== Events ====", "MemberFenced", "[" + primary + "] ", "database system is ready to accept connections",
        "pks-known: keys [password]", "<redacted>");
    for (String password : passwords) {
      assertThat(bundle).as("a Secret value in the bundle").doesNotContain(password)
          .doesNotContain(Base64.getEncoder().encodeToString(password.getBytes(StandardCharsets.UTF_8)));
    }
  }

  /**
   * For three times failover.primaryUnavailableSeconds (5 s), {@code member} stays without a pod,
   * recorded as fenced with the condition Fenced, and nothing is promoted.
   */
  private static void holdsFenced(String member) {
    await(member + " held fenced").during(Duration.ofSeconds(15)).atMost(Duration.ofSeconds(30)).until(() -> {
      PksReplicaPair seen = pair.get();
      return pair.pod(member) == null && seen.getStatus().fencedMembers().equals(List.of(member))
          && seen.getStatus().targetPrimary() == null && B.equals(seen.getStatus().currentPrimary())
          && seen.getStatus().conditions().stream().anyMatch(c -> "Fenced".equals(c.getType())
              && "True".equals(c.getStatus()));
    });
  }

  /**
   * Runs {@code verb} while a writer commits through -rw, until the status shows {@code done} and
   * the pair streams in sync again; every acknowledged commit must then be on the primary, and at
   * no moment may both members have been without a Ready pod. The members whose pod was re-created.
   */
  private static Set<String> underAWriter(String what, Runnable verb, Predicate<PksReplicaPair> done)
      throws Exception {
    try (MemberReadiness readiness = MemberReadiness.watch(pair, A, B); Writer writer = new Writer(pair, "verbs")) {
      assertThat(writer.awaitMore(30, SandboxPair.BOUND)).isTrue();
      Instant asked = Instant.now();
      verb.run();
      pair.awaitStatus(what + ", streaming in sync", p -> done.test(p) && SandboxPair.synchronous(p)
          && p.getStatus().phase() == Phase.Streaming);
      assertThat(writer.awaitMore(30, SandboxPair.BOUND)).isTrue();
      Set<Long> acknowledged = writer.stop();
      assertThat(writer.missingOn(pair.connections(pair.readWrite()))).as("acknowledged rows lost").isEmpty();
      assertThat(readiness.bothNotReady()).as("moments with no member Ready").isEmpty();
      System.out.printf("KUBECTL PKS %s: %d commits acknowledged, 0 lost, longest write gap %d ms%n", what,
          acknowledged.size(), writer.longestGap(asked, Instant.now()).toMillis());
      return readiness.recreated();
    }
  }

  /** {@code kubectl pks <args>} against the sandbox; it must succeed. */
  private static void succeed(String... args) {
    CliRun run = run(args);
    assertThat(run.exitCode()).as(run.err()).isZero();
  }

  /** {@code kubectl pks <args>} against the sandbox. */
  private static CliRun run(String... args) {
    List<String> arguments = new ArrayList<>(List.of(args));
    arguments.addAll(List.of("-n", pair.namespace, "--kubeconfig", fixture.sandbox.kubeconfig().toString()));
    return CliRun.of(arguments.toArray(String[]::new));
  }

  /** When {@code member} last loaded its configuration files, as PostgreSQL says. */
  private static Instant confLoadTime(String member) throws SQLException {
    try (Connection connection = pair.connect(pair.member(member)); Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SELECT pg_conf_load_time()")) {
      row.next();
      return row.getTimestamp(1).toInstant();
    }
  }

}
