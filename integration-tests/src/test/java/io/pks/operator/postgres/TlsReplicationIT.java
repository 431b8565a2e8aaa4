package io.pks.operator.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGProperty;

import io.pks.operator.model.PodLayout;
import io.pks.operator.model.Scripts;
import io.pks.operator.sandbox.ScriptLauncher;

/**
 * Replication over TLS (spec.replication.tls) on real PostgreSQL, with a certificate made by
 * openssl for the test: the members serve it, the seed and the standby connect with
 * sslmode=verify-ca against the Secret's ca.crt, and a replication connection without TLS is
 * refused by pg_hba.conf.
 */
class TlsReplicationIT {

  @RegisterExtension
  static final LocalPostgres POSTGRES = new LocalPostgres();

  private static LocalPair pair;

  @BeforeAll
  static void streamOverTls() throws Exception {
    pair = POSTGRES.newPair(spec -> spec.with("replication").putObject("tls").put("certificateSecret", "it-tls"));
    pair.bootstrapPrimary();
    pair.setUpReplication();
    pair.seedAndStartStandby();
  }

  @Test
  void theStandbyStreamsOverVerifiedTls() throws SQLException {
    assertThat(pair.queryString(pair.siteA, "SELECT s.ssl::text || ' ' || s.version FROM pg_stat_replication r"
        + " JOIN pg_stat_ssl s USING (pid) WHERE r.application_name = '" + LocalPair.SITE_B + "'"))
        .matches("true TLSv1\\.[23]");
    assertThat(pair.queryString(pair.siteB, "SHOW primary_conninfo")).contains("sslmode=verify-ca");
  }

  @Test
  void replicationWithoutTlsIsRefused() throws SQLException {
    assertThatThrownBy(() -> replicationSession("disable").close())
        .hasMessageContaining("pg_hba.conf rejects replication connection")
        .hasMessageContaining("no encryption");
    try (Connection encrypted = replicationSession("require");
        Statement statement = encrypted.createStatement();
        ResultSet row = statement.executeQuery("IDENTIFY_SYSTEM")) {
      assertThat(row.next()).isTrue();
    }
  }

  @Test
  void aSeedThatCannotVerifyThePrimaryFailsAndSaysWhy() throws Exception {
    Path otherCa = Certificates.selfSigned(pair.root.resolve("other-ca"), true);
    Path tls = Path.of(pair.siteB.environment(PodLayout.ENV_TLS_DIR));
    Path wrong = Files.createDirectories(pair.root.resolve("wrong-ca"));
    Files.copy(tls.resolve("tls.crt"), wrong.resolve("tls.crt"));
    Files.copy(tls.resolve("tls.key"), wrong.resolve("tls.key"));
    Files.copy(otherCa.resolve("ca.crt"), wrong.resolve("ca.crt"));
    ScriptLauncher.own(wrong);

    LocalMember.JobRun seed = pair.siteB.seed(Map.of(PodLayout.ENV_TLS_DIR, wrong.toString()));

    assertThat(seed.exitCode()).isEqualTo(1);
    assertThat(seed.stderr()).contains("certificate is not signed by ca.crt of the TLS Secret")
        .contains("previous data").contains("left untouched");
  }

  /** Without ca.crt the connection is encrypted but not verified; without a certificate, as before. */
  @Test
  void theConninfoFollowsTheSecret() throws Exception {
    Path tls = Path.of(pair.siteB.environment(PodLayout.ENV_TLS_DIR));
    Path withoutCa = Files.createDirectories(pair.root.resolve("without-ca"));
    Files.copy(tls.resolve("tls.crt"), withoutCa.resolve("tls.crt"));

    assertThat(conninfo(tls)).endsWith(" sslmode=verify-ca sslrootcert='" + tls.resolve("ca.crt") + "'");
    assertThat(conninfo(withoutCa)).endsWith("application_name='x' sslmode=require");
    assertThat(conninfo(null)).endsWith("application_name='x'");
  }

  /** replication_conninfo of pks-common.sh, with the TLS folder {@code tls} (none when null). */
  private static String conninfo(Path tls) throws Exception {
    Path common = Path.of(pair.siteB.environment(PodLayout.ENV_CONFIG_DIR)).resolveSibling("scripts")
        .resolve(Scripts.COMMON);
    ProcessBuilder shell = new ProcessBuilder("/bin/sh", "-c", ". \"$0\"; replication_conninfo x", common.toString());
    shell.environment().clear();
    shell.environment().putAll(Map.of(PodLayout.ENV_PGDATA, "/data/pgdata", PodLayout.ENV_RUN_DIR, "/run",
        PodLayout.ENV_PRIMARY_HOST, "p-rw", PodLayout.ENV_PRIMARY_PORT, "5432",
        PodLayout.ENV_REPLICATION_USER, "repuser", "PATH", "/usr/bin:/bin"));
    if (tls != null) {
      shell.environment().put(PodLayout.ENV_TLS_DIR, tls.toString());
    }
    Process process = shell.redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as(output).isZero();
    return output;
  }

  private static Connection replicationSession(String sslmode) throws SQLException {
    Properties properties = new Properties();
    PGProperty.USER.set(properties, pair.replication.user());
    PGProperty.PASSWORD.set(properties, new String(pair.replication.password()));
    PGProperty.SSL_MODE.set(properties, sslmode);
    PGProperty.CONNECT_TIMEOUT.set(properties, 5);
    PGProperty.REPLICATION.set(properties, "true");
    PGProperty.ASSUME_MIN_SERVER_VERSION.set(properties, "9.4");
    PGProperty.PREFER_QUERY_MODE.set(properties, "simple");
    return DriverManager.getConnection(pair.siteA.endpoint().jdbcUrl(), properties);
  }
}
