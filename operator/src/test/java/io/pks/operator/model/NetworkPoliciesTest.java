package io.pks.operator.model;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.pks.operator.Operators;
import io.pks.operator.TestPairs;
import io.pks.operator.api.v1alpha1.PksReplicaPair;

import static org.assertj.core.api.Assertions.assertThat;

class NetworkPoliciesTest {

  /** The example with spec.networkPolicy set to {@code policy}, in JSON. */
  private static PksReplicaPair pair(String policy) {
    JsonNode json = Operators.serialization().unmarshal(policy, JsonNode.class);
    return TestPairs.example(resource -> TestPairs.spec(resource).set("networkPolicy", json));
  }

  private static List<HasMetadata> all(PksReplicaPair pair) {
    return new DesiredObjects(pair, new ClusterNetwork(ClusterNetwork.DEFAULT_CLUSTER_DOMAIN))
        .all(Secrets.PasswordSource.NONE);
  }

  private static NetworkPolicy policy(PksReplicaPair pair) {
    return all(pair).stream().filter(NetworkPolicy.class::isInstance).map(NetworkPolicy.class::cast)
        .findFirst().orElseThrow();
  }

  private static LabelSelector labels(Map<String, String> labels) {
    return new LabelSelector(List.of(), labels);
  }

  @Test
  void offByDefault() {
    assertThat(all(TestPairs.example())).noneMatch(NetworkPolicy.class::isInstance);
    assertThat(all(pair("{\"enabled\": false, \"applicationSelector\": {\"app\": \"x\"}}")))
        .noneMatch(NetworkPolicy.class::isInstance);
  }

  @Test
  void nameNamespaceAndLabels() {
    NetworkPolicy policy = policy(pair("{\"enabled\": true}"));
    assertThat(policy.getMetadata().getName()).isEqualTo("pks-postgres");
    assertThat(policy.getMetadata().getNamespace()).isEqualTo("telephony");
    assertThat(policy.getMetadata().getLabels()).isEqualTo(Labels.pair("pks"));
  }

  @Test
  void appliesToTheMembersOnlyAndToIngressOnly() {
    NetworkPolicy policy = policy(pair("{\"enabled\": true}"));
    assertThat(policy.getSpec().getPodSelector().getMatchLabels()).isEqualTo(Map.of("pks.io/pair", "pks"));
    assertThat(policy.getSpec().getPodSelector().getMatchExpressions())
        .containsExactly(new LabelSelectorRequirement("pks.io/member", "Exists", List.of()));
    assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
    assertThat(policy.getSpec().getEgress()).isEmpty();
  }

  @Test
  void admitsThePostgresPortOnly() {
    var ingress = policy(pair("{\"enabled\": true}")).getSpec().getIngress();
    assertThat(ingress).singleElement().satisfies(rule -> assertThat(rule.getPorts()).singleElement()
        .satisfies(port -> {
          assertThat(port.getPort()).isEqualTo(new IntOrString(5432));
          assertThat(port.getProtocol()).isEqualTo("TCP");
          assertThat(port.getEndPort()).isNull();
        }));
    PksReplicaPair otherPort = TestPairs.example(json -> {
      TestPairs.spec(json).with("postgres").put("port", 6432);
      TestPairs.spec(json).putObject("networkPolicy").put("enabled", true);
    });
    assertThat(policy(otherPort).getSpec().getIngress().get(0).getPorts().get(0).getPort())
        .isEqualTo(new IntOrString(6432));
  }

  @Test
  void admitsThePairTheOperatorInAnyNamespaceByDefault() {
    List<NetworkPolicyPeer> from = policy(pair("{\"enabled\": true}")).getSpec().getIngress().get(0).getFrom();
    assertThat(from).containsExactly(
        new NetworkPolicyPeer(null, null, labels(Map.of("pks.io/pair", "pks"))),
        new NetworkPolicyPeer(null, new LabelSelector(), labels(Map.of("app.kubernetes.io/name", "pks-operator"))));
  }

  @Test
  void admitsTheOperatorOfItsNamespaceAndTheApplications() {
    List<NetworkPolicyPeer> from = policy(pair("{\"enabled\": true, \"operatorNamespace\": \"pks-system\","
        + " \"operatorSelector\": {\"app\": \"op\"}, \"applicationSelector\": {\"app\": \"sbc\", \"tier\": \"db-client\"}}"))
        .getSpec().getIngress().get(0).getFrom();
    assertThat(from).containsExactly(
        new NetworkPolicyPeer(null, null, labels(Map.of("pks.io/pair", "pks"))),
        new NetworkPolicyPeer(null, labels(Map.of("kubernetes.io/metadata.name", "pks-system")),
            labels(Map.of("app", "op"))),
        new NetworkPolicyPeer(null, null, labels(Map.of("app", "sbc", "tier", "db-client"))));
  }

  @Test
  void withBackupsAdmitsTheBackupServersPortFromTheMembersOnly() {
    PksReplicaPair backups = TestPairs.withBackup(false,
        json -> TestPairs.spec(json).putObject("networkPolicy").put("enabled", true));
    var ingress = policy(backups).getSpec().getIngress();
    assertThat(ingress).hasSize(2);
    assertThat(ingress.get(1).getPorts()).singleElement().satisfies(port -> {
      assertThat(port.getPort()).isEqualTo(new IntOrString(8432));
      assertThat(port.getProtocol()).isEqualTo("TCP");
    });
    assertThat(ingress.get(1).getFrom()).singleElement().satisfies(peer -> {
      assertThat(peer.getNamespaceSelector()).as("this namespace only").isNull();
      assertThat(peer.getPodSelector().getMatchLabels()).isEqualTo(Map.of("pks.io/pair", "pks"));
      assertThat(peer.getPodSelector().getMatchExpressions())
          .containsExactly(new LabelSelectorRequirement("pks.io/member", "Exists", List.of()));
    });
  }
}
