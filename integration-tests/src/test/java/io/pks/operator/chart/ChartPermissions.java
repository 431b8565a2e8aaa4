package io.pks.operator.chart;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRule;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.pks.operator.ApiAccess;

/**
 * What the chart's RBAC objects let the operator's ServiceAccount do, evaluated the way the API
 * server's RBAC authorizer does: a ClusterRole bound by a ClusterRoleBinding applies everywhere,
 * a Role or ClusterRole bound by a RoleBinding in that binding's namespace only.
 */
final class ChartPermissions {

  /** One rule, where it applies (null: every namespace), and the object it comes from. */
  record Grant(String namespace, PolicyRule rule, String source) {
    boolean allows(ApiAccess access) {
      return (namespace == null || namespace.equals(access.namespace()))
          && rule.getApiGroups().contains(access.group())
          && rule.getResources().contains(access.resource())
          && rule.getVerbs().contains(access.verb())
          // Named rules never allow list or watch; the operator's rules name nothing.
          && rule.getResourceNames().isEmpty();
    }

    /** Every (group, resource, verb) the rule names, without a namespace. */
    Stream<ApiAccess> accesses() {
      return rule.getApiGroups().stream().flatMap(group -> rule.getResources().stream()
          .flatMap(resource -> rule.getVerbs().stream().map(verb -> new ApiAccess(null, group, resource, verb))));
    }

    @Override
    public String toString() {
      return source + " " + rule.getApiGroups() + " " + rule.getResources() + " " + rule.getVerbs();
    }
  }

  /**
   * What Kubernetes lets every authenticated account do (the bootstrap ClusterRole system:basic-user):
   * JOSDK asks what it may do before it takes the Lease.
   */
  private static final List<Grant> ANY_ACCOUNT = List.of(new Grant(null, new PolicyRuleBuilder()
      .withApiGroups("authorization.k8s.io")
      .withResources("selfsubjectaccessreviews", "selfsubjectrulesreviews").withVerbs("create").build(),
      "system:basic-user"));

  private final List<Grant> grants;

  private ChartPermissions(List<Grant> grants) {
    this.grants = List.copyOf(grants);
  }

  /** The grants of the ServiceAccount the chart's Deployment runs as. */
  static ChartPermissions of(List<HasMetadata> objects) {
    Deployment deployment = HelmChart.only(objects, Deployment.class);
    Subject account = new Subject(null, "ServiceAccount", deployment.getSpec().getTemplate().getSpec()
        .getServiceAccountName(), deployment.getMetadata().getNamespace());
    List<Grant> grants = new ArrayList<>();
    for (ClusterRoleBinding binding : HelmChart.all(objects, ClusterRoleBinding.class)) {
      if (binding.getSubjects().contains(account)) {
        grants.addAll(grants(objects, binding.getRoleRef(), null));
      }
    }
    for (RoleBinding binding : HelmChart.all(objects, RoleBinding.class)) {
      if (binding.getSubjects().contains(account)) {
        grants.addAll(grants(objects, binding.getRoleRef(), binding.getMetadata().getNamespace()));
      }
    }
    return new ChartPermissions(grants);
  }

  private static List<Grant> grants(List<HasMetadata> objects, RoleRef ref, String namespace) {
    Stream<? extends HasMetadata> roles = ref.getKind().equals("ClusterRole")
        ? HelmChart.all(objects, ClusterRole.class).stream()
        : HelmChart.all(objects, Role.class).stream().filter(role -> role.getMetadata().getNamespace().equals(namespace));
    return roles.filter(role -> role.getMetadata().getName().equals(ref.getName()))
        .flatMap(role -> rules(role).stream().map(rule -> new Grant(namespace, rule,
            role.getKind() + " " + Objects.requireNonNullElse(role.getMetadata().getNamespace(), "") + "/"
                + role.getMetadata().getName())))
        .toList();
  }

  private static List<PolicyRule> rules(HasMetadata role) {
    return role instanceof ClusterRole clusterRole ? clusterRole.getRules() : ((Role) role).getRules();
  }

  List<Grant> grants() {
    return grants;
  }

  /** The accesses no grant allows, in the order given. */
  List<ApiAccess> missing(Collection<ApiAccess> accesses) {
    return accesses.stream()
        .filter(access -> Stream.concat(grants.stream(), ANY_ACCOUNT.stream()).noneMatch(g -> g.allows(access)))
        .toList();
  }

  /** These permissions without one of the chart's rules. */
  ChartPermissions without(Grant removed) {
    return new ChartPermissions(grants.stream().filter(grant -> grant != removed).toList());
  }

  /** Every (group, resource, verb) some rule names. */
  Set<ApiAccess> named() {
    Set<ApiAccess> named = new LinkedHashSet<>();
    grants.forEach(grant -> grant.accesses().forEach(named::add));
    return named;
  }

  /** The rules that apply in {@code namespace}, as a SelfSubjectRulesReview reports them. */
  List<ResourceRule> rulesIn(String namespace) {
    return grants.stream().filter(grant -> grant.namespace() == null || grant.namespace().equals(namespace))
        .map(grant -> new ResourceRuleBuilder().withApiGroups(grant.rule().getApiGroups())
            .withResources(grant.rule().getResources()).withVerbs(grant.rule().getVerbs()).build())
        .toList();
  }
}
