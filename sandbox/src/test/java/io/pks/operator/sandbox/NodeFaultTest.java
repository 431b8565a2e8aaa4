package io.pks.operator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NodeFaultTest {

  @Test
  void eachAnnotationValueNamesItsFault() {
    assertThat(NodeFault.parse(null)).isEqualTo(NodeFault.NONE);
    assertThat(NodeFault.parse("node-down").kind()).isEqualTo(NodeFault.Kind.NODE_DOWN);
    assertThat(NodeFault.parse("partition").kind()).isEqualTo(NodeFault.Kind.PARTITION);
    assertThat(NodeFault.parse("partition-operator").kind()).isEqualTo(NodeFault.Kind.PARTITION_OPERATOR);
    assertThat(NodeFault.parse("partition-peer").kind()).isEqualTo(NodeFault.Kind.PARTITION_PEER);
    assertThat(NodeFault.parse("pause").kind()).isEqualTo(NodeFault.Kind.PAUSE);
    assertThat(NodeFault.parse("latency-250")).isEqualTo(new NodeFault(NodeFault.Kind.LATENCY, 250));
    assertThat(NodeFault.parse("latency-250")).hasToString("latency-250");
  }

  @Test
  void onlyTheFaultsThatCutTheNodeFromTheApiServerFreezeItsKubelet() {
    assertThat(NodeFault.parse("partition").unreachable()).isTrue();
    assertThat(NodeFault.parse("pause").unreachable()).isTrue();
    assertThat(NodeFault.parse("partition-operator").unreachable()).isFalse();
    assertThat(NodeFault.parse("pause").needsNetwork()).isFalse();
    assertThat(NodeFault.parse("partition-peer").needsNetwork()).isTrue();
  }

  @Test
  void anythingElseIsRefusedNamingTheAnnotation() {
    assertThatThrownBy(() -> NodeFault.parse("partiton")).hasMessageContaining("sandbox.pks.io/fault partiton")
        .hasMessageContaining("partition-operator");
    assertThatThrownBy(() -> NodeFault.parse("latency-x")).hasMessageContaining("latency-<ms>");
    assertThatThrownBy(() -> NodeFault.parse("latency-0")).hasMessageContaining("latency-<ms>");
  }
}
