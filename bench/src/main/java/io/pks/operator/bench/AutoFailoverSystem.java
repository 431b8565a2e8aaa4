package io.pks.operator.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * pg_auto_failover: a monitor and two nodes ({@code bench/peers/pg_auto_failover.sh}), one
 * synchronous standby (replication quorum, the default). The 5 s window: a node unhealthy after
 * 5 s without news (node_considered_unhealthy_timeout) and health checks every second with one
 * retry; the defaults: 20 s, checks every 5 s with 2 retries. Both keep the monitor's
 * primary_demote_timeout (30 s): its wait for a lost primary to have demoted itself before
 * the standby takes writes.
 */
final class AutoFailoverSystem extends ScriptedPeer {
  private static final List<String> FIVE_SECONDS = List.of("node_considered_unhealthy_timeout=5000",
      "health_check_period=1000", "health_check_timeout=1000", "health_check_max_retries=1",
      "health_check_retry_delay=1000");

  AutoFailoverSystem(Path base, int port) {
    super("pg_auto_failover", "pg_auto_failover.sh", base, port);
  }

  /** The monitor: up before the timed creation, as our operator is. */
  @Override
  public void prepare(Window window) throws IOException {
    requireFreePorts();
    List<String> arguments = new ArrayList<>(List.of("start-monitor"));
    if (window == Window.FIVE_SECONDS) {
      arguments.addAll(FIVE_SECONDS);
    }
    script(arguments.toArray(String[]::new));
  }

  @Override
  public void create() throws IOException {
    for (String node : NODES) {
      script("create", node);
    }
  }

  /** Both nodes where the monitor wants them, primary and secondary: the secondary is a failover candidate. */
  @Override
  public boolean standbyEligible() throws SQLException {
    try (Connection monitor = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port
        + "/pg_auto_failover?user=postgres&connectTimeout=2"); Statement statement = monitor.createStatement();
        ResultSet settled = statement.executeQuery("SELECT count(*) FROM pgautofailover.node"
            + " WHERE reportedstate = goalstate AND reportedstate IN ('primary', 'secondary')")) {
      settled.next();
      return settled.getInt(1) == NODES.size();
    }
  }

  @Override
  public void bringBack(String node) throws IOException {
    script("start", node);
  }

  @Override
  public void switchover(String primary, String target) throws IOException {
    script("switchover");
  }
}
