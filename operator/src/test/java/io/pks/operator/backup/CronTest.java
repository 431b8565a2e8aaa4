package io.pks.operator.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZonedDateTime;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CronTest {

  @ParameterizedTest(name = "{0} after {1} is {2}")
  @CsvSource(delimiter = '|', value = {
      "0 2 * * *|2026-11-30T01:59:00Z|2026-11-30T02:00Z",
      "0 2 * * *|2026-11-30T02:00:00Z|2026-12-01T02:00Z",
      "*/15 * * * *|2026-11-30T10:07:30Z|2026-11-30T10:15Z",
      "0 2 * * 0|2026-11-30T10:00:00Z|2026-12-06T02:00Z",
      "0 2 * * 7|2026-11-30T10:00:00Z|2026-12-06T02:00Z",
      "30 1 1,15 * *|2026-11-30T10:00:00Z|2026-12-01T01:30Z",
      "0 0 29 2 *|2026-11-30T10:00:00Z|2028-02-29T00:00Z",
      "0 9-17/4 * * 1-5|2026-11-30T10:00:00Z|2026-11-30T13:00Z",
      // 03:00 at +02:00 is 01:00 UTC: the schedule is read in UTC.
      "0 2 * * *|2026-11-30T03:00:00+02:00|2026-11-30T02:00Z",
      // Both day fields restricted: either matches, as in cron (the 1st, or a Sunday).
      "0 0 1 * 0|2026-11-30T10:00:00Z|2026-12-01T00:00Z"})
  void nextRunIsTheFirstMatchingMinuteInUtc(String expression, String after, String next) {
    assertThat(Cron.parse(expression).next(ZonedDateTime.parse(after)))
        .contains(ZonedDateTime.parse(next));
  }

  @ParameterizedTest
  @CsvSource({"0 0 31 2 *", "0 0 30 2 *"})
  void aDateThatNeverComesHasNoNextRun(String expression) {
    assertThat(Cron.parse(expression).next(ZonedDateTime.parse("2026-11-30T10:00:00Z"))).isEmpty();
  }
}
