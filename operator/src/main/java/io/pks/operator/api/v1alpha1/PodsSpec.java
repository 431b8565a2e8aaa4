package io.pks.operator.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;

/** How every pod the operator makes fits the cluster: the members' pods and the Jobs' pods. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PodsSpec(
    @Size(max = SpecRules.MAX_IMAGE_PULL_SECRETS)
    @JsonPropertyDescription("Names of Secrets (kubernetes.io/dockerconfigjson) in the pair's namespace to pull"
        + " spec.postgres.image with.")
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    List<@Pattern(SpecRules.DNS_SUBDOMAIN) @Size(max = SpecRules.MAX_OBJECT_NAME) String> imagePullSecrets,
    @Pattern(SpecRules.DNS_SUBDOMAIN)
    @Size(max = SpecRules.MAX_OBJECT_NAME)
    @JsonPropertyDescription("PriorityClass of the members' and the Jobs' pods; the cluster's default when"
        + " absent.")
    String priorityClassName,
    @Size(max = SpecRules.MAX_TOPOLOGY_SPREAD_CONSTRAINTS)
    @JsonPropertyDescription("Topology spread constraints of the members' pods (as in a pod spec; select"
        + " the pair's pods with the label pks.io/pair).")
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    List<TopologySpreadConstraint> topologySpreadConstraints,
    @Default("{}")
    @JsonPropertyDescription("Labels and annotations given to every pod and Job the operator makes. The"
        + " operator's own labels and the Jobs' sidecar opt-out win over these.")
    InheritedMetadata inheritedMetadata,
    @Default("false")
    @JsonPropertyDescription("Whether the platform assigns the pods' user and group (OpenShift's restricted"
        + " SCC): the pods then name no runAsUser, runAsGroup or fsGroup, where by default they run as"
        + " the image's postgres user (UID 999) with fsGroup 999.")
    Boolean platformAssignsUser) {

  public PodsSpec {
    imagePullSecrets = Values.list(imagePullSecrets);
    topologySpreadConstraints = Values.list(topologySpreadConstraints);
    inheritedMetadata = inheritedMetadata == null ? InheritedMetadata.defaults() : inheritedMetadata;
    platformAssignsUser = Boolean.TRUE.equals(platformAssignsUser);
  }

  public static PodsSpec defaults() {
    return new PodsSpec(null, null, null, null, null);
  }
}
