package io.pks.operator.api.v1alpha1;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

/** The PostgreSQL server of both members. */
@ValidationRule(value = SpecRules.CEL_NO_OWNED_PARAMETER,
    message = "spec.postgres.parameters: settings owned by the operator cannot be set here")
@ValidationRule(value = SpecRules.CEL_PARAMETER_NAMES,
    message = "spec.postgres.parameters: names must be lowercase PostgreSQL setting names")
@ValidationRule(value = SpecRules.CEL_PARAMETER_VALUES,
    message = "spec.postgres.parameters: values must be single lines of at most 4096 characters")
@ValidationRule(value = SpecRules.CEL_STORAGE_CLASS_IMMUTABLE,
    message = "spec.postgres.storage.storageClassName: is immutable")
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record PostgresSpec(
    @Default(PostgresSpec.DEFAULT_IMAGE)
    @Pattern(SpecRules.IMAGE)
    @JsonPropertyDescription("PostgreSQL container image (Debian-based official image layout).")
    String image,
    @Default("5432")
    @Min(1)
    @Max(65535)
    @JsonPropertyDescription("PostgreSQL port of both members and of the -rw/-ro Services.")
    Integer port,
    @Default("{}")
    @JsonPropertyDescription("Persistent volume of each member.")
    StorageSpec storage,
    @JsonPropertyDescription("CPU and memory of the database container.")
    ResourceRequirements resources,
    @JsonPropertyDescription("Extra postgresql.conf settings, appended after the operator's own."
        + " Settings the operator owns (replication, listening, archiving, authentication) are refused.")
    Map<String, String> parameters,
    @Pattern(SpecRules.DNS_SUBDOMAIN)
    @JsonPropertyDescription("Existing Secret with keys username and password for the superuser;"
        + " generated as <pair>-superuser when absent.")
    String superuserSecret) {

  static final String DEFAULT_IMAGE = "postgres:16";

  public PostgresSpec {
    image = image == null ? DEFAULT_IMAGE : image;
    port = port == null ? 5432 : port;
    storage = storage == null ? StorageSpec.defaults() : storage;
    parameters = Values.map(parameters);
  }

  public static PostgresSpec defaults() {
    return new PostgresSpec(null, null, null, null, null, null);
  }
}
