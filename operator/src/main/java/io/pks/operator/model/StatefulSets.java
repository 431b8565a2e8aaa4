package io.pks.operator.model;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.pks.operator.api.v1alpha1.DeletionPolicy;
import io.pks.operator.api.v1alpha1.Member;
import io.pks.operator.api.v1alpha1.PksReplicaPair;

/**
 * One StatefulSet per member, one pod each. The pod's role is not in the template (the operator
 * labels the pod), so a switchover never rolls a pod; a configuration change does, through the
 * hash annotation. The member never initialises its own data: the initdb and seed Jobs do, while
 * the StatefulSet is at zero replicas.
 */
public final class StatefulSets {
  private StatefulSets() {
  }

  public static final String CONFIG_HASH_ANNOTATION = "pks.io/config-hash";
  public static final String CONTAINER = "postgres";
  private static final EnumSet<PodVolume> VOLUMES = EnumSet.of(PodVolume.DATA, PodVolume.CONFIG,
      PodVolume.SCRIPTS, PodVolume.REPLICATION_SECRET, PodVolume.RUN, PodVolume.TMP);

  /**
   * @param replicas 1 to run the member; 0 while it is fenced, or its data is being initialised or
   *     seeded
   * @param existingClaim the volume claim template of the existing StatefulSet, kept as is because
   *     the API server refuses changes to it; null on creation
   */
  public static StatefulSet build(PksReplicaPair pair, Member member, String configHash, int replicas,
      PersistentVolumeClaim existingClaim) {
    String name = pair.getMetadata().getName();
    String statefulSet = Names.statefulSet(name, member.name());
    Map<String, String> labels = Labels.member(name, member.name());
    return new StatefulSetBuilder()
        .withMetadata(ObjectMetas.of(pair, statefulSet, labels))
        .withNewSpec()
          .withReplicas(replicas)
          .withServiceName(Names.memberService(name, member.name()))
          .withNewSelector().withMatchLabels(Labels.memberSelector(name, member.name())).endSelector()
          .withNewPersistentVolumeClaimRetentionPolicy()
            .withWhenDeleted(pair.getSpec().deletionPolicy() == DeletionPolicy.Delete ? "Delete" : "Retain")
            .withWhenScaled("Retain")
          .endPersistentVolumeClaimRetentionPolicy()
          .withNewTemplate()
            .withMetadata(MemberPods.podMetadata(pair, labels, Map.of(CONFIG_HASH_ANNOTATION, configHash)))
            .withSpec(podSpec(pair, member))
          .endTemplate()
          .withVolumeClaimTemplates(existingClaim != null ? existingClaim : dataClaimTemplate(pair))
        .endSpec()
        .build();
  }

  /**
   * With spec.backup the member archives its WAL and takes base backups with pgBackRest, which
   * needs the object store's keys and connects to the member's PostgreSQL as the superuser.
   */
  static EnumSet<PodVolume> volumes(PksReplicaPair pair) {
    EnumSet<PodVolume> volumes = EnumSet.copyOf(VOLUMES);
    if (pair.getSpec().backups().isPresent()) {
      volumes.addAll(EnumSet.of(PodVolume.SUPERUSER_SECRET, PodVolume.BACKUP_SECRET));
    }
    return volumes;
  }

  private static PodSpec podSpec(PksReplicaPair pair, Member member) {
    int port = pair.getSpec().postgres().port();
    List<TopologySpreadConstraint> spread = pair.getSpec().pods().topologySpreadConstraints();
    return MemberPods.podSpec(pair, member, CONTAINER, Scripts.ENTRYPOINT, volumes(pair), null)
        .withTopologySpreadConstraints(spread.isEmpty() ? null : spread)
        .withTerminationGracePeriodSeconds(60L)
        .editFirstContainer()
          .addNewPort().withName("postgres").withContainerPort(port).withProtocol("TCP").endPort()
          // Crash recovery of a large database may take long: liveness starts after the first success.
          .withStartupProbe(pgIsReady(port, 10, 360))
          .withLivenessProbe(pgIsReady(port, 10, 6))
          .withReadinessProbe(pgIsReady(port, 2, 3))
        .endContainer()
        .addToContainers(MemberMetrics.container(pair))
        .build();
  }

  private static Probe pgIsReady(int port, int periodSeconds, int failureThreshold) {
    return new ProbeBuilder()
        .withNewExec()
          .withCommand("pg_isready", "-q", "-h", "127.0.0.1", "-p", Integer.toString(port))
        .endExec()
        .withPeriodSeconds(periodSeconds)
        .withTimeoutSeconds(5)
        .withFailureThreshold(failureThreshold)
        .build();
  }

  /** The claim template; {@link VolumeClaims} creates its claim ahead of the pod, by the same spec. */
  static PersistentVolumeClaim dataClaimTemplate(PksReplicaPair pair) {
    var storage = pair.getSpec().postgres().storage();
    return new PersistentVolumeClaimBuilder()
        .withNewMetadata().withName(PodVolume.DATA.volumeName())
          .withLabels(Labels.pair(pair.getMetadata().getName())).endMetadata()
        .withNewSpec()
          .withAccessModes("ReadWriteOnce")
          .withStorageClassName(storage.storageClassName())
          .withNewResources().withRequests(Map.of("storage", new Quantity(storage.size()))).endResources()
        .endSpec()
        .build();
  }
}
