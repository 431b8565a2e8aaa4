package io.pks.operator.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.ConfigMapVolumeSource;
import io.fabric8.kubernetes.api.model.ConfigMapVolumeSourceBuilder;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.pks.operator.api.v1alpha1.Member;
import io.pks.operator.api.v1alpha1.ObjectStore;
import io.pks.operator.api.v1alpha1.RecoverySpec;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.api.v1alpha1.PksReplicaPairSpec;
import io.pks.operator.api.v1alpha1.InheritedMetadata;
import io.pks.operator.api.v1alpha1.PodsSpec;

/**
 * What every pod of a member has in common, whether it runs the member (StatefulSet) or a script
 * on its volume (initdb and seed Jobs): image, environment, restricted security context, placement
 * and volumes. One place, so a Job sees the member's volume and settings exactly as its pod does.
 */
public final class MemberPods {
  private MemberPods() {
  }

  /**
   * A pod spec with one container running {@code script} from the ConfigMap, mounting
   * {@code volumes}. The data volume comes from the StatefulSet's claim template when
   * {@code dataClaim} is null, else from that claim.
   */
  static PodSpecBuilder podSpec(PksReplicaPair pair, Member member, String containerName, String script,
      Set<PodVolume> neededVolumes, String dataClaim) {
    PksReplicaPairSpec spec = pair.getSpec();
    // A pod that replicates (it holds the replication password) does it over TLS when configured.
    Set<PodVolume> volumes = EnumSet.copyOf(neededVolumes);
    if (volumes.contains(PodVolume.REPLICATION_SECRET) && spec.replication().tlsSecret().isPresent()) {
      volumes.add(PodVolume.TLS);
    }
    // A pod that reaches an object store trusts the CA its spec names, when it names one.
    if (volumes.contains(PodVolume.BACKUP_SECRET) && backupStore(spec).caSecret() != null) {
      volumes.add(PodVolume.BACKUP_CA);
    }
    if (volumes.contains(PodVolume.RECOVERY_SECRET) && recovery(spec).objectStore().caSecret() != null) {
      volumes.add(PodVolume.RECOVERY_CA);
    }
    var container = new ContainerBuilder()
        .withName(containerName)
        .withImage(spec.postgres().image())
        .withCommand("/bin/sh", PodLayout.SCRIPTS_DIR + "/" + script)
        .withEnv(env(pair, member, volumes))
        .withResources(spec.postgres().resources())
        .withSecurityContext(containerSecurityContext())
        // A failing script's last line (its reason) becomes the termination message, and so the Job's.
        .withTerminationMessagePolicy("FallbackToLogsOnError");
    ordered(volumes).forEach(volume -> container.addToVolumeMounts(new VolumeMountBuilder()
        .withName(volume.volumeName()).withMountPath(volume.path())
        .withReadOnly(volume.readOnly() ? Boolean.TRUE : null).build()));
    List<Volume> podVolumes = new ArrayList<>();
    for (PodVolume volume : ordered(volumes)) {
      if (volume != PodVolume.DATA || dataClaim != null) {
        podVolumes.add(source(pair, volume, dataClaim));
      }
    }
    PodsSpec pods = spec.pods();
    return new PodSpecBuilder()
        .withAutomountServiceAccountToken(false)
        .withEnableServiceLinks(false)
        .withImagePullSecrets(pods.imagePullSecrets().isEmpty() ? null
            : pods.imagePullSecrets().stream().map(LocalObjectReference::new).toList())
        .withPriorityClassName(pods.priorityClassName())
        .withSecurityContext(podSecurityContext(pods))
        .withNodeSelector(member.nodeSelector().isEmpty() ? null : member.nodeSelector())
        .withTolerations(member.tolerations().isEmpty() ? null : member.tolerations())
        .withAffinity(member.affinity())
        .withContainers(container.build())
        .withVolumes(podVolumes);
  }

  /**
   * Metadata of a pod (or Job) of the pair: the pair's inherited labels and annotations, then
   * {@code labels} and {@code annotations} of the operator's own, which win (they select the pods).
   */
  static ObjectMeta podMetadata(PksReplicaPair pair, Map<String, String> labels, Map<String, String> annotations) {
    InheritedMetadata inherited = pair.getSpec().pods().inheritedMetadata();
    return new ObjectMetaBuilder()
        .withLabels(merged(inherited.labels(), labels))
        .withAnnotations(merged(inherited.annotations(), annotations))
        .build();
  }

  private static Map<String, String> merged(Map<String, String> inherited, Map<String, String> own) {
    // Mutable: the dependents add their own annotations (such as the Jobs' spec hash) later.
    Map<String, String> merged = new TreeMap<>(inherited);
    merged.putAll(own);
    return merged;
  }

  private static List<PodVolume> ordered(Set<PodVolume> volumes) {
    return EnumSet.copyOf(volumes).stream().toList();
  }

  /**
   * Paths, names and ports only: passwords and the object store's keys reach the pod as files from
   * Secret volumes. Each optional variable comes with the volume it points into.
   */
  private static List<EnvVar> env(PksReplicaPair pair, Member member, Set<PodVolume> volumes) {
    String name = pair.getMetadata().getName();
    PksReplicaPairSpec spec = pair.getSpec();
    List<EnvVar> env = new ArrayList<>(List.of(
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
        env(PodLayout.ENV_SLOT, spec.replication().slot() ? Names.replicationSlot(member.name()) : "")));
    if (volumes.contains(PodVolume.TLS)) {
      env.add(env(PodLayout.ENV_TLS_DIR, PodLayout.TLS_DIR));
    }
    if (volumes.contains(PodVolume.BACKUP_SECRET)) {
      // The pair's pgBackRest stanza is the pair's name: unique in the namespace, kept by a re-created pair.
      env.add(env(PodLayout.ENV_STANZA, name));
      env.add(env(PodLayout.ENV_BACKUP_SECRET_DIR, PodLayout.BACKUP_SECRET_DIR));
      env.add(env(PodLayout.ENV_SCRIPTS_DIR, PodLayout.SCRIPTS_DIR));
    }
    if (volumes.contains(PodVolume.BACKUP_CA)) {
      env.add(env(PodLayout.ENV_BACKUP_CA_DIR, PodLayout.BACKUP_CA_DIR));
    }
    if (volumes.contains(PodVolume.BACKUP_TLS)) {
      env.add(env(PodLayout.ENV_BACKUP_TLS_DIR, PodLayout.BACKUP_TLS_DIR));
    }
    if (volumes.contains(PodVolume.RECOVERY_SECRET)) {
      RecoverySpec recovery = recovery(spec);
      env.add(env(PodLayout.ENV_RECOVERY_SOURCE, recovery.sourceOr(name)));
      env.add(env(PodLayout.ENV_RECOVERY_SECRET_DIR, PodLayout.RECOVERY_SECRET_DIR));
      if (recovery.targetTime() != null) {
        env.add(env(PodLayout.ENV_RECOVERY_TARGET_TIME, recovery.targetTime()));
      }
      if (recovery.targetLSN() != null) {
        env.add(env(PodLayout.ENV_RECOVERY_TARGET_LSN, recovery.targetLSN()));
      }
    }
    if (volumes.contains(PodVolume.RECOVERY_CA)) {
      env.add(env(PodLayout.ENV_RECOVERY_CA_DIR, PodLayout.RECOVERY_CA_DIR));
    }
    return env;
  }

  static EnvVar env(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }

  private static Volume source(PksReplicaPair pair, PodVolume volume, String dataClaim) {
    String configMap = Names.configMap(pair.getMetadata().getName());
    VolumeBuilder builder = new VolumeBuilder().withName(volume.volumeName());
    return switch (volume) {
      case DATA -> builder.withNewPersistentVolumeClaim().withClaimName(dataClaim).endPersistentVolumeClaim()
          .build();
      case CONFIG -> builder.withConfigMap(configMapItems(configMap, 0444, configFiles(pair.getSpec()))).build();
      case SCRIPTS -> builder.withConfigMap(configMapItems(Names.scriptsConfigMap(), 0555,
          Scripts.ALL.toArray(String[]::new))).build();
      case SUPERUSER_SECRET -> secret(builder, Names.superuserSecret(pair));
      case REPLICATION_SECRET -> secret(builder, Names.replicationSecret(pair));
      case TLS -> secret(builder, pair.getSpec().replication().tlsSecret().orElseThrow());
      case BACKUP_SECRET -> secret(builder, backupStore(pair.getSpec()).credentialsSecret());
      case BACKUP_CA -> secret(builder, backupStore(pair.getSpec()).caSecret());
      case BACKUP_TLS -> secret(builder, Names.backupTlsSecret(pair.getMetadata().getName()));
      case RECOVERY_SECRET -> secret(builder, recovery(pair.getSpec()).objectStore().credentialsSecret());
      case RECOVERY_CA -> secret(builder, recovery(pair.getSpec()).objectStore().caSecret());
      case RUN, TMP -> builder.withNewEmptyDir().endEmptyDir().build();
    };
  }

  /** The ConfigMap's configuration files: pgBackRest's repositories only when the spec has them. */
  private static String[] configFiles(PksReplicaPairSpec spec) {
    List<String> files = new ArrayList<>(List.of(PodLayout.POSTGRESQL_CONF, PodLayout.PG_HBA_CONF,
        PodLayout.PG_IDENT_CONF, MemberMetrics.QUERIES_FILE));
    spec.backups().ifPresent(backup -> files.add(PodLayout.PGBACKREST_CONF));
    spec.recovery().ifPresent(recovery -> files.add(PodLayout.PGBACKREST_RECOVERY_CONF));
    return files.toArray(String[]::new);
  }

  private static ObjectStore backupStore(PksReplicaPairSpec spec) {
    return spec.backups().orElseThrow().objectStore();
  }

  private static RecoverySpec recovery(PksReplicaPairSpec spec) {
    return spec.recovery().orElseThrow();
  }

  private static ConfigMapVolumeSource configMapItems(String configMap, int mode, String... keys) {
    return new ConfigMapVolumeSourceBuilder()
        .withName(configMap)
        .withDefaultMode(mode)
        .withItems(Arrays.stream(keys).map(key -> new KeyToPath(key, null, key)).toList())
        .build();
  }

  /**
   * Readable by the postgres group only (fsGroup), which the container runs in. Files owned by
   * root and not writable by the group: PostgreSQL accepts such a private key.
   */
  private static Volume secret(VolumeBuilder builder, String secret) {
    return builder.withNewSecret().withSecretName(secret).withDefaultMode(0440).endSecret().build();
  }

  /**
   * The restricted Pod Security Standard, at pod level: as the image's postgres user, or, when the
   * platform assigns the user, group and fsGroup (OpenShift's restricted SCC refuses a UID outside
   * the namespace's range), with none named.
   */
  static PodSecurityContext podSecurityContext(PodsSpec pods) {
    PodSecurityContextBuilder context = new PodSecurityContextBuilder()
        .withRunAsNonRoot(true)
        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile();
    if (!pods.platformAssignsUser()) {
      context.withRunAsUser(PodLayout.POSTGRES_UID)
          .withRunAsGroup(PodLayout.POSTGRES_UID)
          .withFsGroup(PodLayout.POSTGRES_UID)
          .withFsGroupChangePolicy("OnRootMismatch");
    }
    return context.build();
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
