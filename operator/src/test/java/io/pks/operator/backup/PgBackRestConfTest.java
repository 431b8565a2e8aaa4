package io.pks.operator.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;

import io.pks.operator.TestPairs;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.model.ConfigMaps;
import io.pks.operator.model.LoopbackNetwork;
import io.pks.operator.model.PodLayout;

/** What a pair with spec.backup renders: archiving through pgBackRest, and a repository without keys. */
class PgBackRestConfTest {

  private static final PksReplicaPair PAIR = TestPairs.example(json -> {
    ObjectNode backup = TestPairs.spec(json).putObject("backup").put("retention", "7d");
    backup.putObject("objectStore").put("endpoint", "https://s3.example.com:9000").put("bucket", "pks-backups")
        .put("path", "/telephony/pks/").put("credentialsSecret", "pks-s3");
  });

  private static final Map<String, String> DATA = ConfigMaps.build(PAIR, new LoopbackNetwork(Map.of())).getData();

  @Test
  void bothMembersArchiveWithPgBackRestIntoThePairsStanza() {
    String stanza = PAIR.getMetadata().getName();
    assertThat(DATA.get(PodLayout.POSTGRESQL_CONF))
        .contains("archive_mode = 'on'\n")
        .contains("archive_command = 'pgbackrest --stanza=" + stanza + " archive-push %p'\n")
        .contains("archive_timeout = '60s'\n")
        .contains("restore_command = 'pgbackrest --stanza=" + stanza + " archive-get %f \"%p\"'\n");
  }

  @Test
  void repositoryNamesTheStoreRetentionAndAsyncPushButNoKey() {
    assertThat(DATA.get(PodLayout.PGBACKREST_CONF))
        .contains("repo1-type=s3\n", "repo1-bundle=y\n", "repo1-s3-endpoint=s3.example.com\n",
            "repo1-storage-port=9000\n",
            "repo1-s3-bucket=pks-backups\n", "repo1-path=/telephony/pks\n", "repo1-s3-region=us-east-1\n",
            "repo1-retention-full-type=time\n", "repo1-retention-full=7\n", "archive-async=y\n",
            "archive-push-queue-max=4GiB\n")
        .doesNotContain("repo1-s3-key");
    assertThat(DATA).doesNotContainKey(PodLayout.PGBACKREST_RECOVERY_CONF);
  }

  @Test
  void aPairWithoutBackupRendersNoRepository() {
    Map<String, String> data = ConfigMaps.build(TestPairs.example(), new LoopbackNetwork(Map.of())).getData();
    assertThat(data).doesNotContainKey(PodLayout.PGBACKREST_CONF);
    assertThat(data.get(PodLayout.POSTGRESQL_CONF)).doesNotContain("pgbackrest");
  }
}
