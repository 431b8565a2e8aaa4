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
 * the OS user postgres through setpriv, on folders handed to that user; anyone else runs them as
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
      // setpriv changes the user and execs, so the launched process is the command itself. runuser
      // forks and waits, and (as su does) stops itself when it sees its child stopped: after a
      // pause fault's SIGCONT it could stay stopped, never reap the script, and the container
      // never ended.
      command.addAll(List.of("setpriv", "--reuid=" + POSTGRES_OS_USER, "--regid=" + POSTGRES_OS_USER,
          "--init-groups", "--"));
    }
    command.add("/usr/bin/env");
    command.add("-i");
    environment.forEach((name, value) -> command.add(name + "=" + value));
    command.addAll(argv);
    return command;
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
