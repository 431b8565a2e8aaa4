package io.pks.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/**
 * Continuous WAL archiving and base backups with pgBackRest. When present the members run the
 * member image (postgres plus pgbackrest) and archive every WAL segment of whichever is primary.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BackupSpec(
    @Required
    @JsonPropertyDescription("The object store the backups and the WAL archive go to.")
    ObjectStore objectStore,
    @Pattern(SpecRules.CRON)
    @JsonPropertyDescription("When base backups are taken: a cron expression of five fields"
        + " (minute hour day-of-month month day-of-week), in UTC. No scheduled backups when absent.")
    String schedule,
    @Pattern(SpecRules.RETENTION)
    @JsonPropertyDescription("How long base backups are kept, in days, e.g. 7d; older backups go,"
        + " with the WAL only they need. Backups are kept forever when absent.")
    String retention) {

  /** The number of days in {@code retention}, which the validator has checked. */
  public int retentionDays() {
    return Integer.parseInt(retention.substring(0, retention.length() - 1));
  }
}
