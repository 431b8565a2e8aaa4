package io.pks.operator.bench;

import io.pks.operator.api.v1alpha1.Phase;
import io.pks.operator.api.v1alpha1.PksReplicaPairStatus;
import io.pks.operator.sandbox.SandboxPair;
import io.pks.operator.sandbox.Writer;

/**
 * Ours in the peers benchmark: the example pair (Automatic failover, synchronous Required) in the
 * sandbox, each cluster in a new namespace, reached through its -rw Service.
 */
final class OperatorSystem implements HaSystem {
  private final BenchSandbox sandbox;
  private int created;
  private SandboxPair pair;

  OperatorSystem(BenchSandbox sandbox) {
    this.sandbox = sandbox;
  }

  @Override
  public String name() {
    return "pks-operator";
  }

  /** The example's primaryUnavailableSeconds, 5, is also the field's default (FailoverSpec). */
  @Override
  public boolean runs(Window window) {
    return window == Window.FIVE_SECONDS;
  }

  /** The operator runs already. */
  @Override
  public void prepare(Window window) {
  }

  @Override
  public void create() {
    created++;
    pair = sandbox.examplePair("bench-peers-" + created);
  }

  @Override
  public Writer.Connections primary() {
    return pair.connections(pair.readWrite());
  }

  @Override
  public String primaryNode() {
    return pair.get().getStatus().currentPrimary();
  }

  @Override
  public String otherNode(String node) {
    return pair.get().getSpec().members().stream().map(member -> member.name()).filter(name -> !name.equals(node))
        .findFirst().orElseThrow();
  }

  /** Streaming, with the standby recorded in the status as the synchronous one (what failover checks). */
  @Override
  public boolean standbyEligible() {
    PksReplicaPairStatus status = pair.get().getStatus();
    return status.phase() == Phase.Streaming && status.synchronousStandby() != null
        && status.synchronousStandby().equals(status.standby());
  }

  @Override
  public void loseNode(String node) {
    pair.nodeDown(node);
  }

  @Override
  public void bringBack(String node) {
    pair.nodeBack(node);
  }

  @Override
  public void switchover(String primary, String target) {
    pair.requestPrimary(target);
  }

  @Override
  public void destroy() {
    if (pair != null) {
      pair.deleteAndAwaitStopped();
      pair = null;
    }
  }
}
