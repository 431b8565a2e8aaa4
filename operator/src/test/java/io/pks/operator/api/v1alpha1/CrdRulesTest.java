package io.pks.operator.api.v1alpha1;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pks.operator.TestPairs;
import io.pks.operator.validation.HostileSpecs;
import io.pks.operator.validation.SpecCase;

import static org.assertj.core.api.Assertions.assertThat;

/** The CRD's schema and CEL rules refuse exactly what the Java validator refuses. */
class CrdRulesTest {
  private static final CustomResourceDefinition CRD = Crd.load();

  static Stream<SpecCase> cases() {
    return Stream.of(SpecCase.all(), HostileSpecs.atBounds(), HostileSpecs.all()).flatMap(List::stream)
        .filter(specCase -> !HostileSpecs.BEYOND_CEL.contains(specCase.name()));
  }

  private static CrdSchemaCheck check() {
    return new CrdSchemaCheck(CRD.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void crdAgreesWithTheValidator(SpecCase specCase) {
    CrdSchemaCheck check = check();
    JsonNode resource = specCase.resource().deepCopy();
    check.applyDefaults(resource);
    JsonNode previous = null;
    if (specCase.previous() != null) {
      previous = specCase.previous().deepCopy();
      check.applyDefaults(previous);
    }

    List<String> errors = check.check(resource, previous);

    if (specCase.valid()) {
      assertThat(check.evaluationErrors()).as("CEL rules that failed to evaluate").isEmpty();
      assertThat(errors).isEmpty();
    } else {
      // A rule that fails to evaluate refuses the object on an API server too, but for no reason it
      // states: the refusal must come from the schema or from a rule that evaluated to false.
      assertThat(errors).as("refusals besides the CEL rules that failed to evaluate (%s)", check.evaluationErrors())
          .isNotEmpty();
    }
    if (resource.path("spec").isObject()) {
      assertThat(check.rulesEvaluated()).isPositive();
    }
  }

  @Test
  void crdDefaultsAreTheJavaDefaults() {
    ObjectNode minimal = TestPairs.minimalJson();
    check().applyDefaults(minimal);
    JsonNode javaDefaulted = Serialization.jsonMapper().valueToTree(TestPairs.fromJson(TestPairs.minimalJson()).getSpec());

    assertThat(minimal.get("spec")).isEqualTo(javaDefaulted);
  }

  @Test
  void printerColumnsAreInTheDeclaredOrder() {
    assertThat(CRD.getSpec().getVersions().get(0).getAdditionalPrinterColumns())
        .extracting(column -> column.getName())
        .containsExactly("PRIMARY", "STANDBY", "SIP", "PHASE", "SYNC", "LAG", "AGE");
  }

  @Test
  void everySpecFieldHasADescription() {
    var spec = CRD.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema().getProperties().get("spec");
    assertThat(spec.getProperties()).allSatisfy((name, property) -> {
      assertThat(property.getDescription()).as(name).isNotBlank();
      if (property.getProperties() != null) {
        property.getProperties().forEach((child, childProperty) ->
            assertThat(childProperty.getDescription()).as(name + "." + child).isNotBlank());
      }
    });
  }
}
