package io.pks.operator.validation;

import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.pks.operator.model.Labels;

/**
 * What the cluster already holds for a pair, for the immutability rules. It is read from the
 * existing StatefulSets rather than from an old spec, because that is what a change would break:
 * renaming a member would orphan its volume, and a StatefulSet's storage class cannot change.
 */
public record AppliedState(Set<String> memberNames, Optional<String> storageClassName) {

  public static final AppliedState NONE = new AppliedState(Set.of(), Optional.empty());

  public static AppliedState of(Collection<StatefulSet> statefulSets) {
    if (statefulSets.isEmpty()) {
      return NONE;
    }
    Set<String> members = statefulSets.stream()
        .map(sts -> sts.getMetadata().getLabels().get(Labels.MEMBER))
        .collect(Collectors.toUnmodifiableSet());
    Optional<String> storageClass = statefulSets.stream()
        .flatMap(sts -> sts.getSpec().getVolumeClaimTemplates().stream())
        .map(PersistentVolumeClaim::getSpec)
        .map(spec -> spec.getStorageClassName())
        .filter(java.util.Objects::nonNull)
        .findFirst();
    return new AppliedState(members, storageClass);
  }

  public boolean isEmpty() {
    return memberNames.isEmpty();
  }
}
