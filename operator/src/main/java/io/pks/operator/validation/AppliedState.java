package io.pks.operator.validation;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.pks.operator.model.Labels;
import io.pks.operator.model.VolumeClaims;

/**
 * What the cluster already holds for a pair, for the immutability rules. It is read from the
 * existing StatefulSets rather than from an old spec, because that is what a change would break:
 * renaming a member would orphan its volume, a StatefulSet's storage class cannot change, and a
 * volume cannot shrink.
 *
 * @param storageSize the largest size the members' volumes have: their claims' requests, or the
 *     StatefulSets' claim template's (the size they were created with)
 */
public record AppliedState(Set<String> memberNames, Optional<String> storageClassName, Optional<Quantity> storageSize) {

  public static final AppliedState NONE = new AppliedState(Set.of(), Optional.empty(), Optional.empty());

  public static AppliedState of(Collection<StatefulSet> statefulSets) {
    return of(statefulSets, List.of());
  }

  /** @param claims the pair's data claims, which may have grown since the StatefulSets were made */
  public static AppliedState of(Collection<StatefulSet> statefulSets, Collection<PersistentVolumeClaim> claims) {
    if (statefulSets.isEmpty()) {
      return NONE;
    }
    Set<String> members = statefulSets.stream()
        .map(sts -> sts.getMetadata().getLabels().get(Labels.MEMBER))
        .collect(Collectors.toUnmodifiableSet());
    Optional<String> storageClass = claimSpecs(statefulSets)
        .map(PersistentVolumeClaimSpec::getStorageClassName)
        .filter(Objects::nonNull)
        .findFirst();
    Optional<Quantity> size = Stream.concat(claims.stream(), statefulSets.stream()
            .flatMap(sts -> sts.getSpec().getVolumeClaimTemplates().stream()))
        .map(VolumeClaims::requestedSize)
        .filter(Objects::nonNull)
        .max(Comparator.comparing(Quantity::getAmountInBytes));
    return new AppliedState(members, storageClass, size);
  }

  private static Stream<PersistentVolumeClaimSpec> claimSpecs(Collection<StatefulSet> statefulSets) {
    return statefulSets.stream()
        .flatMap(sts -> sts.getSpec().getVolumeClaimTemplates().stream())
        .map(PersistentVolumeClaim::getSpec);
  }

  public boolean isEmpty() {
    return memberNames.isEmpty();
  }
}
