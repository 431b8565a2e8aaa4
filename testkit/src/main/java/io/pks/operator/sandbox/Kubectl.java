package io.pks.operator.sandbox;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The machine's kubectl, run against one kubeconfig with a HOME and a discovery cache of its own (kubectl caches
 * discovery per server, and a port is reused across tests). Found in {@code $PKS_KUBECTL}, else on PATH; a missing
 * kubectl fails the test with how to install it: these tests are never skipped.
 */
public final class Kubectl {
  /** Environment variable naming the kubectl binary to use instead of the one on PATH. */
  public static final String BINARY_VARIABLE = "PKS_KUBECTL";
  private static final long TIMEOUT_SECONDS = 30;

  /** How a run ended. */
  public record Result(int exitCode, String out, String err) {
  }

  private final Path binary;
  private final Path kubeconfig;
  private final Path home;

  /** kubectl for {@code kubeconfig}, keeping its HOME, cache and output under {@code home}. */
  public Kubectl(Path kubeconfig, Path home) {
    this.binary = binary();
    this.kubeconfig = kubeconfig;
    this.home = home;
  }

  /** Runs {@code kubectl --kubeconfig <kubeconfig> args...}. */
  public Result run(String... args) {
    return finish(command(args), builder(command(args), home.resolve("kubectl.out"), home.resolve("kubectl.err")));
  }

  /**
   * Runs {@code kubectl args...} as a user with a plugin does: the plugins of {@code pluginDir} first on PATH, the
   * kubeconfig in $KUBECONFIG (kubectl looks for a plugin only when no flag precedes its name), {@code input} on
   * stdin.
   */
  public Result runWithPlugins(Path pluginDir, String input, String... args) {
    List<String> command = new ArrayList<>(List.of(binary.toString()));
    command.addAll(Arrays.asList(args));
    ProcessBuilder builder = withPlugins(builder(command, home.resolve("kubectl.out"), home.resolve("kubectl.err")),
        pluginDir);
    try {
      Path stdin = Files.writeString(home.resolve("kubectl.in"), input);
      return finish(command, builder.redirectInput(stdin.toFile()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts {@code kubectl args...} as {@link #runWithPlugins} runs it, but as a person at a terminal of
   * {@code columns} by {@code rows} does: kubectl and its plugins see a tty on stdin and stdout (a pseudo terminal
   * of {@link PseudoTerminal}'s), what is written to the process's stdin is typed on it, and what the terminal
   * shows goes to {@code screen} (both outputs, lines ending in \r\n). The caller ends the process.
   */
  public Process startOnTerminal(Path pluginDir, Path screen, int columns, int rows, String... args) {
    List<String> sized = new ArrayList<>(List.of("sh", "-c", "stty cols " + columns + " rows " + rows
        + " && exec \"$@\"", "sh", binary.toString()));
    sized.addAll(Arrays.asList(args));
    try {
      return withPlugins(builder(PseudoTerminal.command(sized), screen, Path.of(screen + ".err")), pluginDir).start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The plugins of {@code pluginDir} first on PATH, the kubeconfig in $KUBECONFIG. */
  private ProcessBuilder withPlugins(ProcessBuilder builder, Path pluginDir) {
    builder.environment().put("KUBECONFIG", kubeconfig.toString());
    builder.environment().put("PATH", pluginDir + File.pathSeparator + System.getenv().getOrDefault("PATH", ""));
    return builder;
  }

  private Result finish(List<String> command, ProcessBuilder builder) {
    try {
      Process process = builder.start();
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
        throw new AssertionError(command + " did not finish within " + TIMEOUT_SECONDS + " s: "
            + Files.readString(builder.redirectError().file().toPath()));
      }
      return new Result(process.exitValue(), Files.readString(builder.redirectOutput().file().toPath()),
          Files.readString(builder.redirectError().file().toPath()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + command, e);
    }
  }

  /**
   * Starts kubectl without waiting for it (a watch, {@code get -w}, runs until stopped), what it prints going to
   * {@code out} and {@code out}.err; the caller destroys the process.
   */
  public Process start(Path out, String... args) {
    try {
      return builder(command(args), out, Path.of(out + ".err")).start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<String> command(String... args) {
    List<String> command = new ArrayList<>(List.of(binary.toString(), "--kubeconfig", kubeconfig.toString()));
    command.addAll(Arrays.asList(args));
    return command;
  }

  private ProcessBuilder builder(List<String> command, Path out, Path err) {
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().remove("KUBECONFIG");
    builder.environment().put("HOME", home.toString());
    builder.environment().put("KUBECACHEDIR", home.resolve("cache").toString());
    return builder;
  }

  /** Runs kubectl and returns what it printed, failing unless it exits 0. */
  public String succeed(String... args) {
    Result result = run(args);
    if (result.exitCode() != 0) {
      throw new AssertionError("kubectl " + String.join(" ", args) + " exited " + result.exitCode() + ": "
          + result.err());
    }
    return result.out();
  }

  /**
   * The rows of a table kubectl printed, each cell under its header (cells are cut at the headers' columns,
   * so an empty cell reads as "").
   */
  public static List<Map<String, String>> table(String printed) {
    List<String> lines = printed.lines().filter(line -> !line.isBlank()).toList();
    String header = lines.get(0);
    // kubectl pads columns with three spaces at least; a header may have one inside (LAST SEEN).
    List<String> names = Arrays.asList(header.trim().split("\\s{2,}"));
    List<Integer> starts = new ArrayList<>();
    int from = 0;
    for (String name : names) {
      from = header.indexOf(name, from);
      starts.add(from);
      from += name.length();
    }
    return lines.stream().skip(1).map(line -> {
      Map<String, String> row = new LinkedHashMap<>();
      for (int i = 0; i < names.size(); i++) {
        int end = i + 1 < names.size() ? Math.min(starts.get(i + 1), line.length()) : line.length();
        row.put(names.get(i), starts.get(i) < end ? line.substring(starts.get(i), end).trim() : "");
      }
      return row;
    }).toList();
  }

  private static Path binary() {
    String configured = System.getenv(BINARY_VARIABLE);
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .filter(dir -> !dir.isEmpty())
        .map(dir -> Path.of(dir, "kubectl"))
        .filter(Files::isExecutable)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("kubectl not found on PATH nor in $" + BINARY_VARIABLE
            + ": put one on PATH, e.g. export PATH=\"$(bash .ci/install-kubectl):$PATH\" (what .ci/run does)"));
  }
}
