package io.pks.operator.sandbox;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.pks.operator.OperatorSettings;

/**
 * The Lease the operator's replicas elect their leader on, in a sandbox started with several
 * ({@code sandbox --operators 2}): its holder is the name of the leader's pod, whose node a fault
 * can take.
 */
public final class OperatorLease {
  private OperatorLease() {
  }

  /** The leader's identity (its pod's name), or null while nobody holds the Lease. */
  public static String holder(Sandbox sandbox) {
    Lease lease = sandbox.client().leases().inNamespace(OperatorReplicas.NAMESPACE)
        .withName(OperatorSettings.LEASE_NAME).get();
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }

  /** Waits until a replica other than {@code previous} (any, with null) holds the Lease; its identity. */
  public static String awaitHolderOtherThan(Sandbox sandbox, String previous, Duration bound) {
    AtomicReference<String> holder = new AtomicReference<>();
    await("a leader other than " + previous).atMost(bound).pollInterval(Duration.ofMillis(100)).until(() -> {
      holder.set(holder(sandbox));
      return holder.get() != null && !holder.get().isEmpty() && !holder.get().equals(previous);
    });
    return holder.get();
  }

  /** Loses the node of the replica {@code identity}'s pod (node-down): the replica is gone, the Lease not released. */
  public static void nodeDown(Sandbox sandbox, String identity) {
    SandboxPair.fault(sandbox.client(), OperatorReplicas.NAMESPACE, identity, LocalKubelet.NODE_DOWN);
  }

  /** Brings the node of the replica {@code identity}'s pod back: the replica starts again as a candidate. */
  public static void nodeBack(Sandbox sandbox, String identity) {
    SandboxPair.fault(sandbox.client(), OperatorReplicas.NAMESPACE, identity, null);
  }

  /** The replica's pod is Ready: its operator runs and reaches the API server. */
  public static boolean ready(Sandbox sandbox, String identity) {
    var pod = sandbox.client().pods().inNamespace(OperatorReplicas.NAMESPACE).withName(identity).get();
    return pod != null && pod.getStatus() != null && pod.getStatus().getConditions().stream()
        .anyMatch(condition -> "Ready".equals(condition.getType()) && "True".equals(condition.getStatus()));
  }
}
