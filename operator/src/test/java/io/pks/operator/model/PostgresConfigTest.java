package io.pks.operator.model;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.pks.operator.GeneratedFiles;
import io.pks.operator.TestPairs;
import io.pks.operator.api.v1alpha1.PksReplicaPair;

import static org.assertj.core.api.Assertions.assertThat;

class PostgresConfigTest {
  private static final MemberNetwork NETWORK = new ClusterNetwork("cluster.local");

  @Test
  void postgresqlConfOfTheExampleIsTheGoldenText() {
    GeneratedFiles.assertCommitted(Path.of("operator/src/test/resources/golden/example-postgresql.conf"),
        PostgresqlConf.render(TestPairs.example()));
  }

  @Test
  void pgHbaConfOfTheExampleIsTheGoldenText() {
    GeneratedFiles.assertCommitted(Path.of("operator/src/test/resources/golden/example-pg_hba.conf"),
        PgHbaConf.render(TestPairs.example(), NETWORK));
  }

  @Test
  void archivingIsOffUnlessACommandIsGiven() {
    assertThat(PostgresqlConf.render(TestPairs.example())).contains("archive_mode = 'off'")
        .doesNotContain("archive_command");
    PksReplicaPair archiving = TestPairs.example(json ->
        TestPairs.spec(json).with("replication").put("archiveCommand", "cp %p /archive/%f"));
    assertThat(PostgresqlConf.render(archiving))
        .contains("archive_mode = 'on'\narchive_command = 'cp %p /archive/%f'\n");
  }

  @Test
  void synchronousStandbyNamesIsNeverInTheFile() {
    // Set before the standby streams, it makes every commit wait: the operator sets it at runtime.
    assertThat(PostgresqlConf.render(TestPairs.example())).doesNotContain("synchronous_standby_names");
  }

  @Test
  void userValuesCannotEndTheirLiteral() {
    PksReplicaPair pair = TestPairs.example(json -> TestPairs.spec(json).with("postgres").with("parameters")
        .put("log_line_prefix", "x' archive_command = 'rm \\"));
    assertThat(PostgresqlConf.render(pair))
        .contains("log_line_prefix = 'x'' archive_command = ''rm \\\\'\n");
  }

  @Test
  void userParametersComeAfterTheOperatorsSortedByName() {
    String conf = PostgresqlConf.render(TestPairs.example());
    assertThat(conf.indexOf("password_encryption")).isLessThan(conf.indexOf("log_min_duration_statement"));
    assertThat(conf.indexOf("log_min_duration_statement")).isLessThan(conf.indexOf("max_connections"));
    assertThat(conf.indexOf("max_connections")).isLessThan(conf.indexOf("shared_buffers"));
  }

  @Test
  void thePodsOsUserMayLogInAsTheMonitoringRoleOnly() {
    List<String> maps = PgHbaConf.renderIdent(TestPairs.example()).lines()
        .filter(line -> !line.startsWith("#"))
        .map(line -> String.join(" ", line.trim().split("\\s+")))
        .toList();
    assertThat(maps).containsExactly("pks-monitor /^.*$ pks_monitor");
  }

  @Test
  void replicationIsOnlyForTheReplicationRoleFromTheMembersAndAllowedNetworks() {
    PksReplicaPair pair = TestPairs.example(json -> TestPairs.spec(json).with("replication")
        .putArray("allowedCidrs").add("10.0.3.0/24"));
    List<String> rules = PgHbaConf.render(pair, NETWORK).lines()
        .filter(line -> !line.startsWith("#"))
        .map(line -> String.join(" ", line.trim().split("\\s+")))
        .toList();
    assertThat(rules).containsExactly(
        "local postgres pks_monitor peer map=pks-monitor",
        "local all all scram-sha-256",
        "host replication repuser pks-site-a-0.pks-site-a.telephony.svc.cluster.local scram-sha-256",
        "host replication repuser pks-site-a-seed.pks-seed.telephony.svc.cluster.local scram-sha-256",
        "host replication repuser pks-site-b-0.pks-site-b.telephony.svc.cluster.local scram-sha-256",
        "host replication repuser pks-site-b-seed.pks-seed.telephony.svc.cluster.local scram-sha-256",
        "host replication repuser 10.0.3.0/24 scram-sha-256",
        "host replication all all reject",
        "host all repuser all reject",
        "host all all all scram-sha-256");
    assertThat(rules).noneMatch(rule -> rule.endsWith(" md5") || rule.endsWith(" trust")
        || rule.endsWith(" password"));
  }

  @Test
  void withTlsReplicationIsAllowedOverTlsOnly() {
    PksReplicaPair pair = TestPairs.example(json -> TestPairs.spec(json).with("replication").putObject("tls")
        .put("certificateSecret", "pks-db-tls"));
    List<String> rules = PgHbaConf.render(pair, NETWORK).lines()
        .filter(line -> line.contains("replication"))
        .map(line -> String.join(" ", line.trim().split("\\s+")))
        .toList();
    assertThat(rules).containsExactly(
        "hostssl replication repuser pks-site-a-0.pks-site-a.telephony.svc.cluster.local scram-sha-256",
        "hostssl replication repuser pks-site-a-seed.pks-seed.telephony.svc.cluster.local scram-sha-256",
        "hostssl replication repuser pks-site-b-0.pks-site-b.telephony.svc.cluster.local scram-sha-256",
        "hostssl replication repuser pks-site-b-seed.pks-seed.telephony.svc.cluster.local scram-sha-256",
        "host replication all all reject");
    // ssl and its files are the member's own, passed by its entrypoint: never in the shared file.
    assertThat(PostgresqlConf.render(pair)).doesNotContain("ssl");
  }
}
