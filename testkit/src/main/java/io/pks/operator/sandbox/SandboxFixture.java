package io.pks.operator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.pks.operator.LeaseTimings;

/**
 * A sandbox for one test class, in a fresh temporary folder, probing every 0.5 s. Closing it stops
 * everything and checks that no process it started is left running before the folder goes.
 */
public final class SandboxFixture implements AutoCloseable {
  public final Path workDir;
  public final Sandbox sandbox;

  private SandboxFixture(Path workDir, Sandbox.Networking networking, int operators, LeaseTimings leaseTimings) {
    this.workDir = workDir;
    this.sandbox = Sandbox.start(workDir, Duration.ofMillis(500), networking, operators, leaseTimings);
  }

  public static SandboxFixture start(String name) {
    return start(name, Sandbox.Networking.LOOPBACK);
  }

  /**
   * A sandbox in {@code networking}; one asked for the network mode that fell back to loopback
   * fails here (a test of the network path must not pass on loopback).
   */
  public static SandboxFixture start(String name, Sandbox.Networking networking) {
    return start(name, networking, 1, LeaseTimings.DEFAULTS);
  }

  /** A loopback sandbox with {@code operators} replicas of the operator electing a leader with {@code leaseTimings}. */
  public static SandboxFixture start(String name, int operators, LeaseTimings leaseTimings) {
    return start(name, Sandbox.Networking.LOOPBACK, operators, leaseTimings);
  }

  private static SandboxFixture start(String name, Sandbox.Networking networking, int operators,
      LeaseTimings leaseTimings) {
    try {
      SandboxFixture fixture = new SandboxFixture(Files.createTempDirectory("pks-" + name + "-"), networking,
          operators, leaseTimings);
      if (fixture.sandbox.networking() != networking) {
        fixture.close();
        throw new AssertionError("asked for the sandbox's " + networking + " mode, got "
            + fixture.sandbox.networking() + " (its log says why)");
      }
      return fixture;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws IOException {
    sandbox.close();
    assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
        .map(process -> process.info().command().orElse("?")))
        .as("processes still running after the sandbox stopped").isEmpty();
    LocalContainer.deleteRecursively(workDir);
  }
}
