package io.pks.operator.sandbox;

import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class TablesTest {

  @ParameterizedTest
  @CsvSource({
      "-5, <invalid>", "-1, 0s", "0, 0s", "45, 45s", "119, 119s", "120, 2m", "200, 3m20s", "1500, 25m",
      "10799, 179m", "10800, 3h", "7500, 125m", "25200, 7h", "26100, 7h15m", "108000, 30h", "273600, 3d4h",
      "259200, 3d", "1036800, 12d"})
  void ageIsPrintedLikeTheApiServerDoes(long seconds, String printed) {
    assertThat(Tables.humanDuration(Duration.ofSeconds(seconds))).isEqualTo(printed);
  }
}
