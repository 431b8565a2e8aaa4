package io.pks.operator.sandbox;

import java.util.Collection;
import java.util.List;

/**
 * A node's nftables table {@code pks}: kube-proxy's translation of each Service address to the
 * pod behind it (DNAT, so the pod at the other end sees this pod's own address, as pg_hba.conf host
 * names need), a reset for a Service with nothing ready behind it, and the addresses a fault cuts
 * the node from (dropped both ways, as a lost link: the peer sees nothing, not a refusal).
 */
final class NodeRules {
  private NodeRules() {
  }

  /** Service address and port → the pod address behind it (null: no endpoint). */
  record Translation(String serviceIp, int port, String podIp, int podPort) {
  }

  static String table(List<Translation> translations, Collection<String> cutFrom) {
    StringBuilder nat = new StringBuilder();
    StringBuilder filter = new StringBuilder();
    for (Translation translation : translations) {
      String match = "ip daddr " + translation.serviceIp() + " tcp dport " + translation.port();
      if (translation.podIp() == null) {
        filter.append("    ").append(match).append(" reject with tcp reset\n");
      } else {
        nat.append("    ").append(match).append(" dnat to ").append(translation.podIp()).append(':')
            .append(translation.podPort()).append('\n');
      }
    }
    StringBuilder in = new StringBuilder();
    for (String address : cutFrom) {
      filter.append("    ip daddr ").append(address).append(" drop\n");
      in.append("    ip saddr ").append(address).append(" drop\n");
    }
    return "table ip pks {\n"
        + "  chain services {\n    type nat hook output priority -100;\n" + nat + "  }\n"
        + "  chain out {\n    type filter hook output priority 0;\n" + filter + "  }\n"
        + "  chain in {\n    type filter hook input priority 0;\n" + in + "  }\n"
        + "}\n";
  }
}
