package io.pks.operator.reconciler;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.pks.operator.MockCluster;
import io.pks.operator.TestPairs;
import io.pks.operator.api.v1alpha1.Phase;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.model.Labels;
import io.pks.operator.model.Names;
import io.pks.operator.model.Scripts;
import io.pks.operator.sandbox.EmbeddedApiServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The real operator against the Fabric8 mock API server in CRUD mode. */
class PksReplicaPairReconcilerIT {
  private static final String NS = "telephony";
  private static final Duration BOUND = Duration.ofSeconds(20);

  private MockCluster cluster;
  private KubernetesClient client;

  @BeforeEach
  void start() {
    cluster = new MockCluster();
    client = cluster.client();
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    cluster.clearWrites();
    cluster.startOperator();
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  private PksReplicaPair pair(String name) {
    return client.resources(PksReplicaPair.class).inNamespace(NS).withName(name).get();
  }

  private PksReplicaPair awaitStatus(String name, java.util.function.Predicate<PksReplicaPair> condition) {
    await().atMost(BOUND).until(() -> pair(name), p -> p != null && p.getStatus() != null && condition.test(p));
    return pair(name);
  }

  private static String condition(PksReplicaPair pair, String type) {
    return pair.getStatus().conditions().stream().filter(c -> c.getType().equals(type))
        .map(c -> c.getStatus() + ": " + c.getMessage()).findFirst().orElse("absent");
  }

  private void awaitAllObjects() {
    await().atMost(BOUND).untilAsserted(() -> {
      assertThat(client.configMaps().inNamespace(NS).withName("pks-config").get()).isNotNull();
      assertThat(client.apps().statefulSets().inNamespace(NS).list().getItems()).hasSize(2);
      assertThat(client.services().inNamespace(NS).list().getItems()).hasSize(6);
      assertThat(client.secrets().inNamespace(NS).list().getItems()).hasSize(2);
      assertThat(client.persistentVolumeClaims().inNamespace(NS).list().getItems()).hasSize(2);
      assertThat(client.batch().v1().jobs().inNamespace(NS).withName("pks-site-a-initdb").get()).isNotNull();
    });
  }

  /** Until a second passes without a write: the operator has nothing left to do. */
  private void awaitQuiet() {
    java.util.concurrent.atomic.AtomicInteger seen = new java.util.concurrent.atomic.AtomicInteger(-1);
    await().atMost(BOUND).pollInterval(Duration.ofSeconds(1))
        .until(() -> seen.getAndSet(cluster.writes().size()) == cluster.writes().size());
  }

  /** The example created, its objects made and its status written, then nothing left to do. */
  private void createTheExampleAndAwaitQuiet() {
    client.resource(TestPairs.example()).create();
    awaitAllObjects();
    awaitStatus("pks", p -> p.getStatus().observedGeneration() != null);
    awaitQuiet();
  }

  private int replicas(String statefulSet) {
    return client.apps().statefulSets().inNamespace(NS).withName(statefulSet).get().getSpec().getReplicas();
  }

  /** What the Job controller writes when a Job ends. */
  private void finishJob(String name, boolean succeeded) {
    client.batch().v1().jobs().inNamespace(NS).withName(name).editStatus(job -> new JobBuilder(job)
        .withNewStatus()
          .addNewCondition().withType(succeeded ? "Complete" : "Failed").withStatus("True")
            .withReason(succeeded ? null : "BackoffLimitExceeded")
            .withMessage(succeeded ? null : "Job has reached the specified backoff limit")
            .withLastTransitionTime(java.time.Instant.now().toString()).endCondition()
          .withSucceeded(succeeded ? 1 : null).withFailed(succeeded ? null : 3)
        .endStatus().build());
  }

  private List<Event> events() {
    return client.v1().events().inNamespace(NS).list().getItems();
  }

  @Test
  void theBootstrapStartsMembersOnlyOnceTheirJobsSucceeded() {
    client.resource(TestPairs.example()).create();
    awaitAllObjects();
    assertThat(replicas("pks-site-a")).isZero();
    assertThat(replicas("pks-site-b")).isZero();
    Job initdb = client.batch().v1().jobs().inNamespace(NS).withName("pks-site-a-initdb").get();
    assertThat(initdb.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(owner -> assertThat(owner.getKind()).isEqualTo("PksReplicaPair"));
    assertThat(client.persistentVolumeClaims().inNamespace(NS).list().getItems())
        .extracting(claim -> claim.getMetadata().getName())
        .containsExactlyInAnyOrder("data-pks-site-a-0", "data-pks-site-b-0")
        .hasSize(2);
    assertThat(client.persistentVolumeClaims().inNamespace(NS).list().getItems())
        .allSatisfy(claim -> assertThat(claim.getMetadata().getOwnerReferences()).isNullOrEmpty());

    finishJob("pks-site-a-initdb", true);

    await().atMost(BOUND).untilAsserted(() -> assertThat(replicas("pks-site-a")).isEqualTo(1));
    PksReplicaPair pair = awaitStatus("pks", p -> p.getStatus().stoppedMembers().equals(List.of("site-b")));
    assertThat(pair.getStatus().phase()).isEqualTo(Phase.InitializingPrimary);
    assertThat(replicas("pks-site-b")).isZero();
    // A step's Event follows its status write.
    await().atMost(BOUND).untilAsserted(() -> assertThat(events()).extracting(Event::getReason)
        .contains("InitializingPrimary", "PrimaryInitialized"));
    assertThat(events()).allSatisfy(event -> {
      assertThat(event.getInvolvedObject().getName()).isEqualTo("pks");
      assertThat(event.getInvolvedObject().getKind()).isEqualTo("PksReplicaPair");
      assertThat(event.getType()).isEqualTo("Normal");
    });
  }

  /**
   * The objects follow the status as written, in the reconcile that writes it: a new pair's first
   * write is its status (the initdb Job recorded), and every object, that Job among them, comes
   * after it. Before, the objects were made first, from a pair with no status, and the Job only by
   * the next reconcile.
   */
  @Test
  void aNewPairsStatusIsWrittenBeforeAnyOfItsObjects() {
    client.resource(TestPairs.example()).create();
    awaitAllObjects();
    await().atMost(BOUND).until(() -> client.batch().v1().jobs().inNamespace(NS).withName("pks-site-a-initdb").get(),
        java.util.Objects::nonNull);
    List<String> writes = cluster.writes().stream().filter(write -> write.path().contains("/namespaces/" + NS + "/"))
        .map(write -> write.method() + " " + write.path().replaceFirst("\\?.*", "")).toList();
    int status = writes.indexOf("PUT /apis/pks.io/v1alpha1/namespaces/" + NS + "/pksreplicapairs/pks/status");
    assertThat(status).as("the status write among %s", writes).isNotNegative();
    assertThat(writes.subList(0, status)).as("writes before the status")
        .containsExactly("POST /apis/pks.io/v1alpha1/namespaces/" + NS + "/pksreplicapairs");
    assertThat(writes.subList(status + 1, writes.size())).as("writes after the status")
        .contains("POST /apis/apps/v1/namespaces/" + NS + "/statefulsets", "POST /apis/batch/v1/namespaces/" + NS + "/jobs");
  }

  @Test
  void aFailedInitdbSaysWhyFromItsPodAndWaitsForAHuman() {
    client.resource(TestPairs.example()).create();
    awaitAllObjects();
    client.resource(new PodBuilder()
        .withNewMetadata().withName("pks-site-a-initdb-x7k2p").withNamespace(NS)
          .addToLabels(Labels.pair("pks")).addToLabels("job-name", "pks-site-a-initdb").endMetadata()
        .withNewStatus().withPhase("Failed").addNewContainerStatus().withName("job").withNewState().withNewTerminated()
          .withExitCode(1).withFinishedAt(java.time.Instant.now().toString())
          .withMessage("2026-11-25T12:00:00Z initdb: initdb as superuser postgres\n"
              + "initdb: initdb failed: could not create directory: No space left on device\n")
        .endTerminated().endState().endContainerStatus().endStatus()
        .build()).create();
    finishJob("pks-site-a-initdb", false);

    PksReplicaPair pair = awaitStatus("pks", p -> p.getStatus().phase() == Phase.Failed);
    assertThat(pair.getStatus().message()).isEqualTo("Job pks-site-a-initdb could not initialise primary site-a:"
        + " initdb: initdb failed: could not create directory: No space left on device."
        + " Fix the cause, then delete the Job to run it again.");
    assertThat(condition(pair, "Ready")).startsWith("False: Job pks-site-a-initdb could not initialise");
    await().atMost(BOUND).untilAsserted(() -> assertThat(events()).anySatisfy(event -> {
      assertThat(event.getReason()).isEqualTo("InitdbFailed");
      assertThat(event.getType()).isEqualTo("Warning");
    }));
    assertThat(replicas("pks-site-a")).isZero();
  }

  @Test
  void thePairsOfANamespaceShareOneScriptsConfigMapThatNoneOwns() {
    client.resource(TestPairs.example()).create();
    PksReplicaPair other = TestPairs.example();
    other.getMetadata().setName("other");
    client.resource(other).create();

    await().atMost(BOUND).untilAsserted(() ->
        assertThat(client.apps().statefulSets().inNamespace(NS).list().getItems()).hasSize(4));
    assertThat(scriptsConfigMaps()).singleElement().satisfies(scripts -> {
      assertThat(scripts.getMetadata().getName()).isEqualTo(Names.scriptsConfigMap());
      assertThat(scripts.getMetadata().getOwnerReferences()).isNullOrEmpty();
      assertThat(scripts.getImmutable()).isTrue();
      assertThat(scripts.getData()).containsOnlyKeys(Scripts.ALL.toArray(String[]::new));
    });
    assertThat(client.apps().statefulSets().inNamespace(NS).list().getItems()).allSatisfy(statefulSet ->
        assertThat(statefulSet.getSpec().getTemplate().getSpec().getVolumes())
            .anySatisfy(volume -> assertThat(volume.getConfigMap().getName()).isEqualTo(Names.scriptsConfigMap())));
    assertThat(client.configMaps().inNamespace(NS).withName("pks-config").get().getData())
        .doesNotContainKeys(Scripts.ALL.toArray(String[]::new));
  }

  @Test
  void aDeletedScriptsConfigMapIsMadeAgain() {
    createTheExampleAndAwaitQuiet();

    client.configMaps().inNamespace(NS).withName(Names.scriptsConfigMap()).delete();

    await().atMost(BOUND).untilAsserted(() -> assertThat(scriptsConfigMaps()).singleElement()
        .satisfies(scripts -> assertThat(scripts.getMetadata().getName()).isEqualTo(Names.scriptsConfigMap())));
  }

  @Test
  void anEarlierVersionOfTheScriptsGoesOnceOnlyWhatEndedMountsIt() {
    String earlier = Names.SCRIPTS_CONFIG_MAP_PREFIX + "0123456789";
    client.resource(new ConfigMapBuilder().withNewMetadata().withName(earlier).withNamespace(NS)
        .withLabels(Labels.scripts()).endMetadata().withImmutable(true).withData(Map.of("seed.sh", "#!/bin/sh\n"))
        .build()).create();
    // A member's pod of the earlier operator, not restarted yet.
    client.resource(new PodBuilder()
        .withNewMetadata().withName("pks-site-a-0").withNamespace(NS).withLabels(Labels.member("pks", "site-a"))
        .endMetadata()
        .withNewSpec().addNewVolume().withName("scripts").withNewConfigMap().withName(earlier).endConfigMap().endVolume()
        .addNewContainer().withName("postgres").withImage("postgres:16").endContainer().endSpec()
        .build()).create();

    // A finished Job of the earlier operator, and its pod, which ended: neither starts anything again.
    client.resource(new JobBuilder().withNewMetadata().withName("pks-site-b-seed-1").withNamespace(NS)
        .withLabels(Labels.job("pks", "site-b", Labels.SEED_JOB)).endMetadata()
        .withNewSpec().withNewTemplate().withNewSpec().withRestartPolicy("Never")
        .addNewVolume().withName("scripts").withNewConfigMap().withName(earlier).endConfigMap().endVolume()
        .addNewContainer().withName("job").withImage("postgres:16").endContainer().endSpec().endTemplate().endSpec()
        .withNewStatus().addNewCondition().withType("Complete").withStatus("True").endCondition().endStatus()
        .build()).create();
    client.resource(new PodBuilder()
        .withNewMetadata().withName("pks-site-b-seed-1-x7k2p").withNamespace(NS)
        .withLabels(Labels.jobPod("pks", "site-b", Labels.SEED_JOB)).endMetadata()
        .withNewSpec().addNewVolume().withName("scripts").withNewConfigMap().withName(earlier).endConfigMap().endVolume()
        .addNewContainer().withName("job").withImage("postgres:16").endContainer().endSpec()
        .withNewStatus().withPhase("Succeeded").endStatus()
        .build()).create();

    createTheExampleAndAwaitQuiet();
    assertThat(client.configMaps().inNamespace(NS).withName(earlier).get()).as("mounted by a running pod").isNotNull();

    client.pods().inNamespace(NS).withName("pks-site-a-0").delete();

    await().atMost(BOUND).untilAsserted(() -> assertThat(scriptsConfigMaps())
        .extracting(scripts -> scripts.getMetadata().getName()).containsExactly(Names.scriptsConfigMap()));
  }

  private List<ConfigMap> scriptsConfigMaps() {
    return client.configMaps().inNamespace(NS).withLabelSelector(Labels.SCRIPTS_SELECTOR).list().getItems();
  }

  @Test
  void createsEveryObjectOwnedByThePair() {
    PksReplicaPair created = client.resource(TestPairs.example()).create();

    awaitAllObjects();
    PksReplicaPair pair = awaitStatus("pks", p -> p.getStatus().observedGeneration() != null);

    String uid = created.getMetadata().getUid();
    List<HasMetadata> owned = new java.util.ArrayList<>();
    owned.add(client.configMaps().inNamespace(NS).withName("pks-config").get());
    owned.addAll(client.apps().statefulSets().inNamespace(NS).list().getItems());
    owned.addAll(client.services().inNamespace(NS).list().getItems());
    assertThat(owned).allSatisfy(object -> assertThat(object.getMetadata().getOwnerReferences())
        .singleElement().satisfies(owner -> {
          assertThat(owner.getUid()).isEqualTo(uid);
          assertThat(owner.getKind()).isEqualTo("PksReplicaPair");
        }));
    // deletionPolicy Retain: the generated credentials stay with the retained volumes.
    assertThat(client.secrets().inNamespace(NS).list().getItems())
        .allSatisfy(secret -> assertThat(secret.getMetadata().getOwnerReferences()).isNullOrEmpty());

    ConfigMap config = client.configMaps().inNamespace(NS).withName("pks-config").get();
    assertThat(config.getData().get("postgresql.conf")).contains("max_connections = '200'");
    assertThat(config.getData().get("pg_hba.conf")).contains("host    replication  repuser");
    assertThat(client.services().inNamespace(NS).withName("pks-sip").get().getSpec().getSelector())
        .isEqualTo(Map.of("app.kubernetes.io/name", "pks-sip", "pks.io/site", "site-a"));
    StatefulSet siteB = client.apps().statefulSets().inNamespace(NS).withName("pks-site-b").get();
    assertThat(siteB.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("postgres:16");

    assertThat(pair.getStatus().phase()).isEqualTo(Phase.InitializingPrimary);
    assertThat(pair.getStatus().stoppedMembers()).containsExactly("site-a", "site-b");
    assertThat(pair.getStatus().job().name()).isEqualTo("pks-site-a-initdb");
    assertThat(pair.getStatus().observedGeneration()).isEqualTo(pair.getMetadata().getGeneration());
    assertThat(pair.getStatus().currentPrimary()).isEqualTo("site-a");
    assertThat(pair.getStatus().standby()).isEqualTo("site-b");
    assertThat(pair.getStatus().activeSip()).isEqualTo("site-a");
    assertThat(condition(pair, "SpecValid")).startsWith("True");
    assertThat(condition(pair, "SipRouted")).isEqualTo("True: Service pks-sip selects the SIP pods of site site-a.");
    assertThat(condition(pair, "Ready")).startsWith("False");
    assertThat(pair.getStatus().conditions()).allSatisfy(c -> {
      assertThat(c.getObservedGeneration()).isEqualTo(pair.getMetadata().getGeneration());
      assertThat(c.getLastTransitionTime()).isNotBlank();
    });
  }

  @Test
  void aParameterChangeRewritesOnlyTheConfigMap() {
    client.resource(TestPairs.example()).create();
    awaitAllObjects();
    awaitStatus("pks", p -> p.getStatus().observedGeneration() != null);
    String hashBefore = configHash("pks-site-a");
    await().pollDelay(Duration.ofMillis(500)).atMost(BOUND).until(() -> true);
    cluster.clearWrites();

    editSpec(json -> TestPairs.spec(json).with("postgres").with("parameters").put("max_connections", "300"));

    await().atMost(BOUND).untilAsserted(() -> {
      assertThat(client.configMaps().inNamespace(NS).withName("pks-config").get().getData().get("postgresql.conf"))
          .contains("max_connections = '300'");
    });
    awaitStatus("pks", p -> p.getStatus().observedGeneration().equals(p.getMetadata().getGeneration()));
    // The members reload it: the pod templates, and so the pods, stay as they are.
    assertThat(configHash("pks-site-a")).isEqualTo(hashBefore);
    assertThat(cluster.writes()).extracting(EmbeddedApiServer.Write::path)
        .allSatisfy(path -> assertThat(path).containsAnyOf("/configmaps/pks-config", "/pksreplicapairs/pks"))
        .noneMatch(path -> path.contains("/services") || path.contains("/secrets"));
  }

  /** A user's edit of the spec: the stored resource with its spec replaced by an edited example's. */
  private void editSpec(java.util.function.Consumer<com.fasterxml.jackson.databind.node.ObjectNode> edit) {
    PksReplicaPair edited = TestPairs.example(edit);
    TestPairs.editSpec(client, NS, "pks", spec -> edited.getSpec());
  }

  private String configHash(String statefulSet) {
    return client.apps().statefulSets().inNamespace(NS).withName(statefulSet).get()
        .getSpec().getTemplate().getMetadata().getAnnotations().get("pks.io/config-hash");
  }

  @Test
  void aSecondReconcileWithNoChangeWritesNothing() throws InterruptedException {
    createTheExampleAndAwaitQuiet();
    cluster.stopOperator();
    cluster.clearWrites();

    cluster.startOperator();
    await().atMost(BOUND).until(() -> cluster.reconciles() >= 1);
    // Several probe intervals: the first probe after a restart must not rewrite the status either.
    Thread.sleep(1_500);

    assertThat(cluster.writes()).isEmpty();
  }

  @Test
  void aPairWaitingForItsInitdbJobIsNotReconciledAtEveryProbe() throws InterruptedException {
    createTheExampleAndAwaitQuiet();
    int before = cluster.reconciles();
    // Ten probe intervals: its members do not answer (nothing runs them), and no clock runs while
    // the Job is awaited, so only the Job's outcome moves the pair on.
    Thread.sleep(10 * MockCluster.settings().probeInterval().toMillis());
    assertThat(cluster.reconciles() - before).as("reconciles while the initdb Job is awaited").isLessThanOrEqualTo(1);

    finishJob("pks-site-a-initdb", true);
    await().atMost(BOUND).until(() -> replicas("pks-site-a") == 1);
  }

  /**
   * JOSDK's stop empties the informer caches before it stops the reconcile threads, so a reconcile
   * under way went on against a pair with no objects: in a CI run of HardeningE2E, a stopping
   * operator created a StatefulSet that existed (409). Here one reconcile is held in the middle,
   * at its write of site-a's StatefulSet, while the operator stops.
   */
  @Test
  void aStopLetsTheReconcileUnderWayEndBeforeItsCachesGo() throws Exception {
    createTheExampleAndAwaitQuiet();
    HeldRequest held = holdTheOperatorsFirst(request -> !request.getMethod().equals("GET")
        && request.getPath().contains("/statefulsets/pks-site-a"));
    finishJob("pks-site-a-initdb", true);
    assertThat(held.arrived().await(BOUND.toSeconds(), TimeUnit.SECONDS)).as("a reconcile writing site-a's StatefulSet")
        .isTrue();

    CompletableFuture<Void> stop = CompletableFuture.runAsync(cluster::stopOperator);
    Thread.sleep(1000);
    boolean stoppedUnderAReconcile = stop.isDone();
    int writesBefore = cluster.writes().size();
    held.released().countDown();
    stop.get(BOUND.toSeconds(), TimeUnit.SECONDS);
    assertThat(stoppedUnderAReconcile).as("the stop ended while a reconcile was under way").isFalse();

    List<EmbeddedApiServer.Write> written = cluster.writes();
    Thread.sleep(1000);
    assertThat(cluster.writes()).as("writes once the operator stopped").hasSameSizeAs(written);
    assertThat(written.subList(writesBefore, written.size())).as("the stopping operator's writes")
        .isNotEmpty().allSatisfy(write -> assertThat(write.status()).isLessThan(400));
    assertThat(replicas("pks-site-a")).isEqualTo(1);
  }

  /**
   * A replica that stops leading while a reconcile writes its status leaves the objects to the next
   * leader: here the status write that records site-a's start after its initdb Job is held until
   * the stop has closed the gate, and once it is served the reconcile writes nothing more (it looked
   * at the gate again); site-a's StatefulSet stays at zero replicas.
   */
  @Test
  void aReconcileWhoseStatusWriteOutlastsTheGateWritesNoObjectAfterIt() throws Exception {
    createTheExampleAndAwaitQuiet();
    HeldRequest held = holdTheOperatorsFirst(request -> request.getPath().contains("/pksreplicapairs/pks/status")
        && request.getBody() != null
        && new String(request.getBody().getBytes(), StandardCharsets.UTF_8).contains("initialised by Job"));
    finishJob("pks-site-a-initdb", true);
    assertThat(held.arrived().await(BOUND.toSeconds(), TimeUnit.SECONDS)).as("a reconcile recording site-a's start")
        .isTrue();

    Thread stopping = new Thread(cluster::stopOperator, "stopping-operator");
    stopping.start();
    // The stop closes the gate, then waits for the reconcile under way: waiting means closed.
    await().atMost(BOUND).until(() -> stopping.getState() == Thread.State.TIMED_WAITING);
    int writesBefore = cluster.writes().size();
    held.released().countDown();
    stopping.join(BOUND.toMillis());

    assertThat(stopping.isAlive()).as("the stop still running").isFalse();
    List<EmbeddedApiServer.Write> written = cluster.writes();
    assertThat(written.subList(writesBefore, written.size())).as("writes once the held status write was served")
        .extracting(EmbeddedApiServer.Write::path)
        .allSatisfy(path -> assertThat(path).contains("/pksreplicapairs/pks/status"));
    assertThat(replicas("pks-site-a")).isZero();
  }

  /** The operator's first request that matched, held in the server until {@code released} counts down. */
  private record HeldRequest(CountDownLatch arrived, CountDownLatch released) {
  }

  /** Holds the operator's first request that {@code matches}: the reconcile sending it waits there. */
  private HeldRequest holdTheOperatorsFirst(Predicate<RecordedRequest> matches) {
    HeldRequest held = new HeldRequest(new CountDownLatch(1), new CountDownLatch(1));
    cluster.beforeServing(request -> {
      if (MockCluster.fromOperator(request) && held.arrived().getCount() > 0 && matches.test(request)) {
        held.arrived().countDown();
        awaitUninterruptibly(held.released());
      }
    });
    return held;
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    try {
      latch.await(BOUND.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void anInvalidResourceIsRefusedAndNothingIsCreated() {
    client.resource(TestPairs.example(json -> TestPairs.spec(json).put("primary", "site-c"))).create();

    PksReplicaPair pair = awaitStatus("pks", p -> !condition(p, "SpecValid").equals("absent"));

    assertThat(condition(pair, "SpecValid"))
        .startsWith("False: spec refused, nothing was changed: spec.primary: must name one of spec.members");
    assertThat(pair.getStatus().phase()).isEqualTo(Phase.Failed);
    assertThat(pair.getStatus().message()).contains("spec.primary");
    assertThat(client.configMaps().inNamespace(NS).list().getItems()).isEmpty();
    assertThat(client.apps().statefulSets().inNamespace(NS).list().getItems()).isEmpty();
    assertThat(client.services().inNamespace(NS).list().getItems()).isEmpty();
    assertThat(client.secrets().inNamespace(NS).list().getItems()).isEmpty();
    assertThat(cluster.writes()).extracting(EmbeddedApiServer.Write::path)
        .allSatisfy(path -> assertThat(path).contains("/pksreplicapairs"));
  }

  @Test
  void aStoreSecretThatDoesNotExistIsRefusedUntilItDoes() {
    client.resource(TestPairs.example(json -> TestPairs.spec(json).putObject("backup").putObject("objectStore")
        .put("endpoint", "https://s3.example.com").put("bucket", "pks-backups").put("credentialsSecret", "pks-s3")))
        .create();

    PksReplicaPair pair = awaitStatus("pks", p -> !condition(p, "SpecValid").equals("absent"));

    assertThat(condition(pair, "SpecValid")).isEqualTo("False: spec refused, nothing was changed:"
        + " spec.backup.objectStore.credentialsSecret: Secret pks-s3 does not exist in namespace telephony; create it"
        + " with the keys accessKeyId and secretAccessKey");
    assertThat(client.apps().statefulSets().inNamespace(NS).list().getItems()).isEmpty();
    assertThat(client.batch().v1().jobs().inNamespace(NS).list().getItems()).isEmpty();

    client.secrets().inNamespace(NS).resource(new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata()
        .withName("pks-s3").endMetadata().withStringData(java.util.Map.of("accessKeyId", "k", "secretAccessKey", "s"))
        .build()).create();

    await("the bootstrap, once the Secret exists").atMost(BOUND).until(() -> client.batch().v1().jobs()
        .inNamespace(NS).withName("pks-site-a-initdb").get() != null);
    assertThat(condition(pair("pks"), "SpecValid")).startsWith("True");
    assertThat(client.secrets().inNamespace(NS).withName("pks-backup-tls").get().getData())
        .as("the backups' TLS, issued by the operator").containsOnlyKeys("ca.crt", "tls.crt", "tls.key", "client.crt",
            "client.key");
  }

  @Test
  void anInvalidChangeToARunningPairChangesNothing() {
    client.resource(TestPairs.example()).create();
    awaitAllObjects();
    awaitStatus("pks", p -> p.getStatus().observedGeneration() != null);
    await().pollDelay(Duration.ofMillis(500)).atMost(BOUND).until(() -> true);
    cluster.clearWrites();

    editSpec(json -> ((com.fasterxml.jackson.databind.node.ObjectNode) TestPairs.spec(json)
        .withArray("members").get(1)).put("name", "site-c"));

    PksReplicaPair pair = awaitStatus("pks", p -> condition(p, "SpecValid").startsWith("False"));
    assertThat(condition(pair, "SpecValid")).contains("spec.members: member names are immutable");
    assertThat(pair.getStatus().phase()).isEqualTo(Phase.InitializingPrimary);
    assertThat(client.apps().statefulSets().inNamespace(NS).list().getItems())
        .extracting(sts -> sts.getMetadata().getName()).containsExactlyInAnyOrder("pks-site-a", "pks-site-b");
    assertThat(cluster.writes()).extracting(EmbeddedApiServer.Write::path)
        .allSatisfy(path -> assertThat(path).contains("/pksreplicapairs/pks"));
  }

  @Test
  void aLargerStorageSizeGrowsBothClaimsAndASmallerOneIsRefused() {
    client.resource(TestPairs.example()).create();
    awaitAllObjects();
    awaitStatus("pks", p -> p.getStatus().observedGeneration() != null);

    editSpec(json -> TestPairs.spec(json).with("postgres").with("storage").put("size", "30Gi"));

    await().atMost(BOUND).untilAsserted(() -> assertThat(claimRequests()).containsOnly("30Gi"));
    assertThat(client.apps().statefulSets().inNamespace(NS).withName("pks-site-a").get().getSpec()
        .getVolumeClaimTemplates().get(0).getSpec().getResources().getRequests().get("storage"))
        .as("a StatefulSet's claim template cannot change").isEqualTo(new Quantity("20Gi"));

    editSpec(json -> TestPairs.spec(json).with("postgres").with("storage").put("size", "25Gi"));

    PksReplicaPair pair = awaitStatus("pks", p -> condition(p, "SpecValid").startsWith("False"));
    assertThat(condition(pair, "SpecValid"))
        .contains("spec.postgres.storage.size: cannot shrink: the volumes have 30Gi and a volume can only grow");
    assertThat(claimRequests()).containsOnly("30Gi");
  }

  private List<String> claimRequests() {
    return client.persistentVolumeClaims().inNamespace(NS).list().getItems().stream()
        .map(claim -> claim.getSpec().getResources().getRequests().get("storage").toString()).toList();
  }

  @Test
  void aUserSuppliedSecretIsUsedUntouched() {
    Secret supplied = client.resource(new SecretBuilder()
        .withNewMetadata().withName("admin-creds").withNamespace(NS).endMetadata()
        .addToStringData("username", "admin").addToStringData("password", "chosen-by-the-user")
        .build()).create();
    client.resource(TestPairs.example(json -> TestPairs.spec(json).with("postgres")
        .put("superuserSecret", "admin-creds"))).create();

    awaitAllObjects();
    awaitStatus("pks", p -> p.getStatus().observedGeneration() != null);

    Secret after = client.secrets().inNamespace(NS).withName("admin-creds").get();
    assertThat(after.getMetadata().getResourceVersion()).isEqualTo(supplied.getMetadata().getResourceVersion());
    assertThat(after.getStringData()).isEqualTo(supplied.getStringData());
    assertThat(after.getMetadata().getOwnerReferences()).isNullOrEmpty();
    assertThat(client.secrets().inNamespace(NS).list().getItems()).extracting(s -> s.getMetadata().getName())
        .containsExactlyInAnyOrder("admin-creds", "pks-replication");
    Job initdb = client.batch().v1().jobs().inNamespace(NS).withName("pks-site-a-initdb").get();
    assertThat(initdb.getSpec().getTemplate().getSpec().getVolumes())
        .anySatisfy(volume -> assertThat(volume.getSecret() == null ? null : volume.getSecret().getSecretName())
            .isEqualTo("admin-creds"));
  }

  @Test
  void underDeletePolicyTheGeneratedSecretsAreOwned() {
    client.resource(TestPairs.example(json -> TestPairs.spec(json).put("deletionPolicy", "Delete"))).create();
    awaitAllObjects();
    assertThat(client.secrets().inNamespace(NS).list().getItems())
        .allSatisfy(secret -> assertThat(secret.getMetadata().getOwnerReferences()).hasSize(1));
    assertThat(client.persistentVolumeClaims().inNamespace(NS).list().getItems())
        .allSatisfy(claim -> assertThat(claim.getMetadata().getOwnerReferences()).hasSize(1));
    assertThat(client.apps().statefulSets().inNamespace(NS).list().getItems()).allSatisfy(sts ->
        assertThat(sts.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenDeleted()).isEqualTo("Delete"));
  }

  @Test
  void theDeletionPolicyInForceAtDeletionDecidesWhatIsKept() {
    client.resource(TestPairs.example(json -> TestPairs.spec(json).put("deletionPolicy", "Delete"))).create();
    awaitAllObjects();

    editSpec(json -> TestPairs.spec(json).put("deletionPolicy", "Retain"));
    await().atMost(BOUND).untilAsserted(() -> {
      assertThat(client.persistentVolumeClaims().inNamespace(NS).list().getItems()).hasSize(2)
          .allSatisfy(claim -> assertThat(claim.getMetadata().getOwnerReferences()).as("retained claim").isEmpty());
      assertThat(client.secrets().inNamespace(NS).list().getItems()).isNotEmpty()
          .allSatisfy(secret -> assertThat(secret.getMetadata().getOwnerReferences()).as("retained Secret").isEmpty());
    });

    editSpec(json -> TestPairs.spec(json).put("deletionPolicy", "Delete"));
    await().atMost(BOUND).untilAsserted(() ->
        assertThat(client.persistentVolumeClaims().inNamespace(NS).list().getItems())
            .allSatisfy(claim -> assertThat(claim.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(owner -> assertThat(owner.getKind()).isEqualTo("PksReplicaPair"))));
  }

  @Test
  void theNetworkPolicyFollowsItsFlag() {
    client.resource(TestPairs.example()).create();
    awaitAllObjects();
    assertThat(client.network().v1().networkPolicies().inNamespace(NS).list().getItems()).isEmpty();

    editSpec(json -> TestPairs.spec(json).putObject("networkPolicy").put("enabled", true)
        .putObject("applicationSelector").put("app", "sbc"));
    await().atMost(BOUND).untilAsserted(() -> assertThat(client.network().v1().networkPolicies().inNamespace(NS)
        .withName("pks-postgres").get()).satisfies(policy -> {
          assertThat(policy).isNotNull();
          assertThat(policy.getMetadata().getOwnerReferences()).singleElement()
              .satisfies(owner -> assertThat(owner.getKind()).isEqualTo("PksReplicaPair"));
          assertThat(policy.getSpec().getIngress().get(0).getFrom()).hasSize(3);
        }));

    editSpec(json -> TestPairs.spec(json).putObject("networkPolicy").put("enabled", false));
    await().atMost(BOUND).untilAsserted(() ->
        assertThat(client.network().v1().networkPolicies().inNamespace(NS).list().getItems()).isEmpty());
  }
}
