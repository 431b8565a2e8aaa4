package io.pks.operator.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.pks.operator.sandbox.SandboxPair;
import io.pks.operator.sandbox.ScriptLauncher;
import io.pks.operator.sandbox.Writer;

/**
 * A peer set up by its script under {@code bench/peers/} (run as postgres when this runs as root),
 * two nodes node1 and node2 with PostgreSQL on ports {@code port + 11} and {@code port + 12},
 * reached as applications reach them: a multi-host URL with {@code targetServerType=primary}.
 * Trust authentication on loopback; each script's output goes to {@code DIR/logs}.
 */
abstract class ScriptedPeer implements HaSystem {
  static final List<String> NODES = List.of("node1", "node2");
  private static final Path SCRIPTS = Path.of("bench", "peers");

  private final String name;
  private final Path script;
  private final Path logs;
  final Path dir;
  final int port;

  ScriptedPeer(String name, String script, Path base, int port) {
    this.name = name;
    this.script = SCRIPTS.resolve(script).toAbsolutePath();
    this.dir = base.resolve(name);
    this.logs = base.resolve("logs");
    this.port = port;
  }

  @Override
  public String name() {
    return name;
  }

  /** A peer runs with its own settings at both windows. */
  @Override
  public boolean runs(Window window) {
    return true;
  }

  /** Runs the peer's script with {@code arguments} after its folder and port; throws unless it exits 0. */
  void script(String... arguments) throws IOException {
    Files.createDirectories(logs);
    ScriptLauncher.own(logs.getParent());
    List<String> argv = new ArrayList<>(List.of("/bin/bash", script.toString(), dir.toString(),
        Integer.toString(port)));
    argv.addAll(List.of(arguments));
    Commands.run(argv, Map.of("PATH", Commands.path(), "HOME", dir.toString()),
        logs.resolve(name() + "-" + arguments[0] + ".log"));
  }

  /** Before a new cluster: nothing else listens on the ports the peer takes, PORT to PORT + 22. */
  void requireFreePorts() {
    for (int taken = port; taken <= port + 22; taken++) {
      if (!SandboxPair.portFree(taken)) {
        throw new IllegalStateException(name() + ": loopback port " + taken + " is in use; choose other ports with"
            + " BENCH_OPTS=-Dbench.peers.port=N (the peers take N to N + 122)");
      }
    }
  }

  int nodePort(String node) {
    return port + 11 + NODES.indexOf(node);
  }

  @Override
  public Writer.Connections primary() {
    String url = "jdbc:postgresql://127.0.0.1:" + nodePort("node1") + ",127.0.0.1:" + nodePort("node2")
        + "/postgres?targetServerType=primary&hostRecheckSeconds=0&user=postgres&connectTimeout=2"
        + "&loginTimeout=2&socketTimeout=120&tcpKeepAlive=true&ApplicationName=bench-writer";
    return () -> DriverManager.getConnection(url);
  }

  /** The node whose port the primary's session reports. */
  @Override
  public String primaryNode() throws SQLException {
    try (Connection connection = primary().open(); Statement statement = connection.createStatement();
        ResultSet server = statement.executeQuery("SELECT inet_server_port()")) {
      server.next();
      int port = server.getInt(1);
      return NODES.stream().filter(node -> nodePort(node) == port).findFirst().orElseThrow();
    }
  }

  @Override
  public String otherNode(String node) {
    return NODES.get(1 - NODES.indexOf(node));
  }

  @Override
  public void loseNode(String node) throws IOException {
    script("kill", node);
  }

  @Override
  public void destroy() throws IOException {
    script("stop");
  }
}
