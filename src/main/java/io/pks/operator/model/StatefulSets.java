package io.pks.operator.model;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.ConfigMapVolumeSource;
import io.fabric8.kubernetes.api.model.ConfigMapVolumeSourceBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.pks.operator.api.v1alpha1.DeletionPolicy;
import io.pks.operator.api.v1alpha1.Member;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.api.v1alpha1.PksReplicaPairSpec;

/**
 * One StatefulSet per member, one pod each. The pod's role is not in the template (the operator
 * labels the pod), so a switchover never rolls a pod; a configuration change does, through the
 * hash annotation.
 */
public final class StatefulSets {
  private StatefulSets() {
  }

  public static final String CONFIG_HASH_ANNOTATION = "pks.io/config-hash";
  public static final String CONTAINER = "postgres";
  static final String CONFIG_VOLUME = "config";
  static final String SCRIPTS_VOLUME = "scripts";
  static final String SUPERUSER_VOLUME = "superuser-secret";
  static final String REPLICATION_VOLUME = "replication-secret";
  static final String RUN_VOLUME = "run";
  static final String TMP_VOLUME = "tmp";

  /**
   * @param replicas 1 to run the member; 0 while it is fenced or being seeded
   * @param initdbAllowed whether the member may run initdb on an empty volume; without it, an
   *     empty member waits for its seed, so it can never come up as a second, empty primary
   * @param existingClaim the volume claim template of the existing StatefulSet, kept as is because
   *     the API server refuses changes to it; null on creation
   */
  public static StatefulSet build(PksReplicaPair pair, Member member, String configHash, int replicas,
      boolean initdbAllowed, PersistentVolumeClaim existingClaim) {
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
            .withNewMetadata()
              .withLabels(labels)
              .addToAnnotations(CONFIG_HASH_ANNOTATION, configHash)
            .endMetadata()
            .withNewSpec()
              .withAutomountServiceAccountToken(false)
              .withEnableServiceLinks(false)
              .withSecurityContext(podSecurityContext())
              .withTerminationGracePeriodSeconds(60L)
              .withNodeSelector(member.nodeSelector().isEmpty() ? null : member.nodeSelector())
              .withTolerations(member.tolerations().isEmpty() ? null : member.tolerations())
              .withAffinity(member.affinity())
              .withContainers(container(pair, member, initdbAllowed))
              .withVolumes(volumes(pair))
            .endSpec()
          .endTemplate()
          .withVolumeClaimTemplates(existingClaim != null ? existingClaim : dataClaim(pair))
        .endSpec()
        .build();
  }

  private static Container container(PksReplicaPair pair, Member member, boolean initdbAllowed) {
    PksReplicaPairSpec spec = pair.getSpec();
    int port = spec.postgres().port();
    return new ContainerBuilder()
        .withName(CONTAINER)
        .withImage(spec.postgres().image())
        .withCommand("/bin/sh", PodLayout.SCRIPTS_DIR + "/" + Scripts.ENTRYPOINT)
        .withEnv(env(pair, member, initdbAllowed))
        .addNewPort().withName("postgres").withContainerPort(port).withProtocol("TCP").endPort()
        .withResources(spec.postgres().resources())
        .withSecurityContext(containerSecurityContext())
        // Crash recovery of a large database may take long: liveness starts after the first success.
        .withStartupProbe(pgIsReady(port, 10, 360))
        .withLivenessProbe(pgIsReady(port, 10, 6))
        .withReadinessProbe(pgIsReady(port, 2, 3))
        .withVolumeMounts(
            mount(PodLayout.DATA_VOLUME, PodLayout.DATA_MOUNT, false),
            mount(CONFIG_VOLUME, PodLayout.CONFIG_DIR, true),
            mount(SCRIPTS_VOLUME, PodLayout.SCRIPTS_DIR, true),
            mount(SUPERUSER_VOLUME, PodLayout.SUPERUSER_SECRET_DIR, true),
            mount(REPLICATION_VOLUME, PodLayout.REPLICATION_SECRET_DIR, true),
            mount(RUN_VOLUME, PodLayout.RUN_DIR, false),
            mount(TMP_VOLUME, PodLayout.TMP_DIR, false))
        .build();
  }

  /** Paths, names and ports only: passwords reach the pod as files from Secret volumes. */
  private static List<EnvVar> env(PksReplicaPair pair, Member member, boolean initdbAllowed) {
    String name = pair.getMetadata().getName();
    PksReplicaPairSpec spec = pair.getSpec();
    return List.of(
        env(PodLayout.ENV_PAIR, name),
        env(PodLayout.ENV_MEMBER, member.name()),
        env(PodLayout.ENV_NAMESPACE, pair.getMetadata().getNamespace()),
        env(PodLayout.ENV_PGDATA, PodLayout.PGDATA),
        env(PodLayout.ENV_PGPORT, spec.postgres().port().toString()),
        env(PodLayout.ENV_STAGING, PodLayout.STAGING),
        env(PodLayout.ENV_CONFIG_DIR, PodLayout.CONFIG_DIR),
        env(PodLayout.ENV_SUPERUSER_SECRET_DIR, PodLayout.SUPERUSER_SECRET_DIR),
        env(PodLayout.ENV_REPLICATION_SECRET_DIR, PodLayout.REPLICATION_SECRET_DIR),
        env(PodLayout.ENV_RUN_DIR, PodLayout.RUN_DIR),
        env(PodLayout.ENV_PRIMARY_HOST, Names.readWriteService(name)),
        env(PodLayout.ENV_PRIMARY_PORT, spec.postgres().port().toString()),
        env(PodLayout.ENV_REPLICATION_USER, spec.replication().user()),
        env(PodLayout.ENV_SLOT, spec.replication().slot() ? Names.replicationSlot(member.name()) : ""),
        env(PodLayout.ENV_INITDB, Boolean.toString(initdbAllowed)));
  }

  private static EnvVar env(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
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

  private static VolumeMount mount(String volume, String path, boolean readOnly) {
    return new VolumeMountBuilder().withName(volume).withMountPath(path)
        .withReadOnly(readOnly ? Boolean.TRUE : null).build();
  }

  private static List<Volume> volumes(PksReplicaPair pair) {
    String configMap = Names.configMap(pair.getMetadata().getName());
    return List.of(
        new VolumeBuilder().withName(CONFIG_VOLUME).withConfigMap(configMapItems(configMap, 0444,
            PodLayout.POSTGRESQL_CONF, PodLayout.PG_HBA_CONF)).build(),
        new VolumeBuilder().withName(SCRIPTS_VOLUME).withConfigMap(configMapItems(configMap, 0555,
            Scripts.ALL.toArray(String[]::new))).build(),
        secretVolume(SUPERUSER_VOLUME, Names.superuserSecret(pair)),
        secretVolume(REPLICATION_VOLUME, Names.replicationSecret(pair)),
        new VolumeBuilder().withName(RUN_VOLUME).withNewEmptyDir().endEmptyDir().build(),
        new VolumeBuilder().withName(TMP_VOLUME).withNewEmptyDir().endEmptyDir().build());
  }

  private static ConfigMapVolumeSource configMapItems(String configMap, int mode, String... keys) {
    return new ConfigMapVolumeSourceBuilder()
        .withName(configMap)
        .withDefaultMode(mode)
        .withItems(Arrays.stream(keys).map(key -> new KeyToPath(key, null, key)).toList())
        .build();
  }

  /** Readable by the postgres group only (fsGroup), which the container runs in. */
  private static Volume secretVolume(String volume, String secret) {
    return new VolumeBuilder().withName(volume)
        .withNewSecret().withSecretName(secret).withDefaultMode(0440).endSecret()
        .build();
  }

  private static PersistentVolumeClaim dataClaim(PksReplicaPair pair) {
    var storage = pair.getSpec().postgres().storage();
    return new PersistentVolumeClaimBuilder()
        .withNewMetadata().withName(PodLayout.DATA_VOLUME)
          .withLabels(Labels.pair(pair.getMetadata().getName())).endMetadata()
        .withNewSpec()
          .withAccessModes("ReadWriteOnce")
          .withStorageClassName(storage.storageClassName())
          .withNewResources().withRequests(Map.of("storage", new Quantity(storage.size()))).endResources()
        .endSpec()
        .build();
  }

  /** The restricted Pod Security Standard, at pod level. */
  static PodSecurityContext podSecurityContext() {
    return new PodSecurityContextBuilder()
        .withRunAsNonRoot(true)
        .withRunAsUser(PodLayout.POSTGRES_UID)
        .withRunAsGroup(PodLayout.POSTGRES_UID)
        .withFsGroup(PodLayout.POSTGRES_UID)
        .withFsGroupChangePolicy("OnRootMismatch")
        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
        .build();
  }

  /** The restricted Pod Security Standard, at container level. */
  static SecurityContext containerSecurityContext() {
    return new SecurityContextBuilder()
        .withAllowPrivilegeEscalation(false)
        .withPrivileged(false)
        .withReadOnlyRootFilesystem(true)
        .withRunAsNonRoot(true)
        .withCapabilities(new Capabilities(null, List.of("ALL")))
        .build();
  }
}
