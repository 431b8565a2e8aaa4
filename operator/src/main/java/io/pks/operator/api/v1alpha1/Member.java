package io.pks.operator.api.v1alpha1;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Toleration;

/** One site of the pair: where its database pod runs. */
// Only empty collections are left out when written: an empty string must stay one, or a copy made
// through JSON (JOSDK clones each resource) would read it as absent, take the default and accept
// what the resource refuses.
@ValidationRule(value = SpecRules.CEL_NODE_SELECTOR,
    message = "spec.members[].nodeSelector: keys and values must be valid label keys and values")
@ValidationRule(value = SpecRules.CEL_TOLERATIONS,
    message = "spec.members[].tolerations: operator must be Exists or Equal, effect NoSchedule,"
        + " PreferNoSchedule or NoExecute, and key a label key")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Member(
    @Required
    @Size(min = 1, max = SpecRules.MAX_MEMBER_NAME)
    @Pattern(SpecRules.DNS_LABEL)
    @JsonPropertyDescription("Site name, a lowercase DNS label (at most 15 characters). It names the"
        + " site's StatefulSet, Services and replication slot, and is the value of the SIP site label."
        + " Immutable.")
    String name,
    @JsonPropertyDescription("Node labels the site's database pod must run on.")
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @Size(max = SpecRules.MAX_SELECTOR_LABELS)
    Map<String, @Size(max = SpecRules.MAX_LABEL_VALUE) String> nodeSelector,
    @JsonPropertyDescription("Tolerations of the site's database pod.")
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @Size(max = SpecRules.MAX_TOLERATIONS)
    @SchemaFrom(type = TolerationSchema[].class)
    List<Toleration> tolerations,
    @JsonPropertyDescription("Affinity of the site's database pod.")
    Affinity affinity) {

  public Member {
    nodeSelector = Values.map(nodeSelector);
    tolerations = Values.list(tolerations);
  }

  public static Member named(String name) {
    return new Member(name, null, null, null);
  }
}
