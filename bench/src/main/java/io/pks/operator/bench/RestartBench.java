package io.pks.operator.bench;

import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.api.v1alpha1.SynchronousMode;
import io.pks.operator.sandbox.SandboxPair;
import io.pks.operator.sandbox.Writer;

/**
 * restart: a change PostgreSQL applies only on a restart (shared_buffers, a new value each run),
 * rolled by the operator: the standby restarted, then a switchover to it (primaryUpdateMethod
 * Switchover, the default), the old primary rejoining with the new value. Measured: the write
 * gap (the longest wait between two acknowledged commits from the change until the pair streams in
 * sync again with nothing pending a restart), and change → that state. Under synchronous: Required
 * (scenario restart) commits wait while the standby restarts; under Preferred (restart-preferred)
 * the primary stops waiting for it first, so only the switchover's gap is left.
 */
final class RestartBench extends PrimaryChanges {
  static final String NAME = "restart";
  private static final String PREFERRED = "restart-preferred";
  private static final int SHARED_BUFFERS_MB = 128;
  private static final int STEP_MB = 8;
  /** Runs per mode: five each keep both within the ten rollings' time of one mode before. */
  private static final int RUNS = 5;

  private final String scenario;
  private final SynchronousMode synchronous;
  private int changes;

  private RestartBench(BenchSandbox sandbox, String scenario, SynchronousMode synchronous) {
    super(sandbox, scenario, RUNS);
    this.scenario = scenario;
    this.synchronous = synchronous;
  }

  /** Both: the example pair (Required), then one under Preferred. */
  static Scenario both(BenchSandbox sandbox) {
    return results -> {
      new RestartBench(sandbox, NAME, SynchronousMode.Required).run(results);
      new RestartBench(sandbox, PREFERRED, SynchronousMode.Preferred).run(results);
    };
  }

  @Override
  SandboxPair pair(BenchSandbox sandbox, String namespace) {
    return sandbox.examplePair(namespace, json -> ((ObjectNode) json.get("spec")).with("replication")
        .put("synchronous", synchronous.name()));
  }

  @Override
  void change(SandboxPair pair, Writer writer, String primary, String target, Results results) {
    changes++;
    String sharedBuffers = (SHARED_BUFFERS_MB + STEP_MB * changes) + "MB";
    Instant changed = Instant.now();
    pair.client().resources(PksReplicaPair.class).inNamespace(pair.namespace).withName(pair.name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(Map.of("spec", Map.of("postgres",
            Map.of("parameters", Map.of("shared_buffers", sharedBuffers))))));
    // The new primary recorded: the standby was restarted and switched over to, not a state from before.
    pair.awaitStatus("shared_buffers " + sharedBuffers + " rolled: " + target + " the primary, nothing pending",
        p -> target.equals(p.getStatus().currentPrimary()) && SandboxPair.synchronous(p)
            && p.getStatus().configuration() != null && p.getStatus().configuration().pendingRestart().isEmpty());
    Instant rolled = Instant.now();
    Bench.require(writer.awaitMore(WRITES, SandboxPair.BOUND), "commits on the new primary");
    results.add(scenario, "write-unavailability window (longest gap between acknowledged commits)", "s",
        writer.longestGap(changed, rolled).toNanos() / 1e9);
    results.add(scenario, "change → streaming in sync, both members restarted, nothing pending", "s",
        Bench.seconds(changed, rolled));
  }
}
