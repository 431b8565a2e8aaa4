package io.pks.operator.bench;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pks.operator.api.v1alpha1.PksReplicaPairStatus;
import io.pks.operator.model.Names;
import io.pks.operator.postgres.MemberProbe;
import io.pks.operator.postgres.PgConnector;
import io.pks.operator.postgres.ProbeSessions;
import io.pks.operator.postgres.ProbeResult;
import io.pks.operator.sandbox.SandboxPair;

/**
 * probe: on an idle pair streaming in sync, the sessions the operator opens on its members, counted
 * by PostgreSQL itself over a window (log_connections: the superuser's "connection authorized"
 * lines in both members' logs; only the operator logs in as the superuser while the benchmark
 * stays away, the standby and the seed use the replication role, the kubelet's pg_isready does not
 * log in); then the latency of the operator's probe ({@link MemberProbe} with the operator's
 * connector, timeouts and kept sessions: one query over a session opened once) against each member,
 * one after the other, and the CPU time this JVM spent on them (the sandbox's runtime and operator
 * share it, idle meanwhile but for their own probes and polls).
 */
final class ProbeBench implements Scenario {
  static final String NAME = "probe";
  private static final Duration SETTLE = Duration.ofSeconds(3);
  private static final Duration WINDOW = Duration.ofSeconds(30);
  private static final int PROBES = 100;

  private final BenchSandbox sandbox;

  ProbeBench(BenchSandbox sandbox) {
    this.sandbox = sandbox;
  }

  @Override
  public void run(Results results) throws Exception {
    SandboxPair pair = SandboxPair.create(sandbox.get(), "bench-probe", json -> {
      BenchSandbox.DELETED_WITH_ITS_DATA.accept(json);
      ((ObjectNode) json.get("spec").get("postgres").get("parameters")).put("log_connections", "on");
    });
    PksReplicaPairStatus status = pair.awaitSynchronous().getStatus();
    List<String> members = List.of(status.currentPrimary(), status.standby());
    Thread.sleep(SETTLE.toMillis());

    String session = "connection authorized: user=" + pair.superuser().user() + " ";
    long before = sessions(pair, members, session);
    Thread.sleep(WINDOW.toMillis());
    long opened = sessions(pair, members, session) - before;
    results.add(NAME, "sessions the operator opens per pair per minute (idle pair, both members)", "sessions/min",
        opened * 60.0 / WINDOW.toSeconds());

    try (ProbeSessions sessions = new ProbeSessions(Clock.systemUTC())) {
      measureProbes(results, status, pair, new MemberProbe(PgConnector.forProbes(pair.superuser()), sessions,
          Clock.systemUTC()));
    }
    Bench.progress("%s: %d operator sessions in %d s; probe latency %.1f ms (primary), %.1f ms (standby)", NAME, opened,
        WINDOW.toSeconds(), results.metric(NAME, latency("primary")).median(),
        results.metric(NAME, latency("standby")).median());
    pair.deleteAndAwaitStopped();
  }

  private static void measureProbes(Results results, PksReplicaPairStatus status, SandboxPair pair, MemberProbe probe) {
    List<String> members = List.of(status.currentPrimary(), status.standby());
    for (String member : members) {
      String peer = member.equals(status.currentPrimary()) ? status.standby() : status.currentPrimary();
      MemberProbe.Peer expected = new MemberProbe.Peer(peer, Names.replicationSlot(peer));
      String role = member.equals(status.currentPrimary()) ? "primary" : "standby";
      long cpu = Bench.processCpuNanos();
      for (int i = 0; i < PROBES; i++) {
        long start = System.nanoTime();
        ProbeResult result = probe.probe(pair.member(member), expected);
        double millis = (System.nanoTime() - start) / 1e6;
        Bench.require(result.outcome() == ProbeResult.Outcome.REACHABLE, "a probe of " + member + ": " + result);
        results.add(NAME, latency(role), "ms", millis);
      }
      results.add(NAME, "CPU per probe of the " + role + " in the probing JVM (kept session)", "ms",
          (Bench.processCpuNanos() - cpu) / 1e6 / PROBES);
    }
  }

  private static String latency(String role) {
    return "probe latency, " + role + " (one query over the kept session)";
  }

  /** The log lines {@code session} of all {@code members}. */
  private static long sessions(SandboxPair pair, List<String> members, String session) {
    return members.stream().mapToLong(member -> pair.containerLog(member).lines()
        .filter(line -> line.contains(session)).count()).sum();
  }
}
