package io.pks.operator.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs the operator's scripts with exactly the given environment, as the user PostgreSQL accepts:
 * initdb and postgres refuse root, so a root run (CI, the sandbox started by root) runs them as
 * the OS user postgres through runuser, on folders handed to that user; anyone else runs them as
 * themselves.
 */
public final class ScriptLauncher {
  private ScriptLauncher() {
  }

  public static final String POSTGRES_OS_USER = "postgres";
  private static final boolean ROOT = isRoot();

  /** Whether this JVM runs as root (then scripts run as {@value #POSTGRES_OS_USER}). */
  public static boolean runsAsRoot() {
    return ROOT;
  }

  /** The command running {@code argv} with only {@code environment}. */
  public static List<String> command(List<String> argv, Map<String, String> environment) {
    List<String> command = new ArrayList<>();
    if (ROOT) {
      command.addAll(List.of("runuser", "-u", POSTGRES_OS_USER, "--"));
    }
    command.add("/usr/bin/env");
    command.add("-i");
    environment.forEach((name, value) -> command.add(name + "=" + value));
    command.addAll(argv);
    return command;
  }

  /**
   * The script's shell itself, to signal it as the kubelet signals a container's first process:
   * runuser would answer a signal by killing the shell and reporting the signal, not the script's
   * own exit status.
   */
  public static ProcessHandle script(Process launched) {
    if (!ROOT) {
      return launched.toHandle();
    }
    return launched.children().findFirst().orElseThrow(
        () -> new IllegalStateException("runuser has not started the script yet"));
  }

  /** Hands {@code path} and everything under it to the user the scripts run as. */
  public static void own(Path path) {
    if (!ROOT) {
      return;
    }
    try (Stream<Path> paths = Files.walk(path)) {
      UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
      UserPrincipal user = lookup.lookupPrincipalByName(POSTGRES_OS_USER);
      GroupPrincipal group = lookup.lookupPrincipalByGroupName(POSTGRES_OS_USER);
      for (Path each : (Iterable<Path>) paths::iterator) {
        PosixFileAttributeView view = Files.getFileAttributeView(each, PosixFileAttributeView.class);
        view.setOwner(user);
        view.setGroup(group);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot hand " + path + " to " + POSTGRES_OS_USER, e);
    }
  }

  private static boolean isRoot() {
    try {
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot tell which user runs the tests", e);
    }
  }
}
