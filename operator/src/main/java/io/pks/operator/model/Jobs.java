package io.pks.operator.model;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.pks.operator.api.v1alpha1.Member;
import io.pks.operator.api.v1alpha1.MemberJob;
import io.pks.operator.api.v1alpha1.MemberJobKind;
import io.pks.operator.api.v1alpha1.PksReplicaPair;

/**
 * The Jobs that write a member's data while its StatefulSet is at zero replicas: initdb of the
 * bootstrap primary (or its restore from a backup, with spec.bootstrap.recovery), the seed of a
 * standby (the runbook's pg_basebackup into "repl"), and the rejoin of an old primary (the seed's
 * script, pg_rewind first). They mount the member's own claim, so the copy lands on the volume the
 * member will start from. Each reports how it ended in its termination message.
 */
public final class Jobs {
  private Jobs() {
  }

  /** Whether the Job controller has ended {@code job} (Complete or Failed): it starts no pod again. */
  public static boolean finished(Job job) {
    return job.getStatus() != null && job.getStatus().getConditions() != null
        && job.getStatus().getConditions().stream().anyMatch(condition -> "True".equals(condition.getStatus())
            && ("Complete".equals(condition.getType()) || "Failed".equals(condition.getType())));
  }

  public static final String CONTAINER = "job";
  /** Pod retries inside one Job; after them the lifecycle decides (a new seed, or a human). */
  static final int BACKOFF_LIMIT = 2;

  public static MemberJob initdb(PksReplicaPair pair, String member) {
    return new MemberJob(Names.initdbJob(pair.getMetadata().getName(), member), member, MemberJobKind.Initdb);
  }

  /** The Job giving the bootstrap primary its first data: a restore with spec.bootstrap.recovery, else initdb. */
  public static MemberJob bootstrap(PksReplicaPair pair, String member) {
    String name = pair.getMetadata().getName();
    return pair.getSpec().recovery().isPresent()
        ? new MemberJob(Names.restoreJob(name, member), member, MemberJobKind.Restore)
        : initdb(pair, member);
  }

  public static MemberJob seed(PksReplicaPair pair, String member, int attempt) {
    return seed(pair, member, attempt, MemberJobKind.Seed);
  }

  /** The seed Job {@code attempt} of {@code member}: a copy (Seed), or pg_rewind first (Rejoin). */
  public static MemberJob seed(PksReplicaPair pair, String member, int attempt, MemberJobKind kind) {
    return new MemberJob(Names.seedJob(pair.getMetadata().getName(), member, attempt), member, kind);
  }

  public static Job build(PksReplicaPair pair, MemberJob job) {
    String name = pair.getMetadata().getName();
    Member member = pair.getSpec().member(job.member());
    // A rejoin is a seed for the seed Service and the network policies: the same script and peers.
    String kind = job.kind() == MemberJobKind.Rejoin ? Labels.SEED_JOB : job.kind().name().toLowerCase(Locale.ROOT);
    return new JobBuilder()
        .withMetadata(new ObjectMetaBuilder(MemberPods.podMetadata(pair, Labels.job(name, job.member(), kind), Map.of()))
            .withName(job.name()).withNamespace(pair.getMetadata().getNamespace()).build())
        .withNewSpec()
          .withBackoffLimit(BACKOFF_LIMIT)
          .withNewTemplate()
            .withMetadata(MemberPods.podMetadata(pair, withoutSidecar(Labels.jobPod(name, job.member(), kind)),
                NO_SIDECAR_ANNOTATIONS))
            .withSpec(hostName(MemberPods.podSpec(pair, member, CONTAINER, script(job.kind()), volumes(job.kind()),
                    Names.dataClaim(name, job.member())), name, job)
                .editFirstContainer()
                  .withTerminationMessagePath(PodLayout.TERMINATION_LOG)
                  .editMatchingEnv(env -> env.getName().equals(PodLayout.ENV_PRIMARY_HOST))
                    .withValue(primaryHost(pair, job))
                  .endEnv()
                  .addAllToEnv(env(job.kind()))
                .endContainer()
                .withRestartPolicy("Never")
                .build())
          .endTemplate()
        .endSpec()
        .build();
  }

  /**
   * A service mesh's injected proxy never exits, so a Job's pod with one never completes: Job pods
   * opt out of injection, by Istio's label (and its older annotation) and Linkerd's annotation.
   * The scripts reach only the pair's own members, whose PostgreSQL needs no proxy.
   */
  static final Map<String, String> NO_SIDECAR_LABELS = Map.of("sidecar.istio.io/inject", "false");
  static final Map<String, String> NO_SIDECAR_ANNOTATIONS =
      Map.of("sidecar.istio.io/inject", "false", "linkerd.io/inject", "disabled");

  private static Map<String, String> withoutSidecar(Map<String, String> labels) {
    Map<String, String> all = new TreeMap<>(labels);
    all.putAll(NO_SIDECAR_LABELS);
    return all;
  }

  /**
   * A seed's pod is named in DNS under the seed Service (as a StatefulSet's pod under its headless
   * Service), so the primary can match its replication connection to a pg_hba.conf host name.
   */
  private static PodSpecBuilder hostName(PodSpecBuilder spec, String pair, MemberJob job) {
    return job.kind() == MemberJobKind.Seed || job.kind() == MemberJobKind.Rejoin
        ? spec.withHostname(Names.seedHost(pair, job.member())).withSubdomain(Names.seedService(pair))
        : spec;
  }

  /**
   * A seed (and a rejoin) copies from the primary, its member's peer, by the peer's own headless
   * Service: it publishes the pod before it is Ready, so the copy starts as soon as the primary
   * answers, where -rw waits for the readiness check. The lifecycle seeds only from a peer that
   * answers as primary, and a seed runs only while its member is stopped, so the peer is the only
   * primary there is. Other Jobs keep -rw, which they do not use.
   */
  private static String primaryHost(PksReplicaPair pair, MemberJob job) {
    String name = pair.getMetadata().getName();
    return job.kind() == MemberJobKind.Seed || job.kind() == MemberJobKind.Rejoin
        ? Names.memberService(name, pair.getSpec().peerOf(job.member()))
        : Names.readWriteService(name);
  }

  private static String script(MemberJobKind kind) {
    return switch (kind) {
      case Initdb -> Scripts.INITDB;
      case Restore -> Scripts.RESTORE;
      case Seed, Rejoin -> Scripts.SEED;
    };
  }

  /** The Job's own variables: where its report goes, and for a rejoin, that it rewinds first. */
  private static List<EnvVar> env(MemberJobKind kind) {
    List<EnvVar> env = new ArrayList<>(List.of(MemberPods.env(PodLayout.ENV_TERMINATION_LOG, PodLayout.TERMINATION_LOG)));
    if (kind == MemberJobKind.Rejoin) {
      env.add(MemberPods.env(PodLayout.ENV_REWIND, "y"));
    }
    return env;
  }

  /** Each Job sees only the password its script uses. */
  private static EnumSet<PodVolume> volumes(MemberJobKind kind) {
    return switch (kind) {
      case Initdb -> EnumSet.of(PodVolume.DATA, PodVolume.SCRIPTS, PodVolume.SUPERUSER_SECRET, PodVolume.RUN,
          PodVolume.TMP);
      // The replay runs a private PostgreSQL on the pair's postgresql.conf; the superuser's password
      // is set to this pair's own, since the backup holds the source pair's.
      case Restore -> EnumSet.of(PodVolume.DATA, PodVolume.CONFIG, PodVolume.SCRIPTS, PodVolume.SUPERUSER_SECRET,
          PodVolume.RECOVERY_SECRET, PodVolume.RUN, PodVolume.TMP);
      case Seed -> EnumSet.of(PodVolume.DATA, PodVolume.SCRIPTS, PodVolume.REPLICATION_SECRET, PodVolume.RUN,
          PodVolume.TMP);
      // pg_rewind reads the primary's files through an ordinary session, which the replication role may not open.
      case Rejoin -> EnumSet.of(PodVolume.DATA, PodVolume.SCRIPTS, PodVolume.REPLICATION_SECRET,
          PodVolume.SUPERUSER_SECRET, PodVolume.RUN, PodVolume.TMP);
    };
  }
}
