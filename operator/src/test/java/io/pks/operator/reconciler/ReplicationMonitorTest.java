package io.pks.operator.reconciler;

import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pks.operator.TestPairs;
import io.pks.operator.api.v1alpha1.PksReplicaPair;

import static org.assertj.core.api.Assertions.assertThat;

/** A running pair whose spec is edited badly is not probed with what the edit names. */
class ReplicationMonitorTest {

  /** The example as running with site-a as primary, its spec then edited by {@code edit}. */
  private static PksReplicaPair running(Consumer<ObjectNode> edit) {
    ObjectNode json = TestPairs.exampleJson();
    json.putObject("status").put("currentPrimary", "site-a");
    edit.accept(TestPairs.spec(json));
    return TestPairs.fromJson(json);
  }

  @Test
  void aRunningPairIsProbed() {
    assertThat(ReplicationMonitor.probeable(running(spec -> { }))).isTrue();
  }

  @Test
  void aRefusedEditStopsTheProbesInsteadOfFailingThem() {
    // Valid on its own, but the running primary is no longer a member: the immutability rule refuses it.
    assertThat(ReplicationMonitor.probeable(running(spec -> {
      ((ObjectNode) spec.withArray("members").get(0)).put("name", "site-c");
      spec.put("primary", "site-c");
    }))).isFalse();
    assertThat(ReplicationMonitor.probeable(running(spec -> spec.withArray("members").remove(1)))).isFalse();
    assertThat(ReplicationMonitor.probeable(running(spec -> spec.with("postgres").put("port", 0)))).isFalse();
    assertThat(ReplicationMonitor.probeable(running(spec -> spec.with("postgres").put("port", "abc")))).isFalse();
  }
}
