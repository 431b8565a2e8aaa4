package io.pks.operator.model;

import java.util.LinkedHashMap;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.api.v1alpha1.SipSpec;

/**
 * The pair's Services. Applications write through -rw, which follows the primary by its role
 * label; -ro reaches the standby; each member has a headless Service for its stable DNS name, and
 * the seed Job pods one for theirs; SIP
 * clients reach -sip, which selects the SIP pods of the active site.
 */
public final class Services {
  private Services() {
  }

  /** Headless, and publishing not-ready pods, so a starting standby's name already resolves. */
  public static Service member(PksReplicaPair pair, String member) {
    String name = pair.getMetadata().getName();
    return new ServiceBuilder()
        .withMetadata(ObjectMetas.of(pair, Names.memberService(name, member), Labels.member(name, member)))
        .withNewSpec()
          .withClusterIP("None")
          .withPublishNotReadyAddresses(true)
          .withSelector(Labels.memberSelector(name, member))
          .withPorts(postgresPort(pair))
        .endSpec()
        .build();
  }

  /**
   * Headless, selecting the seed Job pods, which take their member's seed host name under it: the
   * name pg_hba.conf allows replication from while a standby is seeded.
   */
  public static Service seed(PksReplicaPair pair) {
    String name = pair.getMetadata().getName();
    return new ServiceBuilder()
        .withMetadata(ObjectMetas.of(pair, Names.seedService(name), Labels.pair(name)))
        .withNewSpec()
          .withClusterIP("None")
          .withPublishNotReadyAddresses(true)
          .withSelector(Labels.seedSelector(name))
          .withPorts(postgresPort(pair))
        .endSpec()
        .build();
  }

  public static Service readWrite(PksReplicaPair pair) {
    return byRole(pair, Names.readWriteService(pair.getMetadata().getName()), Labels.ROLE_PRIMARY);
  }

  public static Service readOnly(PksReplicaPair pair) {
    return byRole(pair, Names.readOnlyService(pair.getMetadata().getName()), Labels.ROLE_STANDBY);
  }

  private static Service byRole(PksReplicaPair pair, String serviceName, String role) {
    String name = pair.getMetadata().getName();
    return new ServiceBuilder()
        .withMetadata(ObjectMetas.of(pair, serviceName, Labels.pair(name)))
        .withNewSpec()
          .withType("ClusterIP")
          .withSelector(Labels.roleSelector(name, role))
          .withPorts(postgresPort(pair))
        .endSpec()
        .build();
  }

  /** Selects {@code spec.sip.podSelector} plus the site label set to {@code activeSite}. */
  public static Service sip(PksReplicaPair pair, String activeSite) {
    SipSpec sip = pair.getSpec().sip();
    Map<String, String> selector = new LinkedHashMap<>(sip.podSelector());
    selector.put(sip.siteLabel(), activeSite);
    return new ServiceBuilder()
        .withMetadata(ObjectMetas.of(pair, Names.sipService(pair.getMetadata().getName()),
            Labels.pair(pair.getMetadata().getName())))
        .withNewSpec()
          .withType(sip.service().type())
          .withSelector(selector)
          .withPorts(sip.service().ports().stream()
              .map(port -> new ServicePortBuilder()
                  .withName(port.name())
                  .withPort(port.port())
                  .withProtocol(port.protocol())
                  .withNewTargetPort(port.port())
                  .build())
              .toList())
        .endSpec()
        .build();
  }

  private static ServicePort postgresPort(PksReplicaPair pair) {
    int port = pair.getSpec().postgres().port();
    return new ServicePortBuilder()
        .withName("postgres")
        .withPort(port)
        .withProtocol("TCP")
        .withNewTargetPort("postgres")
        .build();
  }
}
