package io.pks.operator.api.v1alpha1;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** An optional NetworkPolicy: who may reach the members' PostgreSQL port. */
@ValidationRule(value = SpecRules.CEL_NETWORK_POLICY_SELECTORS,
    message = "spec.networkPolicy: selector keys and values must be valid label keys and values")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NetworkPolicySpec(
    @Default("false")
    @JsonPropertyDescription("Create the NetworkPolicy <pair>-postgres: the members' PostgreSQL port"
        + " admits only the pair's own pods (members, seed Jobs), the operator's pods and the"
        + " application pods; every other ingress to the members is refused.")
    Boolean enabled,
    @JsonPropertyDescription("Labels of the application pods, in the pair's namespace, that may"
        + " connect to PostgreSQL; none when empty.")
    @Size(max = SpecRules.MAX_SELECTOR_LABELS)
    Map<String, @Size(max = SpecRules.MAX_LABEL_VALUE) String> applicationSelector,
    @JsonPropertyDescription("Labels of the operator's pods, which probe and configure the members;"
        + " default app.kubernetes.io/name=pks-operator.")
    @Size(max = SpecRules.MAX_SELECTOR_LABELS)
    Map<String, @Size(max = SpecRules.MAX_LABEL_VALUE) String> operatorSelector,
    @Pattern(SpecRules.DNS_LABEL)
    @Size(max = SpecRules.MAX_NAMESPACE)
    @JsonPropertyDescription("Namespace of the operator's pods; when absent, pods with the operator's"
        + " labels in any namespace. Set it: any namespace's pods can carry labels.")
    String operatorNamespace) {

  static final Map<String, String> DEFAULT_OPERATOR_SELECTOR = Map.of("app.kubernetes.io/name", "pks-operator");

  public NetworkPolicySpec {
    enabled = enabled == null ? Boolean.FALSE : enabled;
    applicationSelector = Values.map(applicationSelector);
    operatorSelector = operatorSelector == null || operatorSelector.isEmpty()
        ? DEFAULT_OPERATOR_SELECTOR : Values.map(operatorSelector);
  }

  public static NetworkPolicySpec defaults() {
    return new NetworkPolicySpec(null, null, null, null);
  }
}
