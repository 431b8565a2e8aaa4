package io.pks.operator;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.pks.operator.cli.CliRun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LeaseTimingsTest {
  @Test
  void theDefaultsAreJosdksFigures() {
    assertThat(LeaseTimings.DEFAULTS).isEqualTo(
        new LeaseTimings(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2)));
  }

  @Test
  void aRenewDeadlineNotBelowTheLeaseDurationIsRefused() {
    assertThatThrownBy(() -> new LeaseTimings(Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(2)))
        .hasMessageContaining("renew deadline (PT10S) < lease duration (PT10S)");
  }

  @Test
  void aRetryPeriodNotBelowTheRenewDeadlineIsRefused() {
    assertThatThrownBy(() -> new LeaseTimings(Duration.ofSeconds(15), Duration.ofSeconds(2), Duration.ofSeconds(2)))
        .hasMessageContaining("retry period (PT2S) < renew deadline (PT2S)");
  }

  @Test
  void runTakesTheTimingsAsFlagsAndRefusesThemOutOfOrderBeforeConnecting() {
    assertThat(CliRun.of("run", "--help").out()).contains("--lease-duration=DURATION",
        "--renew-deadline=DURATION", "--retry-period=DURATION");

    CliRun run = CliRun.of("run", "--leader-election", "--lease-duration=5s", "--renew-deadline=8s");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("renew deadline (PT8S) < lease duration (PT5S)");
  }
}
