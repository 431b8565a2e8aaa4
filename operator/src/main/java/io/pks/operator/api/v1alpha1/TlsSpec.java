package io.pks.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** TLS for the replication connections between the members. */
public record TlsSpec(
    @Required
    @Pattern(SpecRules.DNS_SUBDOMAIN)
    @Size(max = SpecRules.MAX_OBJECT_NAME)
    @JsonPropertyDescription("Secret of type kubernetes.io/tls (tls.crt, tls.key, optional ca.crt) in the"
        + " pair's namespace. Both members serve it; replication connections then require TLS, and"
        + " verify the primary's certificate against ca.crt when the Secret has one.")
    String certificateSecret) {
}
