package io.pks.operator.sandbox;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.awaitility.core.ConditionEvaluationListener;
import org.awaitility.core.ConditionFactory;
import org.awaitility.core.EvaluatedCondition;
import org.awaitility.core.TimeoutEvent;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pks.operator.TestPairs;
import io.pks.operator.api.v1alpha1.BackupStatus;
import io.pks.operator.api.v1alpha1.Member;
import io.pks.operator.api.v1alpha1.Phase;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.model.Labels;
import io.pks.operator.model.Names;
import io.pks.operator.model.PodLayout;
import io.pks.operator.model.PodVolume;
import io.pks.operator.postgres.BaseBackup;
import io.pks.operator.postgres.Credentials;
import io.pks.operator.postgres.MemberEndpoint;
import io.pks.operator.postgres.PgConnector;
import io.pks.operator.reconciler.EventReason;

/**
 * One pair in a sandbox, as the end-to-end tests and the benchmarks drive it: created from the
 * example (edited), reached through its -rw Service or a member's own port, faulted through the
 * sandbox's annotations or a kill -9, observed through the API server.
 */
public final class SandboxPair {
  public static final Duration BOUND = Duration.ofSeconds(90);
  /** How many of the latest Events a timed-out wait prints. */
  private static final int REPORTED_EVENTS = 15;

  public final Sandbox sandbox;
  public final String namespace;
  public final String name;

  private SandboxPair(Sandbox sandbox, String namespace, String name) {
    this.sandbox = sandbox;
    this.namespace = namespace;
    this.name = name;
  }

  /** The example in {@code namespace}, with {@code edit} applied, created in the sandbox. */
  public static SandboxPair create(Sandbox sandbox, String namespace, Consumer<ObjectNode> edit) {
    PksReplicaPair pair = TestPairs.example(json -> {
      ((ObjectNode) json.get("metadata")).put("namespace", namespace);
      edit.accept(json);
    });
    sandbox.ensureNamespace(namespace);
    sandbox.client().resource(pair).create();
    return new SandboxPair(sandbox, namespace, pair.getMetadata().getName());
  }

  /** A pair already in the sandbox. */
  public static SandboxPair existing(Sandbox sandbox, String namespace, String name) {
    return new SandboxPair(sandbox, namespace, name);
  }

  public KubernetesClient client() {
    return sandbox.client();
  }

  public PksReplicaPair get() {
    return client().resources(PksReplicaPair.class).inNamespace(namespace).withName(name).get();
  }

  public PksReplicaPair awaitStatus(String what, Predicate<PksReplicaPair> condition) {
    awaiting(what).pollInterval(Duration.ofMillis(50))
        .until(this::get, p -> p != null && p.getStatus() != null && condition.test(p));
    return get();
  }

  /**
   * An await of up to {@link #BOUND} that, when it times out, prints what the operator said of the
   * pair: a failure in CI then shows why the pair did not get there, not only that it did not.
   */
  private ConditionFactory awaiting(String what) {
    return await(what).atMost(BOUND).conditionEvaluationListener(new ConditionEvaluationListener<Object>() {
      @Override
      public void conditionEvaluated(EvaluatedCondition<Object> condition) {
        // Only the timeout is reported.
      }

      @Override
      public void onTimeout(TimeoutEvent timeout) {
        System.out.println("TIMED OUT waiting for " + what + ": " + report());
      }
    });
  }

  /** The pair's status, then its namespace's last {@link #REPORTED_EVENTS} Events, one line each. */
  public String report() {
    PksReplicaPair pair = get();
    String status = pair == null || pair.getStatus() == null ? "no status" : pair.getStatus().toString();
    List<String> events = client().v1().events().inNamespace(namespace).list().getItems().stream()
        .sorted(Comparator.comparing(event -> event.getMetadata().getCreationTimestamp()))
        .map(event -> event.getMetadata().getCreationTimestamp() + " " + event.getReason() + ": " + event.getMessage())
        .toList();
    return status + "\n  " + String.join("\n  ", events.subList(Math.max(0, events.size() - REPORTED_EVENTS),
        events.size()));
  }

  public PksReplicaPair awaitPhase(Phase phase) {
    return awaitStatus("phase " + phase, p -> p.getStatus().phase() == phase);
  }

  /** Streaming, and the probe has seen the standby's sync state the spec asks for. */
  public PksReplicaPair awaitStreaming() {
    return awaitStatus("Streaming", p -> p.getStatus().phase() == Phase.Streaming
        && p.getStatus().replication() != null && "streaming".equals(p.getStatus().replication().state()));
  }

  /** Streaming, and the probe has seen the standby in sync. */
  public PksReplicaPair awaitSynchronous() {
    return awaitStatus("streaming in sync", SandboxPair::synchronous);
  }

  /** Streaming from {@code primary}, and the probe has seen the standby in sync. */
  public PksReplicaPair awaitSynchronous(String primary) {
    return awaitStatus("streaming in sync from " + primary, p -> primary.equals(p.getStatus().currentPrimary())
        && synchronous(p));
  }

  /** Streaming, and the probe has seen the standby in sync: the steady state of a Required pair. */
  public static boolean synchronous(PksReplicaPair pair) {
    return pair.getStatus().phase() == Phase.Streaming && pair.getStatus().replication() != null
        && "sync".equals(pair.getStatus().replication().syncState());
  }

  /** Sets spec.primary: a switchover, or the user's failover of a Manual pair. */
  public void requestPrimary(String member) {
    TestPairs.editSpec(client(), namespace, name, spec -> spec.withPrimary(member));
  }

  /** What {@code kubectl pks switchover} does: the pair annotated with the member to promote. */
  public void requestSwitchover(String member) {
    client().resources(PksReplicaPair.class).inNamespace(namespace).withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"annotations\":{\""
            + PksReplicaPair.SWITCHOVER_ANNOTATION + "\":\"" + member + "\"}}}");
  }

  /** The site the -sip Service's selector names. */
  public String sipSite() {
    String label = get().getSpec().sip().siteLabel();
    return client().services().inNamespace(namespace).withName(Names.sipService(name)).get()
        .getSpec().getSelector().get(label);
  }

  /** Waits until the -sip Service's selector names {@code site}, checking every 20 ms. */
  public void awaitSipSite(String site) {
    awaiting("SIP on " + site).pollInterval(Duration.ofMillis(20)).until(() -> site.equals(sipSite()));
  }

  /**
   * Deletes the pair and waits until its pods and Jobs are gone and its members' ports free: a pair
   * of the same name may then be created on what it retained.
   */
  public void deleteAndAwaitStopped() {
    awaitStopped(delete());
  }

  /** Deletes the pair; returns the names of its members. */
  public List<String> delete() {
    List<String> members = get().getSpec().members().stream().map(Member::name).toList();
    client().resources(PksReplicaPair.class).inNamespace(namespace).withName(name).delete();
    return members;
  }

  /** Waits until the deleted pair's pods and Jobs are gone and the ports of its {@code members} free. */
  public void awaitStopped(List<String> members) {
    await("pods gone").atMost(BOUND).until(() -> members.stream().allMatch(member -> pod(member) == null));
    await("Jobs gone").atMost(BOUND).until(() -> client().batch().v1().jobs().inNamespace(namespace)
        .withLabel(Labels.PAIR, name).list().getItems().isEmpty());
    await("PostgreSQL stopped").atMost(BOUND)
        .until(() -> members.stream().allMatch(member -> portFree(member(member).port())));
  }

  public static boolean portFree(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  public Credentials superuser() {
    Secret secret = client().secrets().inNamespace(namespace).withName(Names.generatedSuperuserSecret(name)).get();
    return new Credentials(decode(secret, "username"), decode(secret, "password").toCharArray());
  }

  private static String decode(Secret secret, String key) {
    return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
  }

  /** The -rw Service's endpoint on this machine (a loopback port, or its address), as applications use it. */
  public MemberEndpoint readWrite() {
    int port = get().getSpec().postgres().port();
    InetSocketAddress local = sandbox.runtime().serviceEndpoints()
        .get(namespace + "/" + Names.readWriteService(name) + "/" + port);
    return new MemberEndpoint(Names.readWriteService(name), local.getHostString(), local.getPort());
  }

  /** A member's own PostgreSQL, where the operator probes it: its loopback port, or its pod's address. */
  public MemberEndpoint member(String member) {
    if (sandbox.networking() == Sandbox.Networking.CLUSTER) {
      return new MemberEndpoint(member, pod(member).getStatus().getPodIP(), get().getSpec().postgres().port());
    }
    return new MemberEndpoint(member, "127.0.0.1", sandbox.ports().member(namespace, name, member));
  }

  /**
   * Sets {@code sandbox.pks.io/fault} on the member's pod ({@code partition}, {@code pause},
   * {@code latency-200}...), or removes it when {@code fault} is null.
   */
  public void fault(String member, String fault) {
    fault(client(), namespace, Names.pod(name, member), fault);
  }

  /** Puts pod {@code namespace/pod}'s node in {@code fault} (the annotation's value), or out of any with null. */
  public static void fault(KubernetesClient client, String namespace, String pod, String fault) {
    // A merge patch of the one annotation, with no resourceVersion: the kubelet and the operator
    // update the pod all the time, and an edit of the whole pod could be refused as a conflict (409).
    Map<String, String> annotations = new HashMap<>();
    annotations.put(LocalKubelet.FAULT_ANNOTATION, fault);
    client.pods().inNamespace(namespace).withName(pod).patch(PatchContext.of(PatchType.JSON_MERGE),
        Serialization.asJson(Map.of("metadata", Map.of("annotations", annotations))));
  }

  /**
   * A SQL statement run by psql from inside the member's node (its side of a partition), as the
   * superuser, against the member's own address: psql's output (unaligned, tuples only) and exit
   * status, or -1 if it had not ended within {@code timeout} (then it is killed: nothing was
   * acknowledged). The password goes in a passfile readable by the postgres user only, never in arguments.
   */
  public NodeResult psqlInNode(String member, String sql, Duration timeout) throws IOException, InterruptedException {
    Credentials superuser = superuser();
    Path passfile = sandbox.workDir().resolve("pods").resolve(namespace).resolve(Names.pod(name, member))
        .resolve("test.pgpass");
    Files.writeString(passfile, "*:*:*:" + superuser.user() + ":" + new String(superuser.password()) + "\n");
    Files.setPosixFilePermissions(passfile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    ScriptLauncher.own(passfile);
    MemberEndpoint endpoint = member(member);
    Map<String, String> env = Map.of("PGPASSFILE", passfile.toString(), "PGCONNECT_TIMEOUT", "5");
    List<String> psql = List.of(PostgresBinaries.tool("psql").toString(), "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1",
        "-h", endpoint.host(), "-p", Integer.toString(endpoint.port()), "-U", superuser.user(), "-d", "postgres",
        "-c", sql);
    Process process = sandbox.runtime().inNode(namespace, Names.pod(name, member), ScriptLauncher.command(psql, env));
    // Read while it runs: a psql killed at the timeout closes its output under a late reader.
    CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
      try {
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      } catch (IOException e) {
        return "";
      }
    });
    boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (!finished) {
      process.destroyForcibly();
    }
    try {
      return new NodeResult(finished ? process.exitValue() : -1, output.get(10, TimeUnit.SECONDS));
    } catch (ExecutionException | TimeoutException e) {
      return new NodeResult(finished ? process.exitValue() : -1, "");
    }
  }

  /** What a command run inside a node printed, and its exit status (-1: it did not end in time). */
  public record NodeResult(int exitCode, String output) {
  }

  public Connection connect(MemberEndpoint endpoint) throws SQLException {
    return new PgConnector(superuser(), PgConnector.Timeouts.DEFAULT).open(endpoint);
  }

  /**
   * A full base backup of the primary (spec.backup), taken as the operator takes one when it reads
   * the primary's own files, and waited for.
   */
  public BaseBackup.Outcome backup() throws SQLException {
    try (Connection connection = new PgConnector(superuser(), PgConnector.Timeouts.DEFAULT)
        .allowing(Duration.ofMinutes(3)).open(readWrite())) {
      return BaseBackup.take(connection, Optional.empty());
    }
  }

  /**
   * The pair once status.backup shows a backup that succeeded after {@code after} (any, when null),
   * none running.
   */
  public PksReplicaPair awaitBackup(String what, String after, Duration bound) {
    return await(what).atMost(bound).pollInterval(Duration.ofSeconds(1)).until(this::get, p -> {
      BackupStatus backup = p.getStatus() == null ? null : p.getStatus().backup();
      return backup != null && backup.running() == null && backup.lastSuccessfulBackup() != null
          && (after == null || Instant.parse(backup.lastSuccessfulBackup()).isAfter(Instant.parse(after)));
    });
  }

  /** Whether the member's PostgreSQL is a standby (in recovery), as it answers itself. */
  public boolean inRecovery(String member) throws SQLException {
    try (Connection connection = connect(member(member)); var statement = connection.createStatement();
        var row = statement.executeQuery("SELECT pg_is_in_recovery()")) {
      row.next();
      return row.getBoolean(1);
    }
  }

  /** Sessions to {@code endpoint} as the superuser, e.g. to read what a writer wrote there. */
  public Writer.Connections connections(MemberEndpoint endpoint) {
    PgConnector patient = new PgConnector(superuser(), PgConnector.Timeouts.DEFAULT.allowing(BOUND));
    return () -> patient.open(endpoint);
  }

  public Pod pod(String member) {
    return client().pods().inNamespace(namespace).withName(Names.pod(name, member)).get();
  }

  public boolean podReady(String member) {
    return ready(pod(member));
  }

  /** Whether {@code pod} exists and its Ready condition is True. */
  public static boolean ready(Pod pod) {
    return pod != null && pod.getStatus() != null && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream().anyMatch(c -> "Ready".equals(c.getType())
            && "True".equals(c.getStatus()));
  }

  public int restartCount(String member) {
    return pod(member).getStatus().getContainerStatuses().get(0).getRestartCount();
  }

  public void nodeDown(String member) {
    fault(member, LocalKubelet.NODE_DOWN);
  }

  public void nodeBack(String member) {
    fault(member, null);
  }

  public Path pgdata(String member) {
    Path volume = sandbox.runtime().volume(namespace, Names.dataClaim(name, member));
    return volume.resolve(Path.of(PodLayout.PGDATA).getFileName());
  }

  /** What the member's container printed: its script's lines and PostgreSQL's log. */
  public String containerLog(String member) {
    try {
      return Files.readString(sandbox.runtime().podDir(namespace, Names.pod(name, member)).resolve("container.log"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The file {@code name} of the member pod's run folder (PodLayout.RUN_DIR, an emptyDir the pod's
   * containers share), as it is now; empty when there is none.
   */
  public String runFile(String member, String name) {
    Path file = sandbox.runtime().podDir(namespace, Names.pod(this.name, member)).resolve("volumes")
        .resolve(PodVolume.RUN.volumeName()).resolve(name);
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** kill -9 of the member's postmaster: a crash, which the kubelet restarts. */
  public long killPostmaster(String member) {
    try {
      long pid = Long.parseLong(Files.readAllLines(pgdata(member).resolve("postmaster.pid")).get(0).trim());
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      return pid;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public List<Job> jobs(String kind) {
    return client().batch().v1().jobs().inNamespace(namespace).withLabel(Labels.PAIR, name)
        .withLabel(Labels.JOB, kind).list().getItems();
  }

  public static boolean succeeded(Job job) {
    return job.getStatus() != null && job.getStatus().getConditions() != null
        && job.getStatus().getConditions().stream().anyMatch(c -> "Complete".equals(c.getType())
            && "True".equals(c.getStatus()));
  }

  /** The messages of the pair's Events with {@code reason}, oldest first. */
  public List<String> events(EventReason reason) {
    return client().v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(event -> reason.name().equals(event.getReason()))
        .sorted(Comparator.comparing(event -> event.getMetadata().getCreationTimestamp()))
        .map(Event::getMessage).toList();
  }

  /**
   * {@link #events}, once there is one: a step's Event is recorded after its status and labels are
   * written, so a test that has just seen the status may not see the Event yet.
   */
  public List<String> awaitEvents(EventReason reason) {
    return await("an Event " + reason).atMost(BOUND).until(() -> events(reason), messages -> !messages.isEmpty());
  }
}
