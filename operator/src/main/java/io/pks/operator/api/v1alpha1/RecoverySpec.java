package io.pks.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * A new pair's first data restored from a backup, replayed to a point in time, in place of initdb.
 * At most one target; the latest archived WAL when neither is given.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = SpecRules.CEL_ONE_RECOVERY_TARGET,
    message = "spec.bootstrap.recovery: give targetTime or targetLSN, not both")
public record RecoverySpec(
    @Required
    @JsonPropertyDescription("The object store holding the source pair's backups.")
    ObjectStore objectStore,
    @Pattern(SpecRules.DNS_SUBDOMAIN)
    @Size(max = SpecRules.MAX_OBJECT_NAME)
    @JsonPropertyDescription("Name of the pair whose backups are restored (its pgBackRest stanza);"
        + " this pair's own name when absent, as when a pair is re-created under its name.")
    String source,
    @Pattern(SpecRules.RFC3339_TIME)
    @JsonPropertyDescription("Replay up to this instant (RFC 3339, e.g. 2026-11-30T10:00:00Z),"
        + " including the transactions committed at it.")
    String targetTime,
    @Pattern(SpecRules.LSN)
    @JsonPropertyDescription("Replay up to this WAL position, e.g. 0/3000060.")
    String targetLSN) {

  /** The stanza restored from: {@code source}, or the restoring pair's own name. */
  public String sourceOr(String pairName) {
    return source == null ? pairName : source;
  }
}
