package io.pks.operator.model;

import java.util.EnumSet;
import java.util.Locale;

import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.pks.operator.api.v1alpha1.Member;
import io.pks.operator.api.v1alpha1.MemberJob;
import io.pks.operator.api.v1alpha1.MemberJobKind;
import io.pks.operator.api.v1alpha1.PksReplicaPair;

/**
 * The Jobs that write a member's data while its StatefulSet is at zero replicas: initdb of the
 * bootstrap primary, and the seed of a standby (the runbook's pg_basebackup into "repl"). They
 * mount the member's own claim, so the copy lands on the volume the member will start from.
 */
public final class Jobs {
  private Jobs() {
  }

  public static final String CONTAINER = "job";
  /** Pod retries inside one Job; after them the lifecycle decides (a new seed, or a human). */
  static final int BACKOFF_LIMIT = 2;

  public static MemberJob initdb(PksReplicaPair pair, String member) {
    return new MemberJob(Names.initdbJob(pair.getMetadata().getName(), member), member, MemberJobKind.Initdb);
  }

  public static MemberJob seed(PksReplicaPair pair, String member, int attempt) {
    return new MemberJob(Names.seedJob(pair.getMetadata().getName(), member, attempt), member,
        MemberJobKind.Seed);
  }

  public static Job build(PksReplicaPair pair, MemberJob job) {
    String name = pair.getMetadata().getName();
    Member member = pair.getSpec().member(job.member());
    String kind = job.kind().name().toLowerCase(Locale.ROOT);
    return new JobBuilder()
        .withMetadata(ObjectMetas.of(pair, job.name(), Labels.job(name, job.member(), kind)))
        .withNewSpec()
          .withBackoffLimit(BACKOFF_LIMIT)
          .withNewTemplate()
            .withNewMetadata().withLabels(Labels.jobPod(name, job.member(), kind)).endMetadata()
            .withSpec(hostName(MemberPods.podSpec(pair, member, CONTAINER, script(job.kind()), volumes(job.kind()),
                    Names.dataClaim(name, job.member())), name, job)
                .withRestartPolicy("Never")
                .build())
          .endTemplate()
        .endSpec()
        .build();
  }

  /**
   * A seed's pod is named in DNS under the seed Service (as a StatefulSet's pod under its headless
   * Service), so the primary can match its replication connection to a pg_hba.conf host name.
   */
  private static PodSpecBuilder hostName(PodSpecBuilder spec, String pair, MemberJob job) {
    return job.kind() == MemberJobKind.Seed
        ? spec.withHostname(Names.seedHost(pair, job.member())).withSubdomain(Names.seedService(pair))
        : spec;
  }

  private static String script(MemberJobKind kind) {
    return switch (kind) {
      case Initdb -> Scripts.INITDB;
      case Seed -> Scripts.SEED;
    };
  }

  /** Each Job sees only the password its script uses. */
  private static EnumSet<PodVolume> volumes(MemberJobKind kind) {
    return switch (kind) {
      case Initdb -> EnumSet.of(PodVolume.DATA, PodVolume.SCRIPTS, PodVolume.SUPERUSER_SECRET, PodVolume.RUN,
          PodVolume.TMP);
      case Seed -> EnumSet.of(PodVolume.DATA, PodVolume.SCRIPTS, PodVolume.REPLICATION_SECRET, PodVolume.RUN,
          PodVolume.TMP);
    };
  }
}
