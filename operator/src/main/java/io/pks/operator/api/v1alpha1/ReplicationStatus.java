package io.pks.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * The primary's view of its standby, as last written. Rewritten when something meaningful
 * changes (roles, state, sync state, slot, timeline, or lag crossing a bucket), not on every probe,
 * so the LSNs are those of that moment.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReplicationStatus(
    @JsonPropertyDescription("pg_stat_replication.state of the standby (streaming, catchup, ...);"
        + " \"none\" when no standby is connected, \"unknown\" when the primary cannot be reached.")
    String state,
    @JsonPropertyDescription("pg_stat_replication.sync_state: sync, async, potential.")
    String syncState,
    @JsonPropertyDescription("Last WAL position sent to the standby.")
    String sentLsn,
    @JsonPropertyDescription("Last WAL position replayed by the standby.")
    String replayLsn,
    @JsonPropertyDescription("Bytes of WAL between the primary's position and the standby's replay.")
    Long lagBytes,
    @JsonPropertyDescription("Seconds the standby's replay is behind.")
    Double replayLagSeconds,
    @JsonPropertyDescription("Replication slot kept for the standby.")
    String slot,
    @JsonPropertyDescription("The primary's synchronous_standby_names as the probe read it: the standby its commits"
        + " wait for; empty when they wait for none. The decisions to wait or stop waiting use this value.")
    String synchronousStandbyNames,
    @JsonPropertyDescription("When the probe saw this.")
    String observedAt) {

  /** A status built field by field; unset fields are null (absent from the resource). */
  public static Builder builder() {
    return new Builder()
        ;
  }

  /** A builder holding every field of this status, to change some of them. */
  public Builder toBuilder() {
    return new Builder()
        .state(state).syncState(syncState).sentLsn(sentLsn).replayLsn(replayLsn).lagBytes(lagBytes)
        .replayLagSeconds(replayLagSeconds).slot(slot).synchronousStandbyNames(synchronousStandbyNames)
        .observedAt(observedAt);
  }

  /** Builds a {@link ReplicationStatus}. */
  public static final class Builder {
    private String state;
    private String syncState;
    private String sentLsn;
    private String replayLsn;
    private Long lagBytes;
    private Double replayLagSeconds;
    private String slot;
    private String synchronousStandbyNames;
    private String observedAt;

    private Builder() {
    }

    public Builder state(String state) {
      this.state = state;
      return this;
    }

    public Builder syncState(String syncState) {
      this.syncState = syncState;
      return this;
    }

    public Builder sentLsn(String sentLsn) {
      this.sentLsn = sentLsn;
      return this;
    }

    public Builder replayLsn(String replayLsn) {
      this.replayLsn = replayLsn;
      return this;
    }

    public Builder lagBytes(Long lagBytes) {
      this.lagBytes = lagBytes;
      return this;
    }

    public Builder replayLagSeconds(Double replayLagSeconds) {
      this.replayLagSeconds = replayLagSeconds;
      return this;
    }

    public Builder slot(String slot) {
      this.slot = slot;
      return this;
    }

    public Builder synchronousStandbyNames(String synchronousStandbyNames) {
      this.synchronousStandbyNames = synchronousStandbyNames;
      return this;
    }

    public Builder observedAt(String observedAt) {
      this.observedAt = observedAt;
      return this;
    }

    public ReplicationStatus build() {
      return new ReplicationStatus(state, syncState, sentLsn, replayLsn, lagBytes, replayLagSeconds, slot,
          synchronousStandbyNames, observedAt);
    }
  }
}
