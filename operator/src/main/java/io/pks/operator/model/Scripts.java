package io.pks.operator.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The shell scripts the pods and Jobs run (src/main/resources/scripts), shipped in one ConfigMap
 * per namespace and per version of the scripts ({@link ConfigMaps#scripts}), which every pair of
 * the namespace mounts. They take every path, port and name from the environment (see
 * {@link PodLayout}), so the same text runs in a pod, in the sandbox and in the tests.
 */
public final class Scripts {
  private Scripts() {
  }

  /** Runs a member: waits for its data (initdb or seed Job), then PostgreSQL. */
  public static final String ENTRYPOINT = "member-entrypoint.sh";
  /** The initdb Job: the bootstrap primary's first data. */
  public static final String INITDB = "initdb.sh";
  /** The seed Job: pg_basebackup into staging, verify, swap. */
  public static final String SEED = "seed.sh";
  /** A base backup with pgBackRest, run in the member's container. */
  public static final String BACKUP = "backup.sh";
  /** The standby's side of a base backup: pgBackRest's TLS server, in the member's sidecar (BackupServer). */
  public static final String BACKUP_SERVER = "backup-server.sh";
  /** The restore Job: the bootstrap primary's first data from a backup, replayed to the target. */
  public static final String RESTORE = "restore.sh";
  /** Functions sourced by the scripts above. */
  public static final String COMMON = "pks-common.sh";

  public static final List<String> ALL = List.of(COMMON, ENTRYPOINT, INITDB, SEED, BACKUP, BACKUP_SERVER,
      RESTORE);

  /**
   * The exit status of a Job's script that refuses to act on what it found (pks-common.sh's
   * {@code refuse}): running it again gives the same answer, so the lifecycle asks a human.
   */
  public static final int REFUSED_EXIT_CODE = 3;

  /** The first word of seed.sh's report when pg_rewind made the member the primary's standby. */
  public static final String REWOUND = "rewound";
  /** The first word of seed.sh's report when a copy of the primary made the member its standby. */
  public static final String COPIED = "copied";

  private static final Map<String, String> TEXTS = ALL.stream()
      .collect(Collectors.toUnmodifiableMap(Function.identity(), Scripts::load));

  /**
   * The scripts' version: the first 10 hex digits of the SHA-256 of their texts, so a new text is a
   * new ConfigMap ({@link Names#scriptsConfigMap}) and pods that mount the old one are outdated.
   */
  public static final String VERSION = ConfigMaps.hash(TEXTS).substring(0, 10);

  /** Every script's text by file name; read from the classpath once. */
  public static Map<String, String> texts() {
    return TEXTS;
  }

  private static String load(String name) {
    String resource = "/scripts/" + name;
    try (InputStream in = Scripts.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }
}
