package io.pks.operator.api.v1alpha1;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Labels and annotations every pod and Job of the pair carries, for the platform's own rules. */
@ValidationRule(value = SpecRules.CEL_INHERITED_METADATA,
    message = "spec.pods.inheritedMetadata: label keys and values, and annotation keys, must be valid")
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record InheritedMetadata(
    @Size(max = SpecRules.MAX_SELECTOR_LABELS)
    @JsonPropertyDescription("Labels of every pod and Job.")
    Map<String, @Size(max = SpecRules.MAX_LABEL_VALUE) String> labels,
    @Size(max = SpecRules.MAX_ANNOTATIONS)
    @JsonPropertyDescription("Annotations of every pod and Job.")
    Map<String, @Size(max = SpecRules.MAX_VALUE_LENGTH) String> annotations) {

  public InheritedMetadata {
    labels = Values.map(labels);
    annotations = Values.map(annotations);
  }

  public static InheritedMetadata defaults() {
    return new InheritedMetadata(null, null);
  }
}
