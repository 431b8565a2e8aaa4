package io.pks.operator.bench;

import java.time.Instant;
import java.util.Map;

import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.sandbox.SandboxPair;
import io.pks.operator.sandbox.Writer;

/**
 * restart: a change PostgreSQL applies only on a restart (shared_buffers, a new value each run),
 * rolled by the operator: the standby restarted, then a switchover to it (primaryUpdateMethod
 * Switchover, the default), the old primary rejoining with the new value. Measured: the write
 * gap (the longest wait between two acknowledged commits from the change until the pair streams in
 * sync again with nothing pending a restart), and change → that state.
 */
final class RestartBench extends PrimaryChanges {
  static final String NAME = "restart";
  private static final int SHARED_BUFFERS_MB = 128;
  private static final int STEP_MB = 8;

  private int changes;

  RestartBench(BenchSandbox sandbox) {
    super(sandbox, NAME);
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
    results.add(NAME, "write-unavailability window (longest gap between acknowledged commits)", "s",
        writer.longestGap(changed, rolled).toNanos() / 1e9);
    results.add(NAME, "change → streaming in sync, both members restarted, nothing pending", "s",
        Bench.seconds(changed, rolled));
  }
}
