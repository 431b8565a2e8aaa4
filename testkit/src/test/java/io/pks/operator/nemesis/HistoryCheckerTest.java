package io.pks.operator.nemesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.pks.operator.sandbox.Writer.Acknowledgement;

class HistoryCheckerTest {
  private static final Instant START = Instant.parse("2026-11-30T12:00:00Z");
  private static final Duration BOUND = Duration.ofSeconds(120);
  private static final Step FAILOVER_STEP = new Step(Fault.NODE_DOWN, Step.Role.PRIMARY, Duration.ofSeconds(8));

  private static Instant at(int seconds) {
    return START.plusSeconds(seconds);
  }

  /** One failover at 10 s, healed at 12 s and back at 20 s; commits 1-3 on timeline 1, then 4-5 on 2. */
  private static History failoverHistory(List<Acknowledgement> acks, List<Long> missing, int finalTimeline) {
    History history = new History(7, START);
    history.step(new History.StepRun(FAILOVER_STEP, "site-a", at(4), at(12), at(20), null));
    history.primaryChanged(new History.PrimaryChange(at(10), "site-a", "site-b"));
    history.writer("w", acks, missing, "site-b");
    history.timelines(1, finalTimeline);
    return history;
  }

  private static List<Acknowledgement> acks(int... timelines) {
    return java.util.stream.IntStream.range(0, timelines.length)
        .mapToObj(i -> new Acknowledgement(i + 1, at(i * 3), timelines[i])).toList();
  }

  @Test
  void aCleanFailoverHasNoViolation() {
    assertThat(HistoryChecker.check(failoverHistory(acks(1, 1, 1, 2, 2), List.of(), 2), BOUND)).isEmpty();
  }

  @Test
  void anAcknowledgedCommitMissingOnTheFinalPrimaryIsALoss() {
    assertThat(HistoryChecker.check(failoverHistory(acks(1, 1, 1, 2, 2), List.of(3L), 2), BOUND))
        .singleElement().satisfies(v -> assertThat(v.what())
            .isEqualTo("commit 3 of w, acknowledged on timeline 1, is not on the final primary site-b"));
  }

  @Test
  void aCommitOnTheOldTimelineAfterOneOnTheNewIsASecondWritablePrimary() {
    assertThat(HistoryChecker.check(failoverHistory(acks(1, 1, 2, 1, 2), List.of(), 2), BOUND))
        .singleElement().satisfies(v -> assertThat(v.what()).contains("commit 4 of w acknowledged on timeline 1")
            .contains("after commit 3 was acknowledged on timeline 2").endsWith("two writable primaries"));
  }

  @Test
  void aTimelineThatMovedTwiceForOnePromotionIsReported() {
    assertThat(HistoryChecker.check(failoverHistory(acks(1, 1, 1, 3, 3), List.of(), 3), BOUND))
        .singleElement().satisfies(v -> assertThat(v.what()).isEqualTo("the timeline moved 2 times (1 → 3) for 1 promotions"));
  }

  @Test
  void aPairNotBackWithinTheBoundIsReported() {
    History history = new History(7, START);
    history.step(new History.StepRun(FAILOVER_STEP, "site-a", at(4), at(12), null, null));
    history.writer("w", acks(1), List.of(), "site-a");
    history.timelines(1, 1);
    assertThat(HistoryChecker.check(history, BOUND)).singleElement().satisfies(v -> assertThat(v.what())
        .isEqualTo("not back to Streaming within 120 s after the heal of node-down of the primary for 8000 ms"));
  }

  @Test
  void theSameSeedGivesTheSameScheduleAndEveryFaultComesUp() {
    List<Step> steps = Schedule.first(42, 200);
    assertThat(Schedule.first(42, 200)).isEqualTo(steps);
    assertThat(Schedule.first(43, 200)).isNotEqualTo(steps);
    assertThat(steps).extracting(Step::fault).contains(Fault.values());
    assertThat(steps).allSatisfy(step -> assertThat(step.hold())
        .isBetween(step.fault().held() ? Schedule.SHORTEST_HOLD : Duration.ZERO, Schedule.LONGEST_HOLD));
  }
}
