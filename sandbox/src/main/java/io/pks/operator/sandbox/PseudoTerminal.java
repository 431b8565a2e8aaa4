package io.pks.operator.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A command run on a pseudo terminal, as a container runtime runs {@code kubectl exec -t}'s. Java has no pty API,
 * so util-linux's {@code script} allocates one: it runs the command on the pty's slave side (stdin, stdout and
 * stderr, so both outputs come back as one stream, with the terminal's {@code \r\n}), copies the pipes it was given
 * to and from the master side, passes an end of its stdin on as the terminal's end-of-file, and exits with the
 * command's code ({@code --return}). The pty starts in the terminal's usual mode (echo on), as a fresh container
 * tty does.
 */
public final class PseudoTerminal {
  /** The terminal type a runtime gives a tty session whose container does not set one (Docker, containerd). */
  static final String TERM = "xterm";
  /**
   * How long after the session's start a resize waits for the command's terminal to appear: {@code script} opens it
   * as it starts, and kubectl sends the first size at once.
   */
  private static final Duration SLAVE_WAIT = Duration.ofSeconds(5);
  private static final long POLL_MILLIS = 10;
  private static final String SLAVES = "/dev/pts/";

  private PseudoTerminal() {
  }

  /** {@code argv} run by {@code script} on a new pty, no typescript kept ({@code /dev/null}). */
  public static List<String> command(List<String> argv) {
    return List.of("script", "--quiet", "--return", "--command", shellWords(argv), "/dev/null");
  }

  /** {@code argv} as one line of {@code sh}: each word single-quoted, a quote inside written {@code '\''}. */
  static String shellWords(List<String> argv) {
    return argv.stream().map(word -> "'" + word.replace("'", "'\\''") + "'").collect(Collectors.joining(" "));
  }

  /**
   * Sets the size of the terminal {@code session} (a process started from {@link #command}) runs its command on,
   * which signals SIGWINCH to the command as a real terminal does. {@code script} gives the pty a size only from
   * a terminal of its own, and its stdin here is a pipe, so the size is set from outside, by {@code stty} on the
   * slave side as the command holds it ({@code /proc/<pid>/fd/0}, which reaches it whatever mount namespace the
   * command runs in). Whether it was set: false when the command ended, or had no terminal in time.
   */
  public static boolean resize(Process session, int width, int height) throws InterruptedException {
    Optional<Path> slave = awaitSlave(session);
    if (slave.isEmpty()) {
      return false;
    }
    try {
      Process stty = new ProcessBuilder("stty", "-F", slave.get().toString(), "cols", Integer.toString(width),
          "rows", Integer.toString(height)).redirectErrorStream(true).start();
      stty.getInputStream().readAllBytes();
      return stty.waitFor(SLAVE_WAIT.toMillis(), TimeUnit.MILLISECONDS) && stty.exitValue() == 0;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The stdin of one of the session's processes that reads a pty: the command {@code script} started, or a process
   * of its. Waits only in the session's first {@link #SLAVE_WAIT}, so that a later resize of a session whose terminal
   * cannot be found is dropped at once instead of holding back the input sent after it.
   */
  private static Optional<Path> awaitSlave(Process session) throws InterruptedException {
    Instant deadline = session.info().startInstant().orElseGet(Instant::now).plus(SLAVE_WAIT);
    while (session.isAlive()) {
      Optional<Path> slave = session.descendants().map(PseudoTerminal::stdinOnPty).flatMap(Optional::stream)
          .findFirst();
      if (slave.isPresent() || Instant.now().isAfter(deadline)) {
        return slave;
      }
      Thread.sleep(POLL_MILLIS);
    }
    return Optional.empty();
  }

  private static Optional<Path> stdinOnPty(ProcessHandle process) {
    Path stdin = Path.of("/proc", Long.toString(process.pid()), "fd", "0");
    try {
      return Files.readSymbolicLink(stdin).toString().startsWith(SLAVES) ? Optional.of(stdin) : Optional.empty();
    } catch (IOException e) {
      // Ended meanwhile, or not ours to look at.
      return Optional.empty();
    }
  }
}
