package io.pks.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;

import org.junit.jupiter.api.Test;

/** The report's redaction, value by value. */
class ReportCommandTest {

  @Test
  void everyValueIsReplacedTheLongestFirst() {
    assertThat(ReportCommand.redacted("ERROR: secret-password-2 and secret-password in a line",
        Set.of("secret-password", "secret-password-2")))
        .isEqualTo("ERROR: <redacted> and <redacted> in a line");
  }

  @Test
  void textWithoutAValueIsLeftAsItIs() {
    assertThat(ReportCommand.redacted("nothing here", Set.of("secret-password"))).isEqualTo("nothing here");
  }
}
