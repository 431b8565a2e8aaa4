package io.pks.operator.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * Which configuration the members run, as they report it: the rendered postgresql.conf, pg_hba.conf
 * and pg_ident.conf are applied by a reload once each member sees them; what a reload cannot apply
 * waits for a rolling restart.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ConfigurationStatus(
    @JsonPropertyDescription("Hash of the rendered configuration files both members last reported in force"
        + " (their pks.config_hash).")
    String appliedHash,
    @JsonPropertyDescription("When both members were first seen with that configuration in force.")
    String appliedAt,
    @JsonPropertyDescription("Members waiting for a restart: a setting PostgreSQL applies only at start"
        + " (pg_settings.pending_restart), or a pod made from an older template (image, resources, scripts).")
    List<String> pendingRestart,
    @JsonPropertyDescription("The settings PostgreSQL reports as pending_restart, on either member.")
    List<String> pendingRestartSettings) {

  public ConfigurationStatus {
    pendingRestart = Values.list(pendingRestart);
    pendingRestartSettings = Values.list(pendingRestartSettings);
  }
}
