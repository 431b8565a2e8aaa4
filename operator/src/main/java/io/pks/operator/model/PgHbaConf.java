package io.pks.operator.model;

import java.util.ArrayList;
import java.util.List;

import io.pks.operator.api.v1alpha1.PksReplicaPair;

/**
 * Renders pg_hba.conf and pg_ident.conf: scram-sha-256 only, but for the metrics sidecar's peer login; replication only for the replication role and only from
 * the pair's own members or the configured CIDRs; the replication role cannot open ordinary
 * sessions. The first matching line wins, so the reject lines follow the allowed ones.
 */
public final class PgHbaConf {
  private PgHbaConf() {
  }

  private static final String ROW = "%-7s %-12s %-12s %-48s %s%n";

  public static String render(PksReplicaPair pair, MemberNetwork network) {
    String user = pair.getSpec().replication().user();
    List<String> sources = new ArrayList<>(network.replicationSources(pair));
    sources.addAll(pair.getSpec().replication().allowedCidrs());
    StringBuilder hba = new StringBuilder()
        .append("# pg_hba.conf of PksReplicaPair ").append(pair.ref())
        .append(", rendered by pks-operator. Edits are overwritten.\n")
        .append(String.format(ROW, "# TYPE", "DATABASE", "USER", "ADDRESS", "METHOD"))
        // The metrics sidecar: statistics only, over the pod's own socket (see MemberMetrics).
        .append(String.format(ROW, "local", MemberMetrics.DATABASE, MemberMetrics.MONITORING_ROLE, "",
            "peer map=" + MemberMetrics.IDENT_MAP))
        .append(String.format(ROW, "local", "all", "all", "", "scram-sha-256"));
    // hostssl: with a certificate, replication without TLS falls through to the reject line below.
    String type = pair.getSpec().replication().tlsSecret().isPresent() ? "hostssl" : "host";
    for (String source : sources) {
      hba.append(String.format(ROW, type, "replication", user, source, "scram-sha-256"));
    }
    hba.append(String.format(ROW, "host", "replication", "all", "all", "reject"))
        .append(String.format(ROW, "host", "all", user, "all", "reject"))
        .append(String.format(ROW, "host", "all", "all", "all", "scram-sha-256"));
    return hba.toString();
  }

  /**
   * pg_ident.conf: whichever OS user the pod runs as (999 in a cluster, the sandbox's user
   * locally) may log in as the monitoring role, and as nothing else. Only the pod's containers
   * can open its socket.
   */
  public static String renderIdent(PksReplicaPair pair) {
    return "# pg_ident.conf of PksReplicaPair " + pair.ref() + ", rendered by pks-operator. Edits are overwritten.\n"
        + "# MAPNAME   SYSTEM-USERNAME   PG-USERNAME\n"
        + MemberMetrics.IDENT_MAP + "   /^.*$   " + MemberMetrics.MONITORING_ROLE + "\n";
  }
}
