package io.pks.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** What the operator does when it loses the primary. */
public record FailoverSpec(
    @Default("Manual")
    @JsonPropertyDescription("Manual: report the loss and wait for a human to change spec.primary."
        + " Automatic: fence the lost primary and promote the standby.")
    FailoverMode mode,
    @Default(SpecRules.DEFAULT_PRIMARY_UNAVAILABLE_SECONDS_TEXT)
    @Min(SpecRules.MIN_UNAVAILABLE_SECONDS)
    @Max(SpecRules.MAX_UNAVAILABLE_SECONDS)
    @JsonPropertyDescription("Seconds without a successful probe of the primary before it counts as"
        + " lost. The operator probes at its probe interval (1 s by default, the run flag --probe-interval).")
    Integer primaryUnavailableSeconds,
    @Default(SpecRules.DEFAULT_STANDBY_UNAVAILABLE_SECONDS_TEXT)
    @Min(SpecRules.MIN_UNAVAILABLE_SECONDS)
    @Max(SpecRules.MAX_UNAVAILABLE_SECONDS)
    @JsonPropertyDescription("With replication.synchronous Preferred: seconds without a streaming standby"
        + " before the primary stops waiting for it (synchronous_standby_names cleared; restored once the"
        + " standby streams again). Required never stops waiting.")
    Integer standbyUnavailableSeconds,
    @Default(SpecRules.DEFAULT_CRASH_RECOVERY_SECONDS_TEXT)
    @Min(SpecRules.MIN_CRASH_RECOVERY_SECONDS)
    @Max(SpecRules.MAX_CRASH_RECOVERY_SECONDS)
    @JsonPropertyDescription("Seconds a primary that answers 'starting up' (SQLSTATE 57P03: crash recovery"
        + " replaying WAL, or a restart) may take before it counts as lost, counted like"
        + " primaryUnavailableSeconds from its last answer as primary; the larger of the two applies.")
    Integer crashRecoverySeconds,
    @Default(SpecRules.DEFAULT_ISOLATION_STOP_SECONDS_TEXT)
    @Min(SpecRules.MIN_ISOLATION_STOP_SECONDS)
    @Max(SpecRules.MAX_ISOLATION_STOP_SECONDS)
    @JsonPropertyDescription("Seconds a primary may reach neither its streaming standby nor the Kubernetes API"
        + " server before it stops its own PostgreSQL (fast shutdown), so that an isolated primary acknowledges"
        + " no commit. It starts again once the API server answers. A failover whose old primary's pod is"
        + " not confirmed gone promotes only after this plus a margin has passed without news of it.")
    Integer isolationStopSeconds,
    @Default("false")
    @JsonPropertyDescription("Allow promoting a standby that was not last seen in sync: committed"
        + " transactions it lacks are lost.")
    Boolean allowDataLoss) {

  public FailoverSpec {
    mode = mode == null ? FailoverMode.Manual : mode;
    primaryUnavailableSeconds = primaryUnavailableSeconds == null ? SpecRules.DEFAULT_PRIMARY_UNAVAILABLE_SECONDS : primaryUnavailableSeconds;
    standbyUnavailableSeconds = standbyUnavailableSeconds == null ? SpecRules.DEFAULT_STANDBY_UNAVAILABLE_SECONDS : standbyUnavailableSeconds;
    crashRecoverySeconds = crashRecoverySeconds == null ? SpecRules.DEFAULT_CRASH_RECOVERY_SECONDS : crashRecoverySeconds;
    isolationStopSeconds = isolationStopSeconds == null ? SpecRules.DEFAULT_ISOLATION_STOP_SECONDS : isolationStopSeconds;
    allowDataLoss = allowDataLoss == null ? Boolean.FALSE : allowDataLoss;
  }

  public static FailoverSpec defaults() {
    return new FailoverSpec(null, null, null, null, null, null);
  }
}
