package io.pks.operator.cli;

import java.time.Duration;

import io.pks.operator.LeaseTimings;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The leader-election Lease's timings as options, shared by {@code run} and {@code sandbox --operators}. */
public final class LeaseOptions {

  @Option(names = "--lease-duration", defaultValue = "15s", paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "With leader election: how long a Lease not renewed still belongs to its holder; a lost"
          + " leader is replaced after about this plus the retry period. Default: ${DEFAULT-VALUE}.")
  Duration leaseDuration;

  @Option(names = "--renew-deadline", defaultValue = "10s", paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "With leader election: how long the leader tries to renew before it stops leading"
          + " (and exits). Below --lease-duration. Default: ${DEFAULT-VALUE}.")
  Duration renewDeadline;

  @Option(names = "--retry-period", defaultValue = "2s", paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "With leader election: how often candidates try the Lease and the leader renews it."
          + " Below --renew-deadline. Default: ${DEFAULT-VALUE}.")
  Duration retryPeriod;

  /** The timings given; a usage error of {@code command} naming the options when they are out of order. */
  public LeaseTimings timings(CommandSpec command) {
    try {
      return new LeaseTimings(leaseDuration, renewDeadline, retryPeriod);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(command.commandLine(), e.getMessage());
    }
  }
}
