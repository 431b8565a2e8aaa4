package io.pks.operator.bench;

import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pks.operator.LeaseTimings;
import io.pks.operator.sandbox.Sandbox;
import io.pks.operator.sandbox.SandboxPair;

/**
 * The one sandbox the PostgreSQL scenarios share, started on first use: each scenario brings its
 * own pair in its own namespace and deletes it with its volumes when done, so the next one measures
 * on a quiet machine. Its folder keeps the pods' logs until the next run clears it.
 */
final class BenchSandbox implements Supplier<Sandbox>, AutoCloseable {
  /** A pair whose volumes go with it, so a finished scenario leaves no data on disk. */
  static final Consumer<ObjectNode> DELETED_WITH_ITS_DATA =
      json -> ((ObjectNode) json.get("spec")).put("deletionPolicy", "Delete");

  private final Path workDir;
  private final int operators;
  private final LeaseTimings leaseTimings;
  private Sandbox sandbox;

  BenchSandbox() {
    this("pks-bench", 1, LeaseTimings.DEFAULTS);
  }

  /** In {@code folder} of the temporary folder, with {@code operators} replicas of the operator electing a leader. */
  BenchSandbox(String folder, int operators, LeaseTimings leaseTimings) {
    this.workDir = Path.of(System.getProperty("java.io.tmpdir"), folder);
    this.operators = operators;
    this.leaseTimings = leaseTimings;
  }

  @Override
  public synchronized Sandbox get() {
    if (sandbox == null) {
      Bench.progress("starting the sandbox in %s", workDir);
      sandbox = Sandbox.start(workDir, Bench.PROBE_INTERVAL, Sandbox.Networking.LOOPBACK, operators, leaseTimings);
    }
    return sandbox;
  }

  /** The example pair (Automatic failover, synchronous Required) in {@code namespace}, deleted with its data. */
  SandboxPair examplePair(String namespace) {
    return examplePair(namespace, json -> { });
  }

  /** The example pair, deleted with its data, with {@code edit} made to it. */
  SandboxPair examplePair(String namespace, Consumer<ObjectNode> edit) {
    return SandboxPair.create(get(), namespace, DELETED_WITH_ITS_DATA.andThen(edit));
  }

  @Override
  public synchronized void close() {
    if (sandbox != null) {
      sandbox.close();
      sandbox = null;
    }
  }
}
