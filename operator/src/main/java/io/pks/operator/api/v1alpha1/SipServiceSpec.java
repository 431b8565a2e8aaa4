package io.pks.operator.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Shape of the <pair>-sip Service. */
@ValidationRule(value = SpecRules.CEL_UNIQUE_PORT_NAMES,
    message = "spec.sip.service.ports: port names must be unique")
public record SipServiceSpec(
    @Pattern(SpecRules.SERVICE_TYPE)
    @JsonPropertyDescription("Service type: ClusterIP (default), NodePort or LoadBalancer.")
    String type,
    @JsonPropertyDescription("Service ports; SIP over UDP and TCP on 5060 when absent.")
    @Size(max = SpecRules.MAX_SIP_PORTS)
    List<SipPort> ports) {

  public SipServiceSpec {
    type = type == null ? SpecRules.DEFAULT_SERVICE_TYPE : type;
    ports = ports == null || ports.isEmpty()
        ? List.of(new SipPort("sip-udp", 5060, "UDP"), new SipPort("sip-tcp", 5060, "TCP"))
        : Values.list(ports);
  }

  public static SipServiceSpec defaults() {
    return new SipServiceSpec(null, null);
  }
}
