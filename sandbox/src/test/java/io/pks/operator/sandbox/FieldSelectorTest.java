package io.pks.operator.sandbox;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.client.utils.Serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FieldSelectorTest {
  private static final JsonNode EVENT = Serialization.unmarshal("""
      {"type": "Normal", "involvedObject": {"kind": "PksReplicaPair", "name": "pks"}}""", JsonNode.class);

  @Test
  void everyRequirementMustHold() {
    assertThat(FieldSelector.matches("involvedObject.name=pks,involvedObject.kind==PksReplicaPair", EVENT)).isTrue();
    assertThat(FieldSelector.matches("involvedObject.name=pks,type!=Normal", EVENT)).isFalse();
    assertThat(FieldSelector.matches("type!=Warning", EVENT)).isTrue();
    assertThat(FieldSelector.matches("", EVENT)).isTrue();
  }

  @Test
  void aMissingFieldReadsAsEmpty() {
    assertThat(FieldSelector.matches("involvedObject.uid=", EVENT)).isTrue();
    assertThat(FieldSelector.matches("involvedObject.uid=u1", EVENT)).isFalse();
  }

  @Test
  void aRequirementWithoutOperatorIsRefused() {
    assertThatThrownBy(() -> FieldSelector.matches("type", EVENT)).isInstanceOf(IllegalArgumentException.class);
  }
}
