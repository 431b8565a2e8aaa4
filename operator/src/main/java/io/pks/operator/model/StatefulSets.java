package io.pks.operator.model;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
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
 * labels the pod), so a switchover never rolls a pod. A changed template never rolls one either:
 * the update strategy is OnDelete, and the operator restarts the members one at a time, the
 * standby first (docs/safety.md, "Configuration changes"), when a pod's
 * {@value #TEMPLATE_HASH_ANNOTATION} differs from its StatefulSet's. The member never initialises
 * its own data: the initdb and seed Jobs do, while the StatefulSet is at zero replicas.
 */
public final class StatefulSets {
  private StatefulSets() {
  }

  /** The hash of the ConfigMap's files a pod reads only when it starts ({@link ConfigMaps#startupHash}). */
  public static final String CONFIG_HASH_ANNOTATION = "pks.io/config-hash";
  /** The hash of the whole pod template ({@link #templateHash}): a pod whose value differs is outdated. */
  public static final String TEMPLATE_HASH_ANNOTATION = "pks.io/template-hash";
  private static final ObjectMapper SORTED_JSON = new ObjectMapper()
      .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
  public static final String CONTAINER = "postgres";
  private static final EnumSet<PodVolume> VOLUMES = EnumSet.of(PodVolume.DATA, PodVolume.CONFIG,
      PodVolume.SCRIPTS, PodVolume.REPLICATION_SECRET, PodVolume.RUN, PodVolume.TMP);

  /**
   * @param replicas 1 to run the member; 0 while it is fenced, or its data is being initialised or
   *     seeded
   * @param startupHash {@link ConfigMaps#startupHash} of the pair's ConfigMap
   * @param existingClaim the volume claim template of the existing StatefulSet, kept as is because
   *     the API server refuses changes to it; null on creation
   */
  public static StatefulSet build(PksReplicaPair pair, Member member, String startupHash, int replicas,
      PersistentVolumeClaim existingClaim) {
    String name = pair.getMetadata().getName();
    String statefulSet = Names.statefulSet(name, member.name());
    Map<String, String> labels = Labels.member(name, member.name());
    PodTemplateSpec template = new PodTemplateSpecBuilder()
        .withMetadata(MemberPods.podMetadata(pair, labels, Map.of(CONFIG_HASH_ANNOTATION, startupHash)))
        .withSpec(podSpec(pair, member))
        .build();
    template.getMetadata().getAnnotations().put(TEMPLATE_HASH_ANNOTATION, templateHash(template));
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
          .withNewUpdateStrategy().withType("OnDelete").endUpdateStrategy()
          .withTemplate(template)
          .withVolumeClaimTemplates(existingClaim != null ? existingClaim : dataClaimTemplate(pair))
        .endSpec()
        .build();
  }

  /**
   * With spec.backup the member archives its WAL and takes base backups with pgBackRest, which
   * needs the object store's keys, connects to the member's PostgreSQL as the superuser, and reads
   * the standby's files through its backup server with the client certificate.
   */
  static EnumSet<PodVolume> volumes(PksReplicaPair pair) {
    EnumSet<PodVolume> volumes = EnumSet.copyOf(VOLUMES);
    if (pair.getSpec().backups().isPresent()) {
      volumes.addAll(EnumSet.of(PodVolume.SUPERUSER_SECRET, PodVolume.BACKUP_SECRET, PodVolume.BACKUP_TLS));
    }
    return volumes;
  }

  /**
   * SHA-256 of the pod template as JSON with map keys sorted (labels, annotations, selectors), so
   * the same template has the same hash in every operator process.
   */
  static String templateHash(PodTemplateSpec template) {
    try {
      byte[] json = SORTED_JSON.writeValueAsBytes(template);
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json));
    } catch (JsonProcessingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("a pod template is always serialisable with SHA-256", e);
    }
  }

  private static PodSpec podSpec(PksReplicaPair pair, Member member) {
    int port = pair.getSpec().postgres().port();
    List<TopologySpreadConstraint> spread = pair.getSpec().pods().topologySpreadConstraints();
    PodSpecBuilder pod = MemberPods.podSpec(pair, member, CONTAINER, Scripts.ENTRYPOINT, volumes(pair), null)
        .withTopologySpreadConstraints(spread.isEmpty() ? null : spread)
        .withTerminationGracePeriodSeconds(60L)
        .editFirstContainer()
          // The member's isolation check (member-entrypoint.sh): the only pod that runs a primary.
          .addToEnv(MemberPods.env(PodLayout.ENV_ISOLATION_STOP_SECONDS,
              pair.getSpec().failover().isolationStopSeconds().toString()),
              MemberPods.env(PodLayout.ENV_MONITORING_ROLE, MemberMetrics.MONITORING_ROLE))
          .addNewPort().withName("postgres").withContainerPort(port).withProtocol("TCP").endPort()
          // Crash recovery of a large database may take long: liveness starts after the first success.
          .withStartupProbe(pgIsReady(port, 10, 360))
          .withLivenessProbe(pgIsReady(port, 10, 6))
          .withReadinessProbe(pgIsReady(port, 2, 3))
        .endContainer()
        .addToContainers(MemberMetrics.container(pair));
    if (pair.getSpec().backups().isPresent()) {
      pod.addToContainers(BackupServer.container(pair));
    }
    return pod.build();
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
