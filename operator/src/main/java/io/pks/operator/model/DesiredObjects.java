package io.pks.operator.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.pks.operator.api.v1alpha1.Member;
import io.pks.operator.api.v1alpha1.PksReplicaPairStatus;
import io.pks.operator.api.v1alpha1.PksReplicaPair;

/**
 * Everything the operator wants to exist for one (valid) pair, from the builders. The dependents
 * and the {@code render} command both read it, so what is reviewed is what is applied.
 *
 * <p>One instance serves one reconcile, whose dependents may read it from several threads at once.
 * It keeps the hashes its StatefulSets carry, the costly part of building them (the whole pod
 * template serialised, the configuration built and hashed): a StatefulSet and the check of its
 * pod's template then build and hash the template once, not once each.
 */
public final class DesiredObjects {
  private final PksReplicaPair pair;
  private final MemberNetwork network;
  /** {@link ConfigMaps#startupHash} of {@link #configMap()} once known; two threads may both compute it, alike. */
  private volatile String startupHash;
  /** {@link StatefulSets#TEMPLATE_HASH_ANNOTATION} of each member's StatefulSet, by member name. */
  private final Map<String, String> templateHashes = new ConcurrentHashMap<>();

  public DesiredObjects(PksReplicaPair pair, MemberNetwork network) {
    this.pair = pair;
    this.network = network;
  }

  /**
   * These objects for {@code written}, the pair once its new status is written. The configuration's
   * and the pod templates' hashes, the costly part, depend on the spec and the pair's metadata, not
   * on its status: they are kept when those are the same, so a reconcile that records a step builds
   * and hashes each template once.
   */
  public DesiredObjects withStatusOf(PksReplicaPair written) {
    DesiredObjects next = new DesiredObjects(written, network);
    if (Objects.equals(written.getSpec(), pair.getSpec())
        && Objects.equals(written.getMetadata().getName(), pair.getMetadata().getName())
        && Objects.equals(written.getMetadata().getLabels(), pair.getMetadata().getLabels())
        && Objects.equals(written.getMetadata().getAnnotations(), pair.getMetadata().getAnnotations())) {
      next.startupHash = startupHash;
      next.templateHashes.putAll(templateHashes);
    }
    return next;
  }

  /**
   * The generated Secrets: the credentials the user does not supply, and with spec.backup the
   * backups' TLS, issued for the hosts the members are reached at.
   */
  public List<Secret> secrets(Secrets.PasswordSource passwords, BackupCertificates.Issuer certificates) {
    List<Secret> secrets = new ArrayList<>(java.util.stream.Stream.of(Secrets.Kind.values())
        .map(kind -> Secrets.generated(pair, kind, passwords))
        .filter(Objects::nonNull)
        .toList());
    if (pair.getSpec().backups().isPresent()) {
      List<String> hosts = pair.getSpec().members().stream()
          .map(member -> network.endpoint(pair, member.name()).host()).toList();
      secrets.add(BackupCertificates.secret(pair, certificates.issue(pair, hosts)));
    }
    return secrets;
  }

  public ConfigMap configMap() {
    return ConfigMaps.build(pair, network);
  }

  /** {@link ConfigMaps#scripts} of the pair's namespace, which its pods and Jobs mount. */
  public ConfigMap scriptsConfigMap() {
    return ConfigMaps.scripts(pair.getMetadata().getNamespace());
  }

  /** @param existingClaim see {@link StatefulSets#build}; null when creating */
  public StatefulSet statefulSet(Member member, PersistentVolumeClaim existingClaim) {
    StatefulSet statefulSet = StatefulSets.build(pair, member, startupHash(), replicas(member.name()), existingClaim);
    templateHashes.putIfAbsent(member.name(), statefulSet.getSpec().getTemplate().getMetadata().getAnnotations()
        .get(StatefulSets.TEMPLATE_HASH_ANNOTATION));
    return statefulSet;
  }

  private String startupHash() {
    String hash = startupHash;
    if (hash == null) {
      hash = ConfigMaps.startupHash(configMap());
      startupHash = hash;
    }
    return hash;
  }

  /**
   * The value of {@link StatefulSets#TEMPLATE_HASH_ANNOTATION} the member's pod should carry: one
   * that carries another runs an outdated template.
   */
  public String templateHash(Member member) {
    String known = templateHashes.get(member.name());
    if (known != null) {
      return known;
    }
    statefulSet(member, null);
    return templateHashes.get(member.name());
  }

  /** {@link ConfigMaps#reloadableHash}: the configuration each member should report in force. */
  public String reloadableHash() {
    return ConfigMaps.reloadableHash(pair, network);
  }

  /**
   * 1 when the member may run. 0 before the lifecycle has started and while the status lists it
   * as stopped: its data is not initialised or seeded yet, a Job is writing it, or it is fenced.
   */
  int replicas(String member) {
    PksReplicaPairStatus status = pair.getStatus();
    if (status == null || status.phase() == null || status.stoppedMembers().contains(member)) {
      return 0;
    }
    return 1;
  }

  public List<PersistentVolumeClaim> volumeClaims() {
    return pair.getSpec().members().stream().map(member -> VolumeClaims.build(pair, member.name())).toList();
  }

  /** The Job the recorded status names, if any. */
  public Optional<Job> job() {
    return Optional.ofNullable(pair.getStatus()).map(PksReplicaPairStatus::job).map(job -> Jobs.build(pair, job));
  }

  /** Wanted only when spec.networkPolicy.enabled. */
  public NetworkPolicy networkPolicy() {
    return NetworkPolicies.build(pair);
  }

  public PodDisruptionBudget podDisruptionBudget() {
    return PodDisruptionBudgets.build(pair);
  }

  public List<Service> services() {
    List<Service> services = new ArrayList<>();
    pair.getSpec().members().forEach(member -> services.add(Services.member(pair, member.name())));
    services.add(Services.seed(pair));
    services.add(Services.readWrite(pair));
    services.add(Services.readOnly(pair));
    services.add(Services.sip(pair, SipRouting.activeSite(pair)));
    return services;
  }

  /**
   * All objects in creation order, for review: Secrets as the password source gives them, the
   * backups' TLS Secret without its files (no key is made to be shown).
   */
  public List<HasMetadata> all(Secrets.PasswordSource passwords) {
    List<HasMetadata> all = new ArrayList<>(secrets(passwords, BackupCertificates.Issuer.NONE));
    all.add(scriptsConfigMap());
    all.add(configMap());
    all.addAll(volumeClaims());
    pair.getSpec().members().forEach(member -> all.add(statefulSet(member, null)));
    job().ifPresent(all::add);
    all.addAll(services());
    all.add(podDisruptionBudget());
    if (pair.getSpec().networkPolicy().enabled()) {
      all.add(networkPolicy());
    }
    return all;
  }
}
