package io.pks.operator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class NodeRulesTest {

  @Test
  void servicesAreTranslatedToTheirPodAndRefusedWithoutOneAndCutAddressesDropBothWays() {
    String table = NodeRules.table(List.of(
        new NodeRules.Translation("10.244.1.200", 5432, "10.244.1.3", 5432),
        new NodeRules.Translation("10.244.1.202", 5432, null, 0)), List.of("10.244.1.1"));
    assertThat(table).contains("ip daddr 10.244.1.200 tcp dport 5432 dnat to 10.244.1.3:5432",
        "ip daddr 10.244.1.202 tcp dport 5432 reject with tcp reset",
        "type filter hook output priority 0;\n    ip daddr 10.244.1.202 tcp dport 5432 reject with tcp reset\n"
            + "    ip daddr 10.244.1.1 drop",
        "type filter hook input priority 0;\n    ip saddr 10.244.1.1 drop");
  }
}
