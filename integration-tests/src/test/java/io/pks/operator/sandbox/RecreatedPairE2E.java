package io.pks.operator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.pks.operator.api.v1alpha1.Phase;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.reconciler.EventReason;

/**
 * Issue 14, item 3, measured as a user would meet it: after a failover and 500 rows committed on
 * the new primary site-b, the pair is deleted under deletionPolicy: Retain and the original
 * manifest (primary: site-a) applied again. The pair must refuse to re-seed site-b from site-a's
 * older data, name site-b as the member with the newer data, and keep every row once the user
 * sets spec.primary: site-b as the refusal says.
 */
class RecreatedPairE2E {
  private static final String A = "site-a";
  private static final String B = "site-b";
  private static final int NEWER_ROWS = 500;

  private static SandboxFixture fixture;
  private static Sandbox sandbox;

  @BeforeAll
  static void startSandbox() {
    fixture = SandboxFixture.start("recreated");
    sandbox = fixture.sandbox;
  }

  @AfterAll
  static void stop() throws Exception {
    fixture.close();
  }

  @Test
  void aPairRecreatedWithTheStaleMemberAsPrimaryRefusesToDiscardTheNewerRows() throws Exception {
    SandboxPair pair = SandboxPair.create(sandbox, "recreated", json -> { });
    pair.awaitSynchronous(A);
    execute(pair, "CREATE TABLE calls (id int)", "INSERT INTO calls VALUES (0)");
    pair.nodeDown(A);
    pair.awaitStatus("site-b promoted", p -> B.equals(p.getStatus().currentPrimary()));
    await("-rw reaches the promoted site-b").atMost(SandboxPair.BOUND).ignoreExceptions()
        .until(() -> count(pair) == 1);
    execute(pair, "INSERT INTO calls SELECT generate_series(1, " + NEWER_ROWS + ")");

    List<String> members = pair.delete();
    pair.nodeBack(A);
    pair.awaitStopped(members);
    SandboxPair recreated = SandboxPair.create(sandbox, "recreated", json -> { });

    PksReplicaPair refused = recreated.awaitStatus("the seed refused", p -> p.getStatus().phase() == Phase.Failed);
    System.out.println("RECREATED pair refuses: " + refused.getStatus().message());
    assertThat(refused.getStatus().message()).contains("refused to seed site-b from primary site-a")
        .contains("site-b holds newer data than the primary").contains("set spec.primary: site-b");
    assertThat(recreated.awaitEvents(EventReason.SeedRefused)).as("Events of the pair").isNotEmpty();

    recreated.requestPrimary(B);
    recreated.awaitSynchronous(B);
    assertThat(count(recreated)).as("rows after the re-created pair streams from site-b").isEqualTo(NEWER_ROWS + 1);
  }

  private static void execute(SandboxPair pair, String... sql) throws Exception {
    try (Connection connection = pair.connect(pair.readWrite()); Statement statement = connection.createStatement()) {
      for (String each : sql) {
        statement.execute(each);
      }
    }
  }

  private static long count(SandboxPair pair) throws Exception {
    try (Connection connection = pair.connect(pair.readWrite()); Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SELECT count(*) FROM calls")) {
      row.next();
      return row.getLong(1);
    }
  }
}
