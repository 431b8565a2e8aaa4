package io.pks.operator.model;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Service;
import io.pks.operator.TestPairs;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.api.v1alpha1.PksReplicaPairStatus;

import static org.assertj.core.api.Assertions.assertThat;

class ServicesTest {
  private static final PksReplicaPair PAIR = TestPairs.example();

  @Test
  void memberServiceIsHeadlessAndPublishesStartingPods() {
    Service service = Services.member(PAIR, "site-a");
    assertThat(service.getMetadata().getName()).isEqualTo("pks-site-a");
    assertThat(service.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(service.getSpec().getPublishNotReadyAddresses()).isTrue();
    assertThat(service.getSpec().getSelector()).isEqualTo(Map.of("pks.io/pair", "pks", "pks.io/member", "site-a"));
    assertThat(service.getSpec().getPorts()).singleElement()
        .satisfies(port -> assertThat(port.getPort()).isEqualTo(5432));
  }

  @Test
  void readWriteAndReadOnlySelectByRole() {
    Service rw = Services.readWrite(PAIR);
    Service ro = Services.readOnly(PAIR);
    assertThat(rw.getMetadata().getName()).isEqualTo("pks-rw");
    assertThat(rw.getSpec().getSelector()).isEqualTo(Map.of("pks.io/pair", "pks", "pks.io/role", "primary"));
    assertThat(ro.getMetadata().getName()).isEqualTo("pks-ro");
    assertThat(ro.getSpec().getSelector()).isEqualTo(Map.of("pks.io/pair", "pks", "pks.io/role", "standby"));
    assertThat(rw.getSpec().getPorts().get(0).getTargetPort().getStrVal()).isEqualTo("postgres");
  }

  @Test
  void sipSelectsTheSipPodsOfTheActiveSite() {
    Service sip = Services.sip(PAIR, "site-b");
    assertThat(sip.getMetadata().getName()).isEqualTo("pks-sip");
    assertThat(sip.getSpec().getType()).isEqualTo("LoadBalancer");
    assertThat(sip.getSpec().getSelector())
        .isEqualTo(Map.of("app.kubernetes.io/name", "pks-sip", "pks.io/site", "site-b"));
    assertThat(sip.getSpec().getPorts()).extracting(port -> port.getName() + "/" + port.getProtocol() + "/"
        + port.getPort()).containsExactly("sip-udp/UDP/5060", "sip-tcp/TCP/5060");
  }

  @Test
  void sipFollowsTheCurrentPrimaryOrThePinnedSite() {
    assertThat(SipRouting.activeSite(PAIR)).isEqualTo("site-a");
    PksReplicaPair failedOver = TestPairs.example();
    failedOver.setStatus(PksReplicaPairStatus.builder().observedGeneration(1L).currentPrimary("site-b")
        .standby("site-a").activeSip("site-a").build());
    assertThat(SipRouting.activeSite(failedOver)).isEqualTo("site-b");
    PksReplicaPair pinned = TestPairs.example(json -> TestPairs.spec(json).with("sip").put("active", "site-b"));
    assertThat(SipRouting.activeSite(pinned)).isEqualTo("site-b");
  }

  @Test
  void desiredServicesAreTheSixOfThePair() {
    List<Service> services = new DesiredObjects(PAIR, new ClusterNetwork("cluster.local")).services();
    assertThat(services).extracting(service -> service.getMetadata().getName())
        .containsExactly("pks-site-a", "pks-site-b", "pks-seed", "pks-rw", "pks-ro", "pks-sip");
  }
}
