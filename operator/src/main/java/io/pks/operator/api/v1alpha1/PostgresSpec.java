package io.pks.operator.api.v1alpha1;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

/** The PostgreSQL server of both members. */
@ValidationRule(value = SpecRules.CEL_NO_OWNED_PARAMETER,
    message = "spec.postgres.parameters: settings owned by the operator cannot be set here")
@ValidationRule(value = SpecRules.CEL_PARAMETER_NAMES,
    message = "spec.postgres.parameters: names must be lowercase PostgreSQL setting names")
@ValidationRule(value = SpecRules.CEL_KNOWN_PARAMETERS,
    message = "spec.postgres.parameters: names must be PostgreSQL settings, or extension settings with a dot")
@ValidationRule(value = SpecRules.CEL_PARAMETER_VALUES,
    message = "spec.postgres.parameters: values must be single lines of at most " + SpecRules.MAX_VALUE_LENGTH
        + " characters")
@ValidationRule(value = SpecRules.CEL_RESOURCES,
    message = "spec.postgres.resources: requests and limits must be resource names; claims are not supported")
@ValidationRule(value = SpecRules.CEL_STORAGE_CLASS_IMMUTABLE,
    message = "spec.postgres.storage.storageClassName: is immutable")
// Only empty collections are left out when written: an empty string must stay one, or a copy made
// through JSON (JOSDK clones each resource) would read it as absent, take the default and accept
// what the resource refuses.
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PostgresSpec(
    @Default(PostgresSpec.DEFAULT_IMAGE)
    @Pattern(SpecRules.IMAGE)
    @JsonPropertyDescription("PostgreSQL container image (Debian-based official image layout).")
    String image,
    @Default(SpecRules.DEFAULT_PORT_TEXT)
    @Min(SpecRules.MIN_PORT)
    @Max(SpecRules.MAX_PORT)
    @JsonPropertyDescription("PostgreSQL port of both members and of the -rw/-ro Services.")
    Integer port,
    @Default("{}")
    @JsonPropertyDescription("Persistent volume of each member.")
    StorageSpec storage,
    @JsonPropertyDescription("CPU and memory of the database container.")
    @SchemaFrom(type = ResourcesSchema.class)
    ResourceRequirements resources,
    @Size(max = SpecRules.MAX_PARAMETERS)
    @JsonPropertyDescription("Extra postgresql.conf settings, appended after the operator's own."
        + " Settings the operator owns (replication, listening, archiving, authentication) and names"
        + " PostgreSQL does not know (it would refuse to start) are refused.")
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    Map<String, @Size(max = SpecRules.MAX_VALUE_LENGTH) String> parameters,
    @Pattern(SpecRules.DNS_SUBDOMAIN)
    @Size(max = SpecRules.MAX_OBJECT_NAME)
    @JsonPropertyDescription("Existing Secret with keys username and password for the superuser;"
        + " generated as <pair>-superuser when absent.")
    String superuserSecret) {

  static final String DEFAULT_IMAGE = "postgres:16";

  public PostgresSpec {
    image = image == null ? DEFAULT_IMAGE : image;
    port = port == null ? SpecRules.DEFAULT_PORT : port;
    storage = storage == null ? StorageSpec.defaults() : storage;
    parameters = Values.map(parameters);
  }

  public static PostgresSpec defaults() {
    return new PostgresSpec(null, null, null, null, null, null);
  }
}
