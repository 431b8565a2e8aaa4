package io.pks.operator.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Whether a standby needs WAL its primary no longer holds, from the two probes. */
class WalGapTest {
  private static final Instant NOW = Instant.parse("2026-12-01T04:00:00Z");
  private static final ProbeResult.Settings SETTINGS = new ProbeResult.Settings("h", "h", List.of());

  @Test
  void aStandbyAskingForWalBeforeThePrimarysOldestSegmentHasAGap() {
    assertThat(WalGap.between(primaryKeepingFrom("0/5000000"), standby("0/3000000", "0/2FFFF60", null)))
        .contains(new WalGap("0/3000000", "0/5000000"));
  }

  @Test
  void theStandbysFurthestPositionIsWhatItNeedsNext() {
    assertThat(WalGap.between(primaryKeepingFrom("0/5000000"), standby("0/3000000", "0/4000100", null)))
        .contains(new WalGap("0/4000100", "0/5000000"));
    assertThat(WalGap.between(primaryKeepingFrom("0/5000000"), standby("0/3000000", "0/5000100", null)))
        .as("replayed past the oldest kept segment: it is held").isEmpty();
  }

  @Test
  void aPositionInTheOldestKeptSegmentIsNoGap() {
    assertThat(WalGap.between(primaryKeepingFrom("0/5000000"), standby("0/5000000", "0/5000000", null))).isEmpty();
    assertThat(WalGap.between(primaryKeepingFrom("1/0"), standby("0/FF000000", null, null)))
        .as("across the 4 GiB boundary of the position's high half").contains(new WalGap("0/FF000000", "1/0"));
  }

  @Test
  void noGapIsClaimedWithoutBothFacts() {
    assertThat(WalGap.between(primaryKeepingFrom("0/5000000"), standby(null, "0/3000000", null)))
        .as("not yet asked for WAL: it may be replaying its own files").isEmpty();
    assertThat(WalGap.between(primaryKeepingFrom("0/5000000"), standby("0/3000000", "0/3000000", "streaming")))
        .as("a streaming standby gets what it asks for").isEmpty();
    assertThat(WalGap.between(primaryKeepingFrom(null), standby("0/3000000", "0/3000000", null)))
        .as("the primary did not list its WAL (its standby streamed)").isEmpty();
    assertThat(WalGap.between(null, standby("0/3000000", "0/3000000", null))).isEmpty();
    assertThat(WalGap.between(primaryKeepingFrom("0/5000000"), null)).isEmpty();
  }

  @Test
  void itSaysWhatIsMissing() {
    assertThat(new WalGap("0/3000000", "0/5000000")).hasToString(
        "it needs WAL from 0/3000000 on, and the primary holds WAL only from 0/5000000 on");
  }

  private static ProbeResult primaryKeepingFrom(String oldest) {
    return ProbeResult.ofPrimary("site-b", 2, new ProbeResult.PrimaryView("0/6000000", null, null, "", oldest),
        SETTINGS, NOW);
  }

  private static ProbeResult standby(String received, String replayed, String receiver) {
    return ProbeResult.ofStandby("site-a", 1, new ProbeResult.StandbyView(received, replayed, receiver, null, null),
        SETTINGS, NOW);
  }
}
