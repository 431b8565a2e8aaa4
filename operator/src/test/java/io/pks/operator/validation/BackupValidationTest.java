package io.pks.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.pks.operator.TestPairs;

/** spec.backup and spec.bootstrap.recovery: each bad value refused with a sentence naming its field. */
class BackupValidationTest {

  @Test
  void aCompleteBackupAndRecoveryAreAccepted() {
    assertThat(violations(spec -> {
      ObjectNode backup = spec.putObject("backup").put("schedule", "0 2 * * *").put("retention", "7d");
      store(backup);
      ObjectNode recovery = spec.putObject("bootstrap").putObject("recovery")
          .put("source", "old-pair").put("targetTime", "2026-11-30T10:00:00Z");
      store(recovery).put("path", "elsewhere");
    })).isEmpty();
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(delimiter = '|', value = {
      "endpoint|http://s3.example.com|pgBackRest speaks only HTTPS",
      "endpoint|https://10.0.0.5:9000|not an IP address",
      "endpoint|https://s3.example.com/bucket|the prefix goes in path",
      "endpoint|s3.example.com|pgBackRest speaks only HTTPS",
      "bucket|Pks_Backups|must be a bucket name",
      "path|telephony/../other|without '..'",
      "path|a b|must be a prefix",
      "region|EU WEST|must be a region name",
      "credentialsSecret|Not_A_Name|must be a Kubernetes object name",
      "caSecret|Not_A_Name|must be a Kubernetes object name"})
  void aBadObjectStoreFieldIsNamed(String field, String value, String problem) {
    assertRefused(spec -> store(spec.putObject("backup")).put(field, value), "spec.backup.objectStore." + field,
        problem);
  }

  @Test
  void missingCredentialsSecretSaysWhichKeysItNeeds() {
    assertRefused(spec -> store(spec.putObject("backup")).remove("credentialsSecret"),
        "spec.backup.objectStore.credentialsSecret", "accessKeyId and secretAccessKey");
  }

  @Test
  void missingObjectStoreIsRequired() {
    assertRefused(spec -> spec.putObject("backup").put("schedule", "0 2 * * *"), "spec.backup.objectStore", "is required");
  }

  @ParameterizedTest(name = "schedule {0}")
  @CsvSource(delimiter = '|', value = {
      "0 2 * *|five fields",
      "61 2 * * *|minute 61 is outside 0-59",
      "0 24 * * *|hour 24 is outside 0-23",
      "0 2 0 * *|day of month 0 is outside 1-31",
      "0 2 * 13 *|month 13 is outside 1-12",
      "0 2 * * mon|five fields of digits, '*', ',', '-' and '/'",
      "*/0 * * * *|minute 0 is outside 1-59",
      "@daily|five fields"})
  void aBadCronIsRefusedWithTheFieldItGetsWrong(String schedule, String problem) {
    assertRefused(spec -> withStore(spec.putObject("backup")).put("schedule", schedule), "spec.backup.schedule", problem);
  }

  @ParameterizedTest(name = "retention {0}")
  @CsvSource({"7", "0d", "1w", "-1d", "7 d"})
  void retentionIsADayCount(String retention) {
    assertRefused(spec -> withStore(spec.putObject("backup")).put("retention", retention), "spec.backup.retention",
        "a number of days such as 7d");
  }

  @Test
  void archiveCommandAndBackupAreExclusive() {
    assertRefused(spec -> {
      store(spec.putObject("backup"));
      spec.putObject("replication").put("archiveCommand", "cp %p /archive/%f");
    }, "spec.replication.archiveCommand", "must be absent with spec.backup");
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(delimiter = '|', value = {
      "targetTime|2026-11-30 10:00:00|RFC 3339",
      "targetTime|yesterday|RFC 3339",
      "targetLSN|0/XYZ|WAL position",
      "source|Old_Pair|Kubernetes object name"})
  void aBadRecoveryTargetIsNamed(String field, String value, String problem) {
    assertRefused(spec -> withStore(spec.putObject("bootstrap").putObject("recovery")).put(field, value),
        "spec.bootstrap.recovery." + field, problem);
  }

  @Test
  void recoveryTakesOneTarget() {
    assertRefused(spec -> withStore(spec.putObject("bootstrap").putObject("recovery"))
        .put("targetTime", "2026-11-30T10:00:00Z").put("targetLSN", "0/3000060"), "spec.bootstrap.recovery", "not both");
  }

  @Test
  void aPairMayNotArchiveIntoTheStanzaItRestoresFrom() {
    assertRefused(spec -> {
      store(spec.putObject("backup"));
      store(spec.putObject("bootstrap").putObject("recovery"));
    }, "spec.backup.objectStore", "would archive into the backups it restores from");
  }

  /** {@code parent} with a valid objectStore in it. */
  private static ObjectNode withStore(ObjectNode parent) {
    store(parent);
    return parent;
  }

  /** A valid objectStore put in {@code parent}. */
  private static ObjectNode store(ObjectNode parent) {
    return parent.putObject("objectStore").put("endpoint", "https://s3.example.com").put("bucket", "pks-backups")
        .put("path", "telephony/pks").put("region", "eu-west-3").put("credentialsSecret", "pks-s3")
        .put("caSecret", "pks-s3-ca");
  }

  /** The spec edited is refused for {@code field} alone, with a sentence containing {@code problem}. */
  private static void assertRefused(Consumer<ObjectNode> edit, String field, String problem) {
    assertThat(violations(edit)).singleElement().satisfies(violation -> {
      assertThat(violation.field()).isEqualTo(field);
      assertThat(violation.problem()).contains(problem);
    });
  }

  private static List<Violation> violations(Consumer<ObjectNode> edit) {
    ObjectNode json = TestPairs.minimalJson();
    edit.accept(TestPairs.spec(json));
    return SpecValidator.validate(TestPairs.fromJson(json), AppliedState.NONE);
  }
}
