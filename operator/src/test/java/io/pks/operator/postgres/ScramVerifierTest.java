package io.pks.operator.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.postgresql.util.PasswordUtil;

class ScramVerifierTest {

  @Test
  void recognisesTheVerifierOfItsOwnPasswordOnly() {
    String stored = PasswordUtil.encodeScramSha256("s3cret:\\'".toCharArray());
    assertThat(ScramVerifier.matches(stored, "s3cret:\\'".toCharArray())).isTrue();
    assertThat(ScramVerifier.matches(stored, "s3cret".toCharArray())).isFalse();
  }

  @Test
  void missingOrNonScramVerifiersNeverMatch() {
    assertThat(ScramVerifier.matches(null, "x".toCharArray())).isFalse();
    assertThat(ScramVerifier.matches("md5" + "0".repeat(32), "x".toCharArray())).isFalse();
    assertThat(ScramVerifier.matches("SCRAM-SHA-256$garbage", "x".toCharArray())).isFalse();
  }
}
