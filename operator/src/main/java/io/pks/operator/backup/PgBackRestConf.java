package io.pks.operator.backup;

import java.net.URI;
import java.util.Optional;

import io.pks.operator.api.v1alpha1.ObjectStore;

/**
 * The part of pgBackRest's configuration the operator knows: the repository in the object store
 * and how WAL is pushed. It carries no secret: the member's scripts append the keys from the
 * mounted Secret files, the CA file and the member's own paths when they write the file pgBackRest
 * reads (see write_pgbackrest_config in pks-common.sh).
 */
public final class PgBackRestConf {
  private PgBackRestConf() {
  }

  /**
   * Upper bound of WAL waiting in the async spool for the store. Past it pgBackRest drops WAL and
   * reports success, so a store that stays unreachable never fills the data volume and stops the
   * primary; the archive then has a gap until the next base backup, which the status reports.
   */
  public static final String ARCHIVE_PUSH_QUEUE_MAX = "4GiB";

  /**
   * @param retentionDays days a full backup is kept (with the WAL only it needs); empty: forever
   */
  public static String render(ObjectStore store, Optional<Integer> retentionDays) {
    URI endpoint = URI.create(store.endpoint());
    StringBuilder conf = new StringBuilder()
        .append("# pgBackRest repository, rendered by pks-operator; the scripts add the credentials.\n")
        .append("[global]\n");
    option(conf, "repo1-type", "s3");
    option(conf, "repo1-s3-endpoint", endpoint.getHost());
    option(conf, "repo1-storage-port", Integer.toString(endpoint.getPort() == -1 ? 443 : endpoint.getPort()));
    // Path-style URLs work with every S3-compatible store and with endpoints given as addresses.
    option(conf, "repo1-s3-uri-style", "path");
    option(conf, "repo1-s3-bucket", store.bucket());
    option(conf, "repo1-s3-region", store.regionOrDefault());
    option(conf, "repo1-path", store.repositoryPath());
    // Small files are bundled into a few objects: a cluster's thousand-odd small files then cost a
    // few requests to back up, restore and expire rather than one each, and each request to a
    // store costs a round trip.
    option(conf, "repo1-bundle", "y");
    retentionDays.ifPresent(days -> {
      option(conf, "repo1-retention-full-type", "time");
      option(conf, "repo1-retention-full", days.toString());
    });
    // A background process pushes the segments waiting in pg_wal ahead of PostgreSQL's requests,
    // in batches, so archiving keeps up with bursts of WAL on a store with slow requests.
    option(conf, "archive-async", "y");
    option(conf, "archive-push-queue-max", ARCHIVE_PUSH_QUEUE_MAX);
    option(conf, "compress-type", "lz4");
    option(conf, "start-fast", "y");
    option(conf, "log-level-console", "info");
    option(conf, "log-level-file", "off");
    return conf.toString();
  }

  private static void option(StringBuilder conf, String name, String value) {
    conf.append(name).append('=').append(value).append('\n');
  }
}
