package io.pks.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/** The persistent volume of each member. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StorageSpec(
    @Default(StorageSpec.DEFAULT_SIZE)
    @Pattern(SpecRules.QUANTITY)
    @JsonPropertyDescription("Size of each member's volume, a Kubernetes quantity such as 10Gi."
        + " The seed's staging copy lives on the same volume, so allow twice the database size.")
    String size,
    @Pattern(SpecRules.DNS_SUBDOMAIN)
    @Size(max = SpecRules.MAX_OBJECT_NAME)
    @JsonPropertyDescription("StorageClass of the volumes; the cluster default when absent. Immutable.")
    String storageClassName) {

  static final String DEFAULT_SIZE = "10Gi";

  public StorageSpec {
    size = size == null ? DEFAULT_SIZE : size;
  }

  public static StorageSpec defaults() {
    return new StorageSpec(null, null);
  }
}
