package io.pks.operator.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.pks.operator.OperatorSettings;
import io.pks.operator.Operators;
import io.pks.operator.model.LoopbackNetwork;
import io.pks.operator.sandbox.EmbeddedApiServer;
import io.pks.operator.sandbox.SandboxPorts;

/**
 * The operator alone in a JVM of its own, so that its memory is measured without the API server's
 * or the benchmark's: built by {@link Operators} as {@code run} builds it, against an API server
 * given by URL, with members on loopback ports where nothing listens (no PostgreSQL: every probe
 * is refused at once). Its standard input takes {@value #MEASURE}; closing it stops the operator.
 */
final class OperatorProcess implements AutoCloseable {
  private static final String STARTED = "started";
  private static final String MEASURE = "measure";

  /** Resident memory before a full GC, heap in use and resident memory after it. */
  record Memory(long residentBytes, long heapBytes, long residentAfterGcBytes) {
  }

  private final Process process;
  private final BufferedReader replies;
  private final PrintWriter commands;

  private OperatorProcess(Process process) {
    this.process = process;
    this.replies = process.inputReader(StandardCharsets.UTF_8);
    this.commands = new PrintWriter(process.outputWriter(StandardCharsets.UTF_8), true);
  }

  /**
   * Starts the operator against {@code apiServer}, its log in {@code log}, with the JVM options and
   * the environment the chart gives it for {@code pairs}; returns once it has started.
   */
  static OperatorProcess start(String apiServer, Path log, int pairs) throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command = new ArrayList<>(List.of(java.toString()));
    command.addAll(ChartSizing.jvmOptions(pairs));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), OperatorProcess.class.getName(), apiServer));
    ProcessBuilder builder = new ProcessBuilder(command).redirectError(log.toFile());
    builder.environment().putAll(ChartSizing.environment());
    Process process = builder.start();
    OperatorProcess operator = new OperatorProcess(process);
    String line = operator.replies.readLine();
    if (!STARTED.equals(line)) {
      operator.close();
      throw new IllegalStateException("the operator process did not start (" + line + "); see " + log);
    }
    return operator;
  }

  Memory measure() throws IOException {
    commands.println(MEASURE);
    String[] reply = replies.readLine().split(" ");
    return new Memory(Long.parseLong(reply[0]), Long.parseLong(reply[1]), Long.parseLong(reply[2]));
  }

  /** CPU time the operator's process has used so far. */
  Duration cpu() {
    return process.info().totalCpuDuration().orElseThrow();
  }

  @Override
  public void close() throws IOException {
    commands.close();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** The child: {@code OperatorProcess <API server URL>}. */
  public static void main(String[] args) throws IOException {
    try (NamespacedKubernetesClient client = EmbeddedApiServer.client(args[0])) {
      Operator operator = Operators.create(client, new OperatorSettings(Set.of(), false, null, "cluster.local",
          Bench.PROBE_INTERVAL), new LoopbackNetwork(new SandboxPorts()));
      operator.start();
      System.out.println(STARTED);
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.equals(MEASURE)) {
          long resident = residentBytes();
          System.gc();
          System.out.println(resident + " " + ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed()
              + " " + residentBytes());
        }
      }
      operator.stop();
    }
  }

  private static long residentBytes() {
    return Machine.procBytes(Path.of("/proc/self/status"), "VmRSS");
  }
}
