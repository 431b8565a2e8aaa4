package io.pks.operator.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.pks.operator.cli.LogFile;
import io.pks.operator.sandbox.Sandbox;

/**
 * {@code bench/run.sh [scenario...]}: runs the benchmark scenarios of BENCHMARKS.md (all but those of
 * {@link #ON_REQUEST} by default), prints one Markdown table on stdout and writes every sample as JSON under
 * {@code target/bench/}. Progress goes to stderr, the operator's and the sandbox's log to
 * {@code target/bench/bench.log}. Benchmarks measure; they never pass or fail on a figure, so a
 * scenario that could not measure is reported, the others still run, and the exit status is 1.
 */
public final class Bench {
  /** The operator's default probe interval ({@code run --probe-interval}): "default settings". */
  static final Duration PROBE_INTERVAL = Duration.ofSeconds(1);
  static final Path OUTPUT = Path.of("target", "bench");
  /** The peers' first loopback port (-Dbench.peers.port): Patroni's from there, pg_auto_failover's 100 above. */
  private static final int PEERS_PORT = 26400;
  /**
   * Failovers and switchovers per system and window (-Dbench.peers.runs); -Dbench.peers.systems
   * names some of the systems (comma-separated: pks-operator, patroni, pg_auto_failover).
   */
  private static final int PEERS_RUNS = 5;

  /** Scenarios run only when named. */
  private static final List<String> ON_REQUEST = List.of(NemesisBench.NAME, PeersBench.NAME, SiteLossBench.NAME,
      RestartBench.NAME, BackupBench.NAME);
  private static final Logger LOG = LoggerFactory.getLogger(Bench.class);
  private static final long START = System.nanoTime();

  private Bench() {
  }

  public static void main(String[] args) throws Exception {
    if (List.of(args).contains(NemesisBench.NAME)) {
      Sandbox.resolveClusterNamesInThisJvm();
    }
    Files.createDirectories(OUTPUT);
    Instant started = Instant.now();
    Machine machine = Machine.describe();
    Results results = new Results();
    List<String> failures = new ArrayList<>();
    List<String> requested;
    Path logFile = OUTPUT.resolve("bench.log");
    // One run's log: the file appender would add to the previous run's.
    Files.deleteIfExists(logFile);
    AutoCloseable log = LogFile.redirectTo(logFile);
    try (BenchSandbox sandbox = new BenchSandbox()) {
      // In this order; scale last, once the sandbox's PostgreSQL servers have stopped.
      Map<String, Scenario> scenarios = new LinkedHashMap<>();
      scenarios.put(FailoverBench.NAME, new FailoverBench(sandbox));
      scenarios.put(SwitchoverBench.NAME, new SwitchoverBench(sandbox));
      // Only when asked for by name: ten rolling restarts, each waiting for the kubelet's ConfigMap sync.
      scenarios.put(RestartBench.NAME, RestartBench.both(sandbox));
      scenarios.put(BootstrapBench.NAME, new BootstrapBench(sandbox));
      scenarios.put(ProbeBench.NAME, new ProbeBench(sandbox));
      scenarios.put(ScaleBench.NAME, ScaleBench.of(sandbox, System.getProperty("bench.scale.pairs", "100,500,1000")));
      // Only when asked for by name: about a quarter of an hour on a database of 1 GB.
      scenarios.put(BackupBench.NAME, new BackupBench(sandbox));
      // Only when asked for by name: a sandbox of its own, with two operator replicas.
      scenarios.put(SiteLossBench.NAME, SiteLossBench.of(System.getProperty("bench.siteloss.lease", "15s,10s,2s"),
          Integer.getInteger("bench.siteloss.runs", 5)));
      // Only when asked for by name: the randomized fault run is long (20 min by default).
      scenarios.put(NemesisBench.NAME, new NemesisBench());
      // Only when asked for by name: it needs the peers' Debian packages (bench/run.sh installs them).
      scenarios.put(PeersBench.NAME, PeersBench.of(sandbox, Path.of(System.getProperty("java.io.tmpdir"), "pks-peers"),
          Integer.getInteger("bench.peers.port", PEERS_PORT), Integer.getInteger("bench.peers.runs", PEERS_RUNS),
          System.getProperty("bench.peers.systems", "")));
      requested = args.length == 0
          ? scenarios.keySet().stream().filter(name -> !ON_REQUEST.contains(name)).toList()
          : List.of(args);
      List<String> unknown = requested.stream().filter(name -> !scenarios.containsKey(name)).toList();
      if (!unknown.isEmpty()) {
        log.close();
        System.err.println("bench: unknown scenario " + unknown + "; choose among " + scenarios.keySet());
        System.exit(2);
      }
      progress("machine: %s", machine.line());
      for (Map.Entry<String, Scenario> scenario : scenarios.entrySet()) {
        if (requested.contains(scenario.getKey())) {
          run(scenario.getKey(), scenario.getValue(), results, failures);
        }
      }
    }
    log.close();
    double minutes = (System.nanoTime() - START) / 60e9;
    String table = Report.markdown(machine, started, minutes, results.metrics()) + "\n"
        + Targets.markdown(Targets.ISSUE_17, results.metrics());
    String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(started);
    Path json = OUTPUT.resolve("bench-" + stamp + ".json");
    Report.writeJson(json, machine, started, minutes, requested, failures, results.metrics());
    Files.writeString(OUTPUT.resolve("bench-" + stamp + ".md"), table);
    System.out.print(table);
    System.out.flush();
    progress("samples: %s; log: %s", json, logFile);
    failures.forEach(failure -> progress("FAILED %s", failure));
    System.exit(failures.isEmpty() ? 0 : 1);
  }

  private static void run(String name, Scenario scenario, Results results, List<String> failures) {
    progress("%s: start", name);
    try {
      scenario.run(results);
      progress("%s: done", name);
    } catch (Exception e) {
      failures.add(name + ": " + e);
      progress("%s: could not measure: %s (stack trace in the log)", name, e);
      LOG.error("{} could not measure", name, e);
    }
  }

  /** A progress line on stderr, with the time since the start. */
  static void progress(String format, Object... args) {
    System.err.printf("[%6.1f s] %s%n", (System.nanoTime() - START) / 1e9, String.format(format, args));
  }

  static double seconds(Instant from, Instant to) {
    return Duration.between(from, to).toNanos() / 1e9;
  }

  /** CPU time this process has used so far. */
  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** Fails the scenario (it could not measure) unless {@code condition} holds. */
  static void require(boolean condition, String what) {
    if (!condition) {
      throw new IllegalStateException("gave up waiting: " + what);
    }
  }
}
