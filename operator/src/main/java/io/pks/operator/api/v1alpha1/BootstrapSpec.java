package io.pks.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** How a new pair gets its first data: initdb when empty, a restore with {@code recovery}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BootstrapSpec(
    @JsonPropertyDescription("Restore the first primary from a backup instead of initdb; read only"
        + " when the pair is created.")
    RecoverySpec recovery) {
}
