package io.pks.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** One port of the SIP Service. */
public record SipPort(
    @Required
    @Pattern(SpecRules.DNS_LABEL)
    @Size(max = 15)
    @JsonPropertyDescription("Port name, a DNS label, unique in the Service.")
    String name,
    @Required
    @Min(1)
    @Max(65535)
    @JsonPropertyDescription("Port number, on the Service and on the SIP pods.")
    Integer port,
    @Pattern("^(UDP|TCP|SCTP)$")
    @JsonPropertyDescription("UDP (default), TCP or SCTP.")
    String protocol) {

  public SipPort {
    protocol = protocol == null ? "UDP" : protocol;
  }
}
