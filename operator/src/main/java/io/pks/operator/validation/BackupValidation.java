package io.pks.operator.validation;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

import io.pks.operator.api.v1alpha1.BackupSpec;
import io.pks.operator.api.v1alpha1.ObjectStore;
import io.pks.operator.api.v1alpha1.PksReplicaPairSpec;
import io.pks.operator.api.v1alpha1.RecoverySpec;
import io.pks.operator.api.v1alpha1.SpecRules;
import io.pks.operator.backup.Cron;

/** The checks of spec.backup and spec.bootstrap.recovery that need no cluster. */
final class BackupValidation {
  private BackupValidation() {
  }

  private static final Pattern BUCKET = Pattern.compile(SpecRules.S3_BUCKET);
  private static final Pattern RETENTION = Pattern.compile(SpecRules.RETENTION);
  private static final Pattern LSN = Pattern.compile(SpecRules.LSN);
  private static final Pattern TIME = Pattern.compile(SpecRules.RFC3339_TIME);
  private static final Pattern CRON = Pattern.compile(SpecRules.CRON);
  private static final Pattern ENDPOINT = Pattern.compile(SpecRules.S3_ENDPOINT);
  private static final Pattern ENDPOINT_ADDRESS = Pattern.compile(SpecRules.S3_ENDPOINT_ADDRESS);
  /** What the rendered pgBackRest configuration and the stanza name may hold. */
  private static final Pattern PATH = Pattern.compile(SpecRules.S3_PATH);
  private static final Pattern REGION = Pattern.compile(SpecRules.S3_REGION);

  static void validate(String pairName, PksReplicaPairSpec spec, List<Violation> violations) {
    spec.backups().ifPresent(backup -> backup(backup, violations));
    if (spec.backups().isPresent() && spec.replication().archiveCommand() != null) {
      violations.add(new Violation("spec.replication.archiveCommand", "must be absent with spec.backup,"
          + " which archives with pgBackRest"));
    }
    spec.backups().ifPresent(backup -> spec.recovery().ifPresent(recovery -> {
      if (sameRepository(backup.objectStore(), recovery.objectStore()) && pairName != null
          && recovery.sourceOr(pairName).equals(pairName)) {
        violations.add(new Violation("spec.backup.objectStore", "would archive into the backups it restores from"
            + " (same endpoint, bucket and path, and the source is this pair): give the restored pair"
            + " another path"));
      }
    }));
    spec.recovery().ifPresent(recovery -> recovery(recovery, violations));
  }

  private static boolean sameRepository(ObjectStore one, ObjectStore other) {
    return one != null && other != null && Objects.equals(one.endpoint(), other.endpoint())
        && Objects.equals(one.bucket(), other.bucket()) && one.repositoryPath().equals(other.repositoryPath());
  }

  private static void backup(BackupSpec backup, List<Violation> violations) {
    objectStore("spec.backup.objectStore", backup.objectStore(), violations);
    String scheduleProblem = backup.schedule() == null ? null : scheduleProblem(backup.schedule());
    if (scheduleProblem != null) {
      violations.add(new Violation("spec.backup.schedule", "must be a cron expression in UTC: "
          + scheduleProblem));
    }
    if (backup.retention() != null && !RETENTION.matcher(backup.retention()).matches()) {
      violations.add(new Violation("spec.backup.retention", "must be a number of days such as 7d, got "
          + SpecValidator.quoted(backup.retention())));
    }
  }

  /**
   * Why {@code schedule} is not a cron expression, or null: first the CRD's pattern, whose message
   * quotes the value safely, then {@link Cron}'s ranges, whose message names the field (its fields
   * are then plain digits and signs).
   */
  private static String scheduleProblem(String schedule) {
    if (!CRON.matcher(schedule).matches()) {
      return "five fields of digits, '*', ',', '-' and '/', got " + SpecValidator.quoted(schedule);
    }
    try {
      Cron.parse(schedule);
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  /** An RFC 3339 time with its offset, on a date that exists. */
  private static boolean isTime(String value) {
    if (!TIME.matcher(value).matches()) {
      return false;
    }
    try {
      OffsetDateTime.parse(value);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private static void recovery(RecoverySpec recovery, List<Violation> violations) {
    objectStore("spec.bootstrap.recovery.objectStore", recovery.objectStore(), violations);
    SpecValidator.subdomain("spec.bootstrap.recovery.source", recovery.source(), violations);
    if (recovery.targetTime() != null && recovery.targetLSN() != null) {
      violations.add(new Violation("spec.bootstrap.recovery", "give targetTime or targetLSN, not both"));
    }
    if (recovery.targetTime() != null && !isTime(recovery.targetTime())) {
      violations.add(new Violation("spec.bootstrap.recovery.targetTime", "must be an RFC 3339 time"
          + " with its offset, such as 2026-11-30T10:00:00Z, got " + SpecValidator.quoted(recovery.targetTime())));
    }
    if (recovery.targetLSN() != null && !LSN.matcher(recovery.targetLSN()).matches()) {
      violations.add(new Violation("spec.bootstrap.recovery.targetLSN", "must be a WAL position such as"
          + " 0/3000060, got " + SpecValidator.quoted(recovery.targetLSN())));
    }
  }

  private static void objectStore(String field, ObjectStore store, List<Violation> violations) {
    if (store == null) {
      violations.add(new Violation(field, "is required"));
      return;
    }
    endpoint(field + ".endpoint", store.endpoint(), violations);
    if (store.bucket() == null || !BUCKET.matcher(store.bucket()).matches()) {
      violations.add(new Violation(field + ".bucket", "must be a bucket name (3 to 63 lowercase letters,"
          + " digits, '.' and '-'), got " + SpecValidator.quoted(store.bucket())));
    }
    if (store.path() != null
        && (store.path().length() > SpecRules.MAX_S3_PATH || !PATH.matcher(store.path()).matches()
            || store.path().contains(".."))) {
      violations.add(new Violation(field + ".path", "must be a prefix of letters, digits, '.', '_', '-'"
          + " and '/' without '..', at most " + SpecRules.MAX_S3_PATH + " characters, got "
          + SpecValidator.quoted(store.path())));
    }
    if (store.region() != null && !REGION.matcher(store.region()).matches()) {
      violations.add(new Violation(field + ".region", "must be a region name such as eu-west-3, got "
          + SpecValidator.quoted(store.region())));
    }
    if (store.credentialsSecret() == null) {
      violations.add(new Violation(field + ".credentialsSecret", "is required: a Secret with the keys "
          + ObjectStore.ACCESS_KEY_ID + " and " + ObjectStore.SECRET_ACCESS_KEY));
    }
    SpecValidator.subdomain(field + ".credentialsSecret", store.credentialsSecret(), violations);
    SpecValidator.subdomain(field + ".caSecret", store.caSecret(), violations);
  }

  private static void endpoint(String field, String endpoint, List<Violation> violations) {
    String problem = endpointProblem(endpoint);
    if (problem != null) {
      violations.add(new Violation(field, "must be an https://host[:port] URL (" + problem + "), got "
          + SpecValidator.quoted(endpoint)));
    }
  }

  /** Why {@code endpoint} is not a URL pgBackRest can reach a store at, or null. */
  private static String endpointProblem(String endpoint) {
    if (endpoint == null) {
      return "none given";
    }
    if (endpoint.length() > SpecRules.MAX_S3_ENDPOINT) {
      return "at most " + SpecRules.MAX_S3_ENDPOINT + " characters";
    }
    if (!endpoint.startsWith("https://")) {
      return "pgBackRest speaks only HTTPS to an object store";
    }
    if (ENDPOINT_ADDRESS.matcher(endpoint).matches()) {
      return "a DNS name, not an IP address: pgBackRest verifies the store's certificate by name";
    }
    if (!ENDPOINT.matcher(endpoint).matches()) {
      return "a host name and an optional port, nothing else; the prefix goes in path";
    }
    return null;
  }
}
