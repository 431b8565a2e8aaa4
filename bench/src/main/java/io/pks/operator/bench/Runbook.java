package io.pks.operator.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.pks.operator.model.Secrets;
import io.pks.operator.sandbox.SandboxPorts;
import io.pks.operator.sandbox.ScriptLauncher;

/**
 * The runbook done by hand: {@code bench/runbook.sh}, each run in a new folder under the temporary
 * folder with the servers on two loopback ports, stopped and removed afterwards.
 */
final class Runbook implements AutoCloseable {
  private static final Path SCRIPT = Path.of("bench", "runbook.sh");

  private final Path base = Path.of(System.getProperty("java.io.tmpdir"), "pks-bench-runbook");
  private final SandboxPorts ports = new SandboxPorts();
  private final String replicationPassword = Secrets.PasswordSource.RANDOM.next();
  private Path template;

  Runbook() throws IOException {
    remove(base);
    Files.createDirectories(base);
  }

  /** Deploys the primary site (initdb) and runs the runbook: the time of both. */
  Duration empty(int run) throws IOException {
    Path dir = folder("empty-" + run);
    long start = System.nanoTime();
    script(dir, "deploy", Map.of());
    script(dir, "replicate", Map.of());
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    stopAndRemove(dir);
    return took;
  }

  /** Deploys a primary holding {@code pgbench -i -s scale}, kept stopped as the data runs' starting point. */
  void prepareData(int scale) throws IOException {
    Path dir = folder("template");
    script(dir, "deploy", Map.of("PGBENCH_SCALE", Integer.toString(scale)));
    template = dir.resolve("primary");
  }

  /** The runbook on a copy of the prepared primary: its time, the copy excluded. */
  Duration withData(int run) throws IOException {
    Path dir = folder("data-" + run);
    Commands.run(List.of("cp", "-a", template.toString(), dir.resolve("primary").toString()),
        Map.of("PATH", Commands.path()), dir.resolve("copy.log"));
    long start = System.nanoTime();
    script(dir, "replicate", Map.of());
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    stopAndRemove(dir);
    return took;
  }

  /** Removes everything, the prepared primary included. */
  @Override
  public void close() throws IOException {
    remove(base);
  }

  private Path folder(String name) throws IOException {
    Path dir = Files.createDirectories(base.resolve(name));
    Files.copy(SCRIPT, dir.resolve("runbook.sh"));
    Files.writeString(dir.resolve("superuser-password"), Secrets.PasswordSource.RANDOM.next());
    // The script and the servers run as postgres when this runs as root.
    ScriptLauncher.own(base);
    return dir;
  }

  private void script(Path dir, String command, Map<String, String> extra) throws IOException {
    Map<String, String> environment = new HashMap<>(Map.of(
        "RUNBOOK_DIR", dir.toString(),
        "PRIMARY_PORT", Integer.toString(ports.member("runbook", "hand", "primary")),
        "STANDBY_PORT", Integer.toString(ports.member("runbook", "hand", "standby")),
        "REPLICATION_PASSWORD", replicationPassword,
        "PATH", Commands.path()));
    environment.putAll(extra);
    Commands.run(List.of("/bin/sh", dir.resolve("runbook.sh").toString(), command), environment,
        dir.resolve(command + ".log"));
  }

  private void stopAndRemove(Path dir) throws IOException {
    script(dir, "stop", Map.of());
    remove(dir);
  }

  /** rm -rf, checked. */
  private static void remove(Path dir) throws IOException {
    int status = new ProcessBuilder("rm", "-rf", dir.toString()).inheritIO().start().onExit().join().exitValue();
    if (status != 0) {
      throw new IOException("rm -rf " + dir + " exited " + status);
    }
  }
}
