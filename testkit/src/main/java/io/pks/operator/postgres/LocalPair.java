package io.pks.operator.postgres;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.pks.operator.TestPairs;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.sandbox.PostgresBinaries;
import io.pks.operator.sandbox.ScriptLauncher;
import io.pks.operator.model.ConfigMaps;
import io.pks.operator.model.LoopbackNetwork;
import io.pks.operator.model.Names;
import io.pks.operator.model.PodLayout;
import io.pks.operator.model.Scripts;
import io.pks.operator.model.Secrets;
import io.pks.operator.validation.AppliedState;
import io.pks.operator.validation.SpecValidator;
import io.pks.operator.validation.Violation;

/**
 * A pair on this machine, laid out like the pods: the operator's own ConfigMap (postgresql.conf,
 * pg_hba.conf rendered for the loopback network, and the scripts) written to a config and a scripts
 * folder, the two Secrets as files, and one folder per member. site-a starts as the primary.
 */
final class LocalPair implements AutoCloseable {
  static final String NAME = "it";
  static final String SITE_A = "site-a";
  static final String SITE_B = "site-b";
  /** With ':' and '\' for the passfile, and quotes for SQL and shell: none may break anything. */
  private static final String AWKWARD = ":\\'\"$ ";

  final Path root;
  final PksReplicaPair resource;
  final Credentials superuser;
  final Credentials replication;
  final PgConnector connector;
  final LocalMember siteA;
  final LocalMember siteB;

  private LocalPair(Path root, Consumer<ObjectNode> specEdit, Path objectStoreSecret) throws IOException {
    this.root = root;
    this.resource = resource(specEdit);
    this.superuser = new Credentials(Secrets.DEFAULT_SUPERUSER, password());
    this.replication = new Credentials(resource.getSpec().replication().user(), password());
    this.connector = new PgConnector(superuser, PgConnector.Timeouts.DEFAULT);

    ConfigMap configMap = ConfigMaps.build(resource, new LoopbackNetwork(Map.of()));
    Path configDir = write(root.resolve("config"), configMap.getData(),
        configMap.getData().keySet().stream().filter(key -> !Scripts.ALL.contains(key)).toList());
    Path scriptsDir = write(root.resolve("scripts"), configMap.getData(), Scripts.ALL);
    Path superuserDir = secret("superuser", superuser);
    Path replicationDir = secret("replication", replication);
    Path tlsDir = resource.getSpec().replication().tlsSecret().isPresent()
        ? Certificates.selfSigned(root.resolve("secrets").resolve("tls"), true) : null;
    ScriptLauncher.own(root);

    int portA = freePort();
    int portB = freePort();
    Map<String, String> environment = new LinkedHashMap<>();
    environment.put("PATH", PostgresBinaries.bindir() + ":/usr/bin:/bin");
    environment.put(PodLayout.ENV_PAIR, NAME);
    environment.put(PodLayout.ENV_CONFIG_DIR, configDir.toString());
    environment.put(PodLayout.ENV_SUPERUSER_SECRET_DIR, superuserDir.toString());
    environment.put(PodLayout.ENV_REPLICATION_SECRET_DIR, replicationDir.toString());
    environment.put(PodLayout.ENV_PRIMARY_HOST, LoopbackNetwork.LOOPBACK_HOST);
    environment.put(PodLayout.ENV_REPLICATION_USER, replication.user());
    if (tlsDir != null) {
      environment.put(PodLayout.ENV_TLS_DIR, tlsDir.toString());
    }
    objectStoreEnvironment(environment, objectStoreSecret);
    this.siteA = new LocalMember(SITE_A, portA, root.resolve(SITE_A), scriptsDir,
        memberEnvironment(environment, SITE_A, portB));
    this.siteB = new LocalMember(SITE_B, portB, root.resolve(SITE_B), scriptsDir,
        memberEnvironment(environment, SITE_B, portA));
  }

  /** @param specEdit changes to a spec of two members, site-a primary, defaults elsewhere */
  static LocalPair create(Consumer<ObjectNode> specEdit) throws IOException {
    return create(specEdit, null);
  }

  /**
   * @param objectStoreSecret the folder of the object store's Secret (accessKeyId,
   *     secretAccessKey, ca.crt), mounted for spec.backup and spec.bootstrap.recovery alike
   */
  static LocalPair create(Consumer<ObjectNode> specEdit, Path objectStoreSecret) throws IOException {
    return new LocalPair(Files.createTempDirectory("pks-it-"), specEdit, objectStoreSecret);
  }

  /** What the operator gives the member and its Jobs when the pair archives or is restored. */
  private void objectStoreEnvironment(Map<String, String> environment, Path objectStoreSecret) {
    resource.getSpec().backups().ifPresent(backup -> {
      environment.put(PodLayout.ENV_STANZA, NAME);
      environment.put(PodLayout.ENV_BACKUP_SECRET_DIR, objectStoreSecret.toString());
      environment.put(PodLayout.ENV_BACKUP_CA_DIR, objectStoreSecret.toString());
    });
    resource.getSpec().recovery().ifPresent(recovery -> {
      environment.put(PodLayout.ENV_RECOVERY_SOURCE, recovery.sourceOr(NAME));
      environment.put(PodLayout.ENV_RECOVERY_SECRET_DIR, objectStoreSecret.toString());
      environment.put(PodLayout.ENV_RECOVERY_CA_DIR, objectStoreSecret.toString());
      if (recovery.targetTime() != null) {
        environment.put(PodLayout.ENV_RECOVERY_TARGET_TIME, recovery.targetTime());
      }
      if (recovery.targetLSN() != null) {
        environment.put(PodLayout.ENV_RECOVERY_TARGET_LSN, recovery.targetLSN());
      }
    });
  }

  /** A standby's primary is its peer; its slot is named after itself, as in the StatefulSet. */
  private static Map<String, String> memberEnvironment(Map<String, String> pairEnvironment,
      String member, int peerPort) {
    Map<String, String> environment = new LinkedHashMap<>(pairEnvironment);
    environment.put(PodLayout.ENV_PRIMARY_PORT, Integer.toString(peerPort));
    environment.put(PodLayout.ENV_SLOT, Names.replicationSlot(member));
    return environment;
  }

  /** What site-a, as primary, reports on site-b. */
  MemberProbe.Peer siteBAsPeer() {
    return new MemberProbe.Peer(SITE_B, Names.replicationSlot(SITE_B));
  }

  /** What site-b, as primary after a promotion, reports on site-a. */
  MemberProbe.Peer siteAAsPeer() {
    return new MemberProbe.Peer(SITE_A, Names.replicationSlot(SITE_A));
  }

  /** initdb (the initdb Job) and first start of site-a as primary; returns the initdb run. */
  LocalMember.JobRun bootstrapPrimary() throws IOException, InterruptedException {
    LocalMember.JobRun initdb = siteA.initdb();
    if (initdb.exitCode() != 0) {
      throw new IllegalStateException("initdb failed: " + initdb.stderr());
    }
    siteA.start();
    siteA.awaitReady();
    return initdb;
  }

  /** The replication role and site-b's slot on site-a, as the operator sets them up. */
  void setUpReplication() throws SQLException {
    ReplicationSetup setup = new ReplicationSetup(connector);
    setup.ensureRole(siteA.endpoint(), replication, resource.getSpec().replication().connectionLimit());
    setup.ensureSlot(siteA.endpoint(), Names.replicationSlot(SITE_B));
  }

  /** Seeds site-b from site-a and starts it; returns the seed's run. */
  LocalMember.JobRun seedAndStartStandby() throws IOException, InterruptedException {
    LocalMember.JobRun seed = siteB.seed(Map.of());
    if (seed.exitCode() != 0) {
      throw new IllegalStateException("seed failed: " + seed.stderr());
    }
    siteB.start();
    siteB.awaitReady();
    awaitStreaming(siteA, SITE_B);
    return seed;
  }

  void awaitStreaming(LocalMember primary, String standby) {
    await(standby + " streaming from " + primary.name).atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> "streaming".equals(queryString(primary,
            "SELECT state FROM pg_stat_replication WHERE application_name = '" + standby + "'")));
  }

  /** The first column of the first row, or null when there is no row. */
  String queryString(LocalMember member, String sql) throws SQLException {
    try (Connection connection = connector.open(member.endpoint());
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(sql)) {
      return row.next() ? row.getString(1) : null;
    }
  }

  void execute(LocalMember member, String... sql) throws SQLException {
    try (Connection connection = connector.open(member.endpoint());
        Statement statement = connection.createStatement()) {
      for (String each : sql) {
        statement.execute(each);
      }
    }
  }

  /** Writes a file as the scripts' user would find it. */
  void writeFile(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
    ScriptLauncher.own(file.getParent());
  }

  String logs() throws IOException {
    return siteA.logs() + siteB.logs();
  }

  @Override
  public void close() throws IOException {
    siteA.stop();
    siteB.stop();
    deleteRecursively(root);
  }

  static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(path)) {
      for (Path each : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(each);
      }
    }
  }

  /** A valid resource, as the operator would have accepted it before rendering anything. */
  private static PksReplicaPair resource(Consumer<ObjectNode> specEdit) {
    ObjectNode json = TestPairs.minimalJson();
    json.putObject("metadata").put("name", NAME).put("namespace", "pks-it");
    specEdit.accept(TestPairs.spec(json));
    PksReplicaPair pair = TestPairs.fromJson(json);
    List<Violation> violations = SpecValidator.validate(pair, AppliedState.NONE);
    if (!violations.isEmpty()) {
      throw new IllegalArgumentException("the operator would refuse this pair: " + violations);
    }
    return pair;
  }

  private static Path write(Path dir, Map<String, String> data, List<String> keys) throws IOException {
    Files.createDirectories(dir);
    for (String key : keys) {
      Files.writeString(dir.resolve(key), data.get(key));
    }
    return dir;
  }

  /** A Secret volume: one file per key, no trailing newline, readable by its user only. */
  private Path secret(String name, Credentials credentials) throws IOException {
    Path dir = Files.createDirectories(root.resolve("secrets").resolve(name));
    Files.writeString(dir.resolve(Secrets.USERNAME), credentials.user());
    Files.writeString(dir.resolve(Secrets.PASSWORD), new String(credentials.password()));
    for (String key : List.of(Secrets.USERNAME, Secrets.PASSWORD)) {
      Files.setPosixFilePermissions(dir.resolve(key), PosixFilePermissions.fromString("rw-------"));
    }
    return dir;
  }

  /** A generated password, as the operator makes them, with awkward characters added. */
  private static char[] password() {
    return (Secrets.PasswordSource.RANDOM.next() + AWKWARD).toCharArray();
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
