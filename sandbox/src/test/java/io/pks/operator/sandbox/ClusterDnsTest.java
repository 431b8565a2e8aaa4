package io.pks.operator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;

class ClusterDnsTest {
  private static final Service HEADLESS = new ServiceBuilder().withNewMetadata().withName("pks-site-a")
      .withNamespace("telephony").endMetadata().withNewSpec().withClusterIP("None").withPublishNotReadyAddresses(true)
      .withSelector(Map.of("member", "site-a")).endSpec().build();
  private static final Service READ_WRITE = new ServiceBuilder().withNewMetadata().withName("pks-rw")
      .withNamespace("telephony").endMetadata().withNewSpec().withSelector(Map.of("role", "primary")).endSpec().build();

  private static Pod pod(String name, String hostname, String subdomain, String ip, Map<String, String> labels) {
    return new PodBuilder().withNewMetadata().withName(name).withNamespace("telephony").withLabels(labels).endMetadata()
        .withNewSpec().withHostname(hostname).withSubdomain(subdomain).endSpec()
        .withNewStatus().withPodIP(ip).endStatus().build();
  }

  @Test
  void aHeadlessServicesPodIsNamedForwardAndReverseBeforeTheServicesOwnName() {
    Pod member = pod("pks-site-a-0", "pks-site-a-0", "pks-site-a", "10.244.1.7", Map.of("member", "site-a"));
    List<ClusterDns.Record> records = ClusterDns.records(List.of(HEADLESS, READ_WRITE), List.of(member),
        service -> "10.244.1.200");
    String hosts = ClusterDns.hosts(records, "telephony");
    assertThat(hosts.lines()).containsExactly(
        "10.244.1.7 pks-site-a-0.pks-site-a.telephony.svc.cluster.local pks-site-a-0.pks-site-a.telephony.svc"
            + " pks-site-a-0.pks-site-a.telephony pks-site-a-0.pks-site-a",
        "10.244.1.7 pks-site-a.telephony.svc.cluster.local pks-site-a.telephony.svc pks-site-a.telephony pks-site-a",
        "10.244.1.200 pks-rw.telephony.svc.cluster.local pks-rw.telephony.svc pks-rw.telephony pks-rw");
    assertThat(ClusterDns.hosts(records, "other").lines()).allMatch(line -> !line.endsWith(" pks-rw"));
    assertThat(ClusterDns.hosts(records, null)).contains("10.244.1.200 pks-rw.telephony.svc.cluster.local\n");
  }

  @Test
  void aPodWithoutAnAddressOrNotUnderTheServiceHasNoNameOfItsOwn() {
    Pod starting = pod("pks-site-a-0", "pks-site-a-0", "pks-site-a", null, Map.of("member", "site-a"));
    Pod otherSubdomain = pod("job", "pks-site-a-seed", "pks-seed", "10.244.1.9", Map.of("member", "site-a"));
    List<ClusterDns.Record> records = ClusterDns.records(List.of(HEADLESS), List.of(starting, otherSubdomain),
        service -> null);
    assertThat(records).containsExactly(new ClusterDns.Record("10.244.1.9", "telephony", "pks-site-a"));
  }
}
