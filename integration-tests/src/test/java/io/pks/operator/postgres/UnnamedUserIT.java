package io.pks.operator.postgres;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.pks.operator.model.Scripts;
import io.pks.operator.sandbox.PostgresBinaries;
import io.pks.operator.sandbox.ScriptLauncher;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * OpenShift's restricted SCC runs a pod as a UID from the namespace's range that the image's
 * /etc/passwd does not name (spec.pods.platformAssignsUser), and initdb refuses a user it cannot
 * look up. The initdb Job's script, run here as such a UID with only a group-writable volume (as
 * an fsGroup gives), initialises the data all the same.
 */
class UnnamedUserIT {
  /** A UID and GID no /etc/passwd names, as OpenShift assigns (its ranges start at 1000000000). */
  private static final String UNNAMED = "1000650000";

  @Test
  void initdbRunsAsAUidWithoutAName(@TempDir Path folder) throws Exception {
    assertThat(ScriptLauncher.runsAsRoot()).as("switching to an unnamed UID takes root, as the tests run in CI").isTrue();
    Path scripts = Files.createDirectories(folder.resolve("scripts"));
    Scripts.texts().forEach((name, text) -> write(scripts.resolve(name), text));
    Path secret = Files.createDirectories(folder.resolve("superuser"));
    write(secret.resolve("username"), "postgres");
    write(secret.resolve("password"), "unnamed-user-test");
    // The volume as an fsGroup leaves it: group-owned by the pod's group, group-writable.
    Path volume = Files.createDirectories(folder.resolve("volume"));
    Path run = Files.createDirectories(folder.resolve("run"));
    for (Path writable : List.of(folder, volume, run)) {
      chown(writable);
    }

    List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=" + UNNAMED, "--regid=" + UNNAMED,
        "--clear-groups", "--", "/usr/bin/env", "-i"));
    Map.of("PATH", PostgresBinaries.bindir() + ":/usr/bin:/bin", "PGDATA", volume.resolve("pgdata").toString(),
        "PKS_SUPERUSER_SECRET_DIR", secret.toString(), "PKS_RUN_DIR", run.toString())
        .forEach((name, value) -> command.add(name + "=" + value));
    command.addAll(List.of("/bin/sh", scripts.resolve(Scripts.INITDB).toString()));
    Process initdb = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(initdb.getInputStream().readAllBytes());
    assertThat(initdb.waitFor(120, TimeUnit.SECONDS)).isTrue();

    assertThat(initdb.exitValue()).as(output).isZero();
    assertThat(volume.resolve("pgdata").resolve("PG_VERSION")).exists();
    assertThat(Files.getAttribute(volume.resolve("pgdata"), "unix:uid")).isEqualTo(Integer.parseInt(UNNAMED));
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void chown(Path path) throws Exception {
    Process chown = new ProcessBuilder("chown", UNNAMED + ":" + UNNAMED, path.toString()).inheritIO().start();
    assertThat(chown.waitFor()).isZero();
  }
}
