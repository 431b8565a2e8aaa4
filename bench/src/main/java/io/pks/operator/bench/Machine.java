package io.pks.operator.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.pks.operator.sandbox.PostgresBinaries;

/**
 * What the figures were measured on, stated above the table: they mean little without it.
 *
 * @param commit the project's commit, as {@code bench/run.sh} passes it
 */
public record Machine(int cores, long memoryBytes, String postgres, String java, String os, String commit) {

  public static Machine describe() {
    return new Machine(Runtime.getRuntime().availableProcessors(), memTotal(), postgresVersion(),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + " (" + collectors()
            + ", common pool of " + ForkJoinPool.getCommonPoolParallelism() + ")",
        System.getProperty("os.name") + " " + System.getProperty("os.version"),
        System.getProperty("bench.commit", "unknown"));
  }

  /** One line: cores, memory, PostgreSQL, Java, OS, commit. */
  public String line() {
    return String.format("%d cores, %.1f GiB memory, %s, %s, %s, commit %s", cores, memoryBytes / (double) (1L << 30),
        postgres, java, os, commit);
  }

  /** The collectors in use, as the JVM names them (Copy and MarkSweepCompact: the serial collector's). */
  private static String collectors() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName)
        .collect(Collectors.joining(" + "));
  }

  private static long memTotal() {
    return procBytes(Path.of("/proc/meminfo"), "MemTotal");
  }

  /** A field counted in kB of a /proc file such as /proc/meminfo or /proc/self/status, in bytes. */
  static long procBytes(Path file, String field) {
    // Read as a stream: /proc reports a size of 0, which Files.readString trusts.
    try (var in = Files.newInputStream(file)) {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII).lines()
          .filter(line -> line.startsWith(field + ":")).findFirst()
          .map(line -> Long.parseLong(line.replaceAll("\\D", "")) * 1024)
          .orElseThrow(() -> new IllegalStateException("no " + field + " in " + file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code postgres --version}: "postgres (PostgreSQL) 15.14 (Debian ...)" becomes "PostgreSQL 15.14 (Debian ...)". */
  private static String postgresVersion() {
    try {
      Process process = new ProcessBuilder(PostgresBinaries.tool("postgres").toString(), "--version")
          .redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      process.waitFor(10, TimeUnit.SECONDS);
      return out.replaceFirst("^postgres \\((PostgreSQL)\\)", "$1");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
