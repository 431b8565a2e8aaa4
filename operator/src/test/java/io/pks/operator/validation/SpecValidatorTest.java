package io.pks.operator.validation;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.pks.operator.Operators;
import io.pks.operator.TestPairs;
import io.pks.operator.api.v1alpha1.PksReplicaPair;

import static org.assertj.core.api.Assertions.assertThat;

class SpecValidatorTest {

  static Stream<SpecCase> cases() {
    return Stream.concat(SpecCase.all().stream(), HostileSpecs.atBounds().stream());
  }

  static Stream<SpecCase> hostileCases() {
    return HostileSpecs.all().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource({"cases", "hostileCases"})
  void agreesWithTheCase(SpecCase specCase) {
    List<Violation> violations = specCase.violations();
    // JOSDK reconciles a copy made through JSON: it must be refused the same way.
    PksReplicaPair copy = Operators.serialization().clone(TestPairs.fromJson(specCase.resource()));
    assertThat(SpecValidator.validate(copy, specCase.applied())).isEqualTo(violations);

    if (specCase.valid()) {
      assertThat(violations).isEmpty();
    } else {
      assertThat(violations)
          .anySatisfy(violation -> {
            assertThat(violation.field()).isEqualTo(specCase.field());
            if (specCase.problem() != null) {
              assertThat(violation.problem()).contains(specCase.problem());
            }
          });
    }
  }

  @Test
  void hostileCorpusIsLargeAndNamesAFieldInEveryCase() {
    assertThat(HostileSpecs.all()).hasSizeGreaterThanOrEqualTo(200)
        .allSatisfy(specCase -> assertThat(specCase.field()).startsWith("spec"))
        .extracting(SpecCase::name).doesNotHaveDuplicates();
  }

  @Test
  void corpusHasEnoughOfEachKind() {
    assertThat(SpecCase.all().stream().filter(SpecCase::valid)).hasSizeGreaterThanOrEqualTo(8);
    assertThat(SpecCase.all().stream().filter(c -> !c.valid())).hasSizeGreaterThanOrEqualTo(20);
  }

  @Test
  void aMissingSpecIsReportedNotThrown() {
    PksReplicaPair pair = TestPairs.example();
    pair.setSpec(null);
    assertThat(SpecValidator.validate(pair, AppliedState.NONE))
        .containsExactly(new Violation("spec", "is required"));
  }

  @Test
  void aPairNameTooLongForItsObjectNamesIsRefused() {
    PksReplicaPair pair = TestPairs.example();
    pair.getMetadata().setName("a-pair-name-far-too-long-for-statefulsets");
    assertThat(SpecValidator.validate(pair, AppliedState.NONE))
        .extracting(Violation::field).containsExactly("metadata.name");
  }

  @Test
  void aNullMemberIsNamed() {
    PksReplicaPair pair = TestPairs.example(json -> TestPairs.spec(json).withArray("members").set(1,
        com.fasterxml.jackson.databind.node.NullNode.getInstance()));
    assertThat(SpecValidator.validate(pair, AppliedState.NONE))
        .extracting(Violation::toString)
        .contains("spec.members[1]: must be an object with a name");
  }

  @Test
  void controlCharactersInMessagesAreEscaped() {
    PksReplicaPair pair = TestPairs.example(json -> TestPairs.spec(json).put("primary", "a\nb"));
    assertThat(SpecValidator.validate(pair, AppliedState.NONE))
        .extracting(Violation::toString)
        .allSatisfy(message -> assertThat(message).doesNotContain("\n"))
        .anySatisfy(message -> assertThat(message).contains("\"a\\x0ab\""));
  }
}
