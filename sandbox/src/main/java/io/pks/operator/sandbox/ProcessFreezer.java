package io.pks.operator.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Freezes and thaws a process tree with SIGSTOP and SIGCONT, as a paused node stops every process at
 * once. One sweep is not enough: a process forked between the listing of the tree and the signal
 * (a new backend of a postmaster, a check's child) would run on, unfrozen. A stopped process forks
 * nothing, so sweeps are repeated until one finds no process left running.
 */
final class ProcessFreezer {
  /** Far more sweeps than a tree whose forking parents are stopped by the first one needs. */
  private static final int MAX_SWEEPS = 20;

  private ProcessFreezer() {
  }

  /** Stops {@code root} and every descendant, including those forked while it is being stopped. */
  static void freeze(ProcessHandle root) {
    for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
      List<Long> running = tree(root).filter(process -> !stopped(process)).map(ProcessHandle::pid).toList();
      if (running.isEmpty()) {
        return;
      }
      signal("STOP", running);
    }
  }

  /** Resumes {@code root} and every descendant. */
  static void thaw(ProcessHandle root) {
    signal("CONT", tree(root).map(ProcessHandle::pid).toList());
  }

  /** Whether the process is stopped by a signal (state T in /proc), or gone. */
  static boolean stopped(ProcessHandle process) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"), StandardCharsets.UTF_8);
      // The state follows the command's name, which is in parentheses and may itself hold any character.
      return stat.charAt(stat.lastIndexOf(')') + 2) == 'T';
    } catch (IOException gone) {
      return true;
    }
  }

  private static Stream<ProcessHandle> tree(ProcessHandle root) {
    return Stream.concat(Stream.of(root), root.descendants());
  }

  private static void signal(String signal, List<Long> pids) {
    List<String> kill = new ArrayList<>(List.of("kill", "-" + signal));
    pids.forEach(pid -> kill.add(Long.toString(pid)));
    // A process may exit between the listing and the signal: kill then fails for it alone.
    PodNetwork.run(kill, null);
  }
}
