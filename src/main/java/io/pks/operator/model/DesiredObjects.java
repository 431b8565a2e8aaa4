package io.pks.operator.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.pks.operator.api.v1alpha1.Member;
import io.pks.operator.api.v1alpha1.Phase;
import io.pks.operator.api.v1alpha1.PksReplicaPair;

/**
 * Everything the operator wants to exist for one (valid) pair, from the builders. The dependents
 * and the {@code render} command both read it, so what is reviewed is what is applied.
 */
public final class DesiredObjects {
  private final PksReplicaPair pair;
  private final MemberNetwork network;

  public DesiredObjects(PksReplicaPair pair, MemberNetwork network) {
    this.pair = pair;
    this.network = network;
  }

  public List<Secret> secrets(Secrets.PasswordSource passwords) {
    return java.util.stream.Stream.of(Secrets.Kind.values())
        .map(kind -> Secrets.generated(pair, kind, passwords))
        .filter(Objects::nonNull)
        .toList();
  }

  public ConfigMap configMap() {
    return ConfigMaps.build(pair, network);
  }

  /** @param existingClaim see {@link StatefulSets#build}; null when creating */
  public StatefulSet statefulSet(Member member, PersistentVolumeClaim existingClaim) {
    return StatefulSets.build(pair, member, ConfigMaps.hash(configMap()), 1, initdbAllowed(member),
        existingClaim);
  }

  /**
   * initdb is allowed only for the current primary and only during the bootstrap (no phase yet,
   * Pending or InitializingPrimary). A primary whose volume is lost later must never come back
   * empty and be taken for the pair's data: it waits, and a human or a failover decides. The
   * standby never initialises itself; it is always seeded from the primary.
   */
  private boolean initdbAllowed(Member member) {
    if (!member.name().equals(PairRoles.currentPrimary(pair))) {
      return false;
    }
    Phase phase = pair.getStatus() == null ? null : pair.getStatus().phase();
    return phase == null || phase == Phase.Pending || phase == Phase.InitializingPrimary;
  }

  public List<Service> services() {
    List<Service> services = new ArrayList<>();
    pair.getSpec().members().forEach(member -> services.add(Services.member(pair, member.name())));
    services.add(Services.readWrite(pair));
    services.add(Services.readOnly(pair));
    services.add(Services.sip(pair, SipRouting.activeSite(pair)));
    return services;
  }

  /** All objects in creation order; Secrets as the password source gives them. */
  public List<HasMetadata> all(Secrets.PasswordSource passwords) {
    List<HasMetadata> all = new ArrayList<>(secrets(passwords));
    all.add(configMap());
    pair.getSpec().members().forEach(member -> all.add(statefulSet(member, null)));
    all.addAll(services());
    return all;
  }
}
