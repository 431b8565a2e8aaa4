package io.pks.operator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;

class StatefulSetControllerTest {

  @Test
  void aSetsPodGoesToTheFirstOfItsNodesThatIsNotCordoned() {
    assertThat(StatefulSetController.nodeFor("calls", "pks-site-a", List.of())).isEqualTo("calls-pks-site-a-1");
    assertThat(StatefulSetController.nodeFor("calls", "pks-site-a", List.of(node("calls-pks-site-a-1", false))))
        .isEqualTo("calls-pks-site-a-1");
    assertThat(StatefulSetController.nodeFor("calls", "pks-site-a", List.of(node("calls-pks-site-a-1", true),
        node("calls-pks-site-b-1", false)))).isEqualTo("calls-pks-site-a-2");
    assertThat(StatefulSetController.nodeFor("calls", "pks-site-a", List.of(node("calls-pks-site-a-1", true),
        node("calls-pks-site-a-2", true), node("calls-pks-site-a-3", false)))).isEqualTo("calls-pks-site-a-3");
  }

  private static Node node(String name, boolean cordoned) {
    return new NodeBuilder(EmbeddedApiServer.node(name)).editSpec().withUnschedulable(cordoned ? true : null)
        .endSpec().build();
  }
}
