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
    @Size(max = SpecRules.MAX_PORT_NAME)
    @JsonPropertyDescription("Port name, a DNS label, unique in the Service.")
    String name,
    @Required
    @Min(SpecRules.MIN_PORT)
    @Max(SpecRules.MAX_PORT)
    @JsonPropertyDescription("Port number, on the Service and on the SIP pods.")
    Integer port,
    @Pattern(SpecRules.PROTOCOL)
    @JsonPropertyDescription("UDP (default), TCP or SCTP.")
    String protocol) {

  public SipPort {
    protocol = protocol == null ? SpecRules.DEFAULT_PROTOCOL : protocol;
  }
}
