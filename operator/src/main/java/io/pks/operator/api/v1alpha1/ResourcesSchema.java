package io.pks.operator.api.v1alpha1;

import java.util.List;
import java.util.Map;

import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.IntOrString;

/**
 * The CRD's schema of the database container's resources: Kubernetes' own, with the bounds the API
 * server's CEL cost estimate needs on every list, map and string a rule reaches. A quantity is
 * checked by the schema (a pattern for text, a minimum for numbers, which {@link Crd#load} adds), not
 * by a rule: the estimate sizes an int-or-string at a whole request whatever its maxLength (before
 * Kubernetes 1.34), so a rule reading one exceeds the budget. Never instantiated: the API reads {@link
 * io.fabric8.kubernetes.api.model.ResourceRequirements}.
 */
record ResourcesSchema(
    @Size(max = SpecRules.MAX_RESOURCES) List<ClaimSchema> claims,
    @Size(max = SpecRules.MAX_RESOURCES) Map<String, IntOrString> limits,
    @Size(max = SpecRules.MAX_RESOURCES) Map<String, IntOrString> requests) {

  /** A claim is refused by a rule; its strings are bounded all the same. */
  record ClaimSchema(
      @Size(max = SpecRules.MAX_OBJECT_NAME) String name,
      @Size(max = SpecRules.MAX_OBJECT_NAME) String request) {
  }
}
