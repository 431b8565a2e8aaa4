package io.pks.operator.sandbox;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Finds the PostgreSQL server binaries the scripts need: on PATH, then `pg_config --bindir`, then
 * /usr/lib/postgresql/VERSION/bin, newest first. Missing binaries stop the sandbox (and fail a
 * test) at once with the package to install: nothing is ever skipped.
 */
public final class PostgresBinaries {
  private PostgresBinaries() {
  }

  public static final List<String> REQUIRED =
      List.of("initdb", "postgres", "pg_ctl", "pg_basebackup", "pg_verifybackup", "pg_isready");

  private static Path bindir;

  public static synchronized Path bindir() {
    if (bindir == null) {
      bindir = candidates().stream().filter(PostgresBinaries::complete).findFirst()
          .orElseThrow(() -> new IllegalStateException("PostgreSQL server binaries " + REQUIRED
              + " not found on PATH, via `pg_config --bindir` or in /usr/lib/postgresql/*/bin."
              + " Install the Debian package postgresql: apt-get install -y postgresql"));
    }
    return bindir;
  }

  public static Path tool(String name) {
    return bindir().resolve(name);
  }

  private static List<Path> candidates() {
    List<Path> candidates = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      Stream.of(path.split(File.pathSeparator)).filter(dir -> !dir.isEmpty()).map(Path::of)
          .forEach(candidates::add);
    }
    pgConfigBindir().ifPresent(candidates::add);
    Path debian = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(debian)) {
      try (Stream<Path> versions = Files.list(debian)) {
        versions.filter(dir -> dir.getFileName().toString().matches("\\d+(\\.\\d+)?"))
            .sorted(Comparator.comparingDouble(
                (Path dir) -> Double.parseDouble(dir.getFileName().toString())).reversed())
            .map(dir -> dir.resolve("bin"))
            .forEach(candidates::add);
      } catch (IOException e) {
        throw new IllegalStateException("cannot list " + debian, e);
      }
    }
    return candidates;
  }

  private static Optional<Path> pgConfigBindir() {
    try {
      Process process = new ProcessBuilder("pg_config", "--bindir").redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      boolean done = process.waitFor(10, TimeUnit.SECONDS);
      return done && process.exitValue() == 0 ? Optional.of(Path.of(out)) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private static boolean complete(Path dir) {
    return REQUIRED.stream().allMatch(tool -> Files.isExecutable(dir.resolve(tool)));
  }
}
