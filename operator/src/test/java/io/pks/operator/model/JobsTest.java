package io.pks.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.pks.operator.TestPairs;
import io.pks.operator.api.v1alpha1.MemberJobKind;
import io.pks.operator.api.v1alpha1.PksReplicaPair;

class JobsTest {
  private static final PksReplicaPair PAIR = TestPairs.example();

  @Test
  void aJobIsFinishedOnceAConditionCompleteOrFailedIsTrue() {
    assertThat(Jobs.finished(withCondition(null, null))).isFalse();
    assertThat(Jobs.finished(withCondition("Suspended", "True"))).isFalse();
    assertThat(Jobs.finished(withCondition("Complete", "False"))).isFalse();
    assertThat(Jobs.finished(withCondition("Complete", "True"))).isTrue();
    assertThat(Jobs.finished(withCondition("Failed", "True"))).isTrue();
  }

  private static Job withCondition(String type, String status) {
    JobBuilder job = new JobBuilder().withNewMetadata().withName("p-a-initdb").endMetadata();
    return type == null ? job.build()
        : job.withNewStatus().addNewCondition().withType(type).withStatus(status).endCondition().endStatus().build();
  }

  @Test
  void seedJobWritesTheStandbysOwnClaimWithTheReplicationPasswordOnly() {
    var seed = Jobs.seed(PAIR, "site-b", 2);
    assertThat(seed.name()).isEqualTo("pks-site-b-seed-2");
    assertThat(seed.kind()).isEqualTo(MemberJobKind.Seed);
    Job job = Jobs.build(PAIR, seed);
    assertThat(job.getMetadata().getName()).isEqualTo("pks-site-b-seed-2");
    assertThat(job.getMetadata().getNamespace()).isEqualTo("telephony");
    assertThat(job.getMetadata().getLabels()).containsEntry(Labels.PAIR, "pks").containsEntry(Labels.MEMBER, "site-b")
        .containsEntry(Labels.JOB, "seed").containsEntry(Labels.MANAGED_BY, "pks-operator");
    assertThat(job.getSpec().getBackoffLimit()).isEqualTo(Jobs.BACKOFF_LIMIT);
    PodSpec pod = job.getSpec().getTemplate().getSpec();
    assertThat(pod.getRestartPolicy()).isEqualTo("Never");
    assertThat(pod.getContainers().get(0).getCommand())
        .containsExactly("/bin/sh", PodLayout.SCRIPTS_DIR + "/" + Scripts.SEED);
    assertThat(PodTemplates.volume(pod, "data").getPersistentVolumeClaim().getClaimName()).isEqualTo("data-pks-site-b-0");
    assertThat(PodTemplates.mounts(pod)).containsEntry("data", PodLayout.DATA_MOUNT)
        .containsEntry("replication-secret", PodLayout.REPLICATION_SECRET_DIR)
        .doesNotContainKey("superuser-secret").doesNotContainKey("config");
    assertThat(PodTemplates.volume(pod, "replication-secret").getSecret().getSecretName()).isEqualTo("pks-replication");
  }

  /**
   * A rejoin runs the seed's script, as a seed for the seed Service and the network policies, with
   * the superuser's password for pg_rewind's session and the flag to rewind first; every Job says
   * where its report goes.
   */
  @Test
  void aRejoinJobIsASeedThatRewindsFirstWithTheSuperusersPassword() {
    Job job = Jobs.build(PAIR, Jobs.seed(PAIR, "site-a", 3, MemberJobKind.Rejoin));
    assertThat(job.getMetadata().getName()).isEqualTo("pks-site-a-seed-3");
    assertThat(job.getMetadata().getLabels()).containsEntry(Labels.JOB, Labels.SEED_JOB);
    PodSpec pod = job.getSpec().getTemplate().getSpec();
    assertThat(pod.getHostname()).isEqualTo(Names.seedHost("pks", "site-a"));
    Container container = pod.getContainers().get(0);
    assertThat(container.getCommand()).containsExactly("/bin/sh", PodLayout.SCRIPTS_DIR + "/" + Scripts.SEED);
    assertThat(container.getTerminationMessagePath()).isEqualTo(PodLayout.TERMINATION_LOG);
    assertThat(container.getEnv()).contains(new EnvVar(PodLayout.ENV_REWIND, "y", null),
        new EnvVar(PodLayout.ENV_TERMINATION_LOG, PodLayout.TERMINATION_LOG, null));
    assertThat(PodTemplates.mounts(pod)).containsEntry("superuser-secret", PodLayout.SUPERUSER_SECRET_DIR)
        .containsEntry("replication-secret", PodLayout.REPLICATION_SECRET_DIR).doesNotContainKey("config");
    assertThat(Jobs.build(PAIR, Jobs.seed(PAIR, "site-a", 3)).getSpec().getTemplate().getSpec().getContainers().get(0)
        .getEnv()).extracting(EnvVar::getName).doesNotContain(PodLayout.ENV_REWIND);
  }

  /**
   * In a cluster a seed's pg_basebackup comes from its Job pod's address: it must have a DNS name
   * (a host name under a headless Service that selects it) which pg_hba.conf allows.
   */
  @Test
  void aSeedPodHasAHostNameUnderAHeadlessServiceThatPgHbaAllows() {
    PodSpec pod = Jobs.build(PAIR, Jobs.seed(PAIR, "site-b", 3)).getSpec().getTemplate().getSpec();
    Map<String, String> podLabels = Jobs.build(PAIR, Jobs.seed(PAIR, "site-b", 3)).getSpec().getTemplate()
        .getMetadata().getLabels();
    var seedService = new DesiredObjects(PAIR, new ClusterNetwork("cluster.local")).services().stream()
        .filter(service -> service.getMetadata().getName().equals(pod.getSubdomain())).findFirst().orElseThrow();
    assertThat(pod.getHostname()).isEqualTo("pks-site-b-seed");
    assertThat(seedService.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(podLabels).containsAllEntriesOf(seedService.getSpec().getSelector());
    assertThat(PgHbaConf.render(PAIR, new ClusterNetwork("cluster.local")))
        .contains("pks-site-b-seed.pks-seed.telephony.svc.cluster.local");
    assertThat(Jobs.build(PAIR, Jobs.initdb(PAIR, "site-a")).getSpec().getTemplate().getSpec().getHostname())
        .as("initdb connects to no one").isNull();
  }

  /**
   * A seed copies from the primary by the primary member's own headless Service, which publishes
   * its pod before it is Ready: the copy need not wait for the readiness check that -rw needs. A
   * member started later still streams through -rw, which follows the primary.
   */
  @Test
  void aSeedReachesThePrimaryByItsOwnServiceNotByRw() {
    var memberService = new DesiredObjects(PAIR, new ClusterNetwork("cluster.local")).services().stream()
        .filter(service -> service.getMetadata().getName().equals(Names.memberService("pks", "site-a")))
        .findFirst().orElseThrow();
    assertThat(memberService.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(memberService.getSpec().getPublishNotReadyAddresses()).isTrue();
    for (MemberJobKind kind : List.of(MemberJobKind.Seed, MemberJobKind.Rejoin)) {
      PodSpec seed = Jobs.build(PAIR, Jobs.seed(PAIR, "site-b", 1, kind)).getSpec().getTemplate().getSpec();
      assertThat(PodTemplates.env(seed)).as(kind.name()).containsEntry(PodLayout.ENV_PRIMARY_HOST, "pks-site-a");
      assertThat(seed.getContainers().get(0).getEnv()).as(kind.name())
          .filteredOn(env -> env.getName().equals(PodLayout.ENV_PRIMARY_HOST)).hasSize(1);
    }
    PodSpec ofSiteA = Jobs.build(PAIR, Jobs.seed(PAIR, "site-a", 1)).getSpec().getTemplate().getSpec();
    assertThat(PodTemplates.env(ofSiteA)).containsEntry(PodLayout.ENV_PRIMARY_HOST, "pks-site-b");
    PodSpec initdb = Jobs.build(PAIR, Jobs.initdb(PAIR, "site-a")).getSpec().getTemplate().getSpec();
    assertThat(PodTemplates.env(initdb)).containsEntry(PodLayout.ENV_PRIMARY_HOST, "pks-rw");
  }

  @Test
  void initdbJobSeesTheSuperuserPasswordOnly() {
    Job job = Jobs.build(PAIR, Jobs.initdb(PAIR, "site-a"));
    assertThat(job.getMetadata().getName()).isEqualTo("pks-site-a-initdb");
    PodSpec pod = job.getSpec().getTemplate().getSpec();
    assertThat(pod.getContainers().get(0).getCommand())
        .containsExactly("/bin/sh", PodLayout.SCRIPTS_DIR + "/" + Scripts.INITDB);
    assertThat(PodTemplates.volume(pod, "data").getPersistentVolumeClaim().getClaimName()).isEqualTo("data-pks-site-a-0");
    assertThat(PodTemplates.mounts(pod)).containsEntry("superuser-secret", PodLayout.SUPERUSER_SECRET_DIR)
        .doesNotContainKey("replication-secret");
  }

  @Test
  void withARecoveryTheBootstrapJobRestoresAndSeesTheStoreKeysAndTheSuperuserPasswordOnly() {
    PksReplicaPair restoring = TestPairs.restoring("2026-11-30T10:00:00Z");
    Job job = Jobs.build(restoring, Jobs.bootstrap(restoring, "site-a"));
    assertThat(job.getMetadata().getName()).isEqualTo("pks-site-a-restore");
    assertThat(job.getMetadata().getLabels()).containsEntry(Labels.JOB, "restore");
    PodSpec pod = job.getSpec().getTemplate().getSpec();
    assertThat(pod.getContainers().get(0).getCommand())
        .containsExactly("/bin/sh", PodLayout.SCRIPTS_DIR + "/" + Scripts.RESTORE);
    assertThat(PodTemplates.volume(pod, "data").getPersistentVolumeClaim().getClaimName()).isEqualTo("data-pks-site-a-0");
    assertThat(PodTemplates.mounts(pod)).containsEntry("superuser-secret", PodLayout.SUPERUSER_SECRET_DIR)
        .containsEntry("recovery-secret", PodLayout.RECOVERY_SECRET_DIR)
        .containsEntry("recovery-ca", PodLayout.RECOVERY_CA_DIR)
        .containsEntry("config", PodLayout.CONFIG_DIR)
        .doesNotContainKeys("replication-secret", "backup-secret");
    assertThat(PodTemplates.volume(pod, "recovery-secret").getSecret().getSecretName()).isEqualTo("pks-s3-read");
    assertThat(PodTemplates.volume(pod, "recovery-ca").getSecret().getSecretName()).isEqualTo("pks-s3-ca");
    assertThat(PodTemplates.volume(pod, "config").getConfigMap().getItems()).extracting(KeyToPath::getKey)
        .contains("postgresql.conf", "pgbackrest-recovery.conf");
    assertThat(PodTemplates.env(pod)).containsEntry("PKS_RECOVERY_SOURCE", "old-pks")
        .containsEntry("PKS_RECOVERY_SECRET_DIR", PodLayout.RECOVERY_SECRET_DIR)
        .containsEntry("PKS_RECOVERY_CA_DIR", PodLayout.RECOVERY_CA_DIR)
        .containsEntry("PKS_RECOVERY_TARGET_TIME", "2026-11-30T10:00:00Z")
        .doesNotContainKey("PKS_RECOVERY_TARGET_LSN");
    assertThat(ConfigMaps.build(restoring, new ClusterNetwork("cluster.local")).getData().get("pgbackrest-recovery.conf"))
        .contains("repo1-s3-endpoint=s3.example.com", "repo1-path=/telephony/old").doesNotContain("repo1-s3-key");

    assertThat(Jobs.bootstrap(PAIR, "site-a")).isEqualTo(Jobs.initdb(PAIR, "site-a"));
  }

  @Test
  void jobPodsMatchNoMemberSelectorAndRunLikeTheMember() {
    Job job = Jobs.build(PAIR, Jobs.seed(PAIR, "site-b", 1));
    Map<String, String> podLabels = job.getSpec().getTemplate().getMetadata().getLabels();
    assertThat(podLabels).doesNotContainKey(Labels.MEMBER).doesNotContainKey(Labels.ROLE)
        .containsEntry(Labels.JOB_MEMBER, "site-b").containsEntry(Labels.PAIR, "pks");
    PodSpec jobPod = job.getSpec().getTemplate().getSpec();
    PodSpec memberPod = new DesiredObjects(PAIR, new ClusterNetwork("cluster.local"))
        .statefulSet(PAIR.getSpec().member("site-b"), null).getSpec().getTemplate().getSpec();
    assertThat(jobPod.getSecurityContext()).isEqualTo(memberPod.getSecurityContext());
    assertThat(jobPod.getContainers().get(0).getSecurityContext())
        .isEqualTo(memberPod.getContainers().get(0).getSecurityContext());
    // The member's, then the Job's own; the isolation check's settings are the member entrypoint's
    // alone: a Job runs no PostgreSQL to stop. A seed reaches the primary by its own Service.
    assertThat(jobPod.getContainers().get(0).getEnv()).as("the member's, then the Job's own")
        .startsWith(memberPod.getContainers().get(0).getEnv().stream()
            .filter(env -> !List.of(PodLayout.ENV_ISOLATION_STOP_SECONDS, PodLayout.ENV_MONITORING_ROLE).contains(env.getName()))
            .map(env -> env.getName().equals(PodLayout.ENV_PRIMARY_HOST) ? new EnvVar(env.getName(), "pks-site-a", null) : env)
            .toArray(EnvVar[]::new));
    assertThat(jobPod.getContainers().get(0).getImage()).isEqualTo(memberPod.getContainers().get(0).getImage());
    assertThat(jobPod.getNodeSelector()).isEqualTo(memberPod.getNodeSelector());
  }

  @Test
  void withTlsEveryPodThatReplicatesMountsTheCertificateAndNoOtherDoes() {
    PksReplicaPair tls = TestPairs.example(json -> TestPairs.spec(json).with("replication").putObject("tls")
        .put("certificateSecret", "pks-db-tls"));
    PodSpec member = new DesiredObjects(tls, new ClusterNetwork("cluster.local"))
        .statefulSet(tls.getSpec().member("site-b"), null).getSpec().getTemplate().getSpec();
    PodSpec seed = Jobs.build(tls, Jobs.seed(tls, "site-b", 1)).getSpec().getTemplate().getSpec();
    PodSpec initdb = Jobs.build(tls, Jobs.initdb(tls, "site-a")).getSpec().getTemplate().getSpec();
    for (PodSpec pod : List.of(member, seed)) {
      assertThat(PodTemplates.mounts(pod)).containsEntry("tls", PodLayout.TLS_DIR);
      assertThat(PodTemplates.volume(pod, "tls").getSecret().getSecretName()).isEqualTo("pks-db-tls");
      assertThat(PodTemplates.volume(pod, "tls").getSecret().getDefaultMode()).isEqualTo(0440);
      assertThat(pod.getContainers().get(0).getEnv())
          .contains(new EnvVar(PodLayout.ENV_TLS_DIR, PodLayout.TLS_DIR, null));
    }
    assertThat(PodTemplates.mounts(initdb)).doesNotContainKey("tls");
    assertThat(initdb.getContainers().get(0).getEnv()).noneMatch(env -> env.getName().equals(PodLayout.ENV_TLS_DIR));
    PodSpec plain = Jobs.build(PAIR, Jobs.seed(PAIR, "site-b", 1)).getSpec().getTemplate().getSpec();
    assertThat(PodTemplates.mounts(plain)).doesNotContainKey("tls");
    assertThat(plain.getContainers().get(0).getEnv()).noneMatch(env -> env.getName().equals(PodLayout.ENV_TLS_DIR));
  }

  @Test
  void withoutBackupsTheMemberNeverSeesTheSuperuserPassword() {
    PodSpec memberPod = new DesiredObjects(PAIR, new ClusterNetwork("cluster.local"))
        .statefulSet(PAIR.getSpec().member("site-a"), null).getSpec().getTemplate().getSpec();
    assertThat(PodTemplates.mounts(memberPod)).doesNotContainKey("superuser-secret").containsKey("replication-secret");
    assertThat(memberPod.getVolumes()).extracting(Volume::getName).doesNotContain("superuser-secret", "data");
  }

  @Test
  void volumeClaimHasTheNameTheStatefulSetGivesItsPod() {
    var claim = VolumeClaims.build(PAIR, "site-a");
    var template = new DesiredObjects(PAIR, new ClusterNetwork("cluster.local"))
        .statefulSet(PAIR.getSpec().member("site-a"), null).getSpec();
    assertThat(claim.getMetadata().getName()).isEqualTo(
        template.getVolumeClaimTemplates().get(0).getMetadata().getName() + "-" + Names.pod("pks", "site-a"));
    assertThat(claim.getSpec()).isEqualTo(template.getVolumeClaimTemplates().get(0).getSpec());
    assertThat(claim.getMetadata().getLabels()).containsEntry(Labels.MEMBER, "site-a");
  }
}
