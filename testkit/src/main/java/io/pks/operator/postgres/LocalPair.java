package io.pks.operator.postgres;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.pks.operator.TestPairs;
import io.pks.operator.api.v1alpha1.ObjectStore;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.model.BackupCertificates;
import io.pks.operator.model.ConfigMaps;
import io.pks.operator.model.LoopbackNetwork;
import io.pks.operator.model.Names;
import io.pks.operator.model.Secrets;
import io.pks.operator.sandbox.PodSources;
import io.pks.operator.sandbox.ScriptLauncher;
import io.pks.operator.validation.AppliedState;
import io.pks.operator.validation.SpecValidator;
import io.pks.operator.validation.Violation;

/**
 * A pair on this machine, run from what the operator renders: its ConfigMap (postgresql.conf and
 * pg_hba.conf for the loopback network), the namespace's scripts' ConfigMap, its two Secrets, and
 * each member's pods (the StatefulSet's, the initdb and seed Jobs') run as local processes by the
 * sandbox's container code, with a folder per member as its data claim. site-a starts as the primary.
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

    Map<String, Secret> secrets = new HashMap<>();
    secrets.put(Names.superuserSecret(resource), secret(Names.superuserSecret(resource), superuser));
    secrets.put(Names.replicationSecret(resource), secret(Names.replicationSecret(resource), replication));
    resource.getSpec().replication().tlsSecret().ifPresent(tls -> secrets.put(tls, tlsSecret(tls)));
    for (ObjectStore store : objectStores()) {
      secrets.put(store.credentialsSecret(), files(store.credentialsSecret(), objectStoreSecret));
      if (store.caSecret() != null) {
        secrets.put(store.caSecret(), files(store.caSecret(), objectStoreSecret));
      }
    }
    if (resource.getSpec().backups().isPresent()) {
      // The members' pods mount the backups' TLS Secret, issued as the operator issues it.
      secrets.put(Names.backupTlsSecret(resource.getMetadata().getName()), BackupCertificates.secret(resource,
          BackupCertificates.Issuer.ofClock(Clock.systemUTC()).issue(resource, List.of(LoopbackNetwork.LOOPBACK_HOST))));
    }
    PodSources sources = new Sources(List.of(ConfigMaps.build(resource, new LoopbackNetwork(Map.of())),
        ConfigMaps.scripts(resource.getMetadata().getNamespace())), secrets);
    ScriptLauncher.own(root);

    int portA = freePort();
    int portB = freePort();
    this.siteA = new LocalMember(resource, SITE_A, portA, portB, root.resolve(SITE_A), sources);
    this.siteB = new LocalMember(resource, SITE_B, portB, portA, root.resolve(SITE_B), sources);
  }

  /** The objects the operator would have made for the pair, and a folder per member as its claim. */
  private final class Sources implements PodSources {
    private final List<ConfigMap> configMaps;
    private final Map<String, Secret> secrets;

    Sources(List<ConfigMap> configMaps, Map<String, Secret> secrets) {
      this.configMaps = configMaps;
      this.secrets = secrets;
    }

    @Override
    public ConfigMap configMap(String namespace, String name) {
      return configMaps.stream().filter(configMap -> configMap.getMetadata().getName().equals(name))
          .findFirst().orElse(null);
    }

    @Override
    public Secret secret(String namespace, String name) {
      return secrets.get(name);
    }

    @Override
    public Path claim(String namespace, String claim) {
      for (String member : List.of(SITE_A, SITE_B)) {
        if (claim.equals(Names.dataClaim(NAME, member))) {
          return claimFolder(member);
        }
      }
      return null;
    }
  }

  /** The member's data volume, made at once (a claim bound) and owned by the scripts' user. */
  private Path claimFolder(String member) {
    try {
      Path claim = Files.createDirectories(root.resolve(member).resolve("data"));
      ScriptLauncher.own(root.resolve(member));
      return claim;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** @param specEdit changes to a spec of two members, site-a primary, defaults elsewhere */
  static LocalPair create(Consumer<ObjectNode> specEdit) throws IOException {
    return create(specEdit, null);
  }

  /**
   * @param objectStoreSecret a folder with the object store's Secret keys (accessKeyId,
   *     secretAccessKey, ca.crt), the Secrets that spec.backup and spec.bootstrap.recovery name
   */
  static LocalPair create(Consumer<ObjectNode> specEdit, Path objectStoreSecret) throws IOException {
    return new LocalPair(Files.createTempDirectory("pks-it-"), specEdit, objectStoreSecret);
  }

  /** The object stores the spec names: the backups' and the recovery's. */
  private List<ObjectStore> objectStores() {
    List<ObjectStore> stores = new ArrayList<>();
    resource.getSpec().backups().ifPresent(backup -> stores.add(backup.objectStore()));
    resource.getSpec().recovery().ifPresent(recovery -> stores.add(recovery.objectStore()));
    return stores;
  }

  /** A Secret with one key per file of {@code folder}. */
  private static Secret files(String name, Path folder) {
    SecretBuilder secret = new SecretBuilder().withNewMetadata().withName(name).endMetadata();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path file : files.toList()) {
        secret.addToStringData(file.getFileName().toString(), Files.readString(file));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return secret.build();
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

  /** The replication role, pg_walinspect and site-b's slot on site-a, as the operator sets them up. */
  void setUpReplication() throws SQLException {
    ReplicationSetup setup = new ReplicationSetup(connector);
    setup.ensureRole(siteA.endpoint(), replication, resource.getSpec().replication().connectionLimit());
    setup.ensureWalInspect(siteA.endpoint());
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

  /** site-a bootstrapped and streaming to site-b, with a table "calls" of one row both have. */
  void streamWithATable() throws IOException, InterruptedException, SQLException {
    bootstrapPrimary();
    setUpReplication();
    seedAndStartStandby();
    execute(siteA, "CREATE TABLE calls (id int)", "INSERT INTO calls VALUES (0)");
    // Until replayed, the table is missing on site-b: the query fails, and is asked again.
    await("the row on site-b").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
        .until(() -> queryString(siteB, "SELECT count(*) FROM calls"), "1"::equals);
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

  /** A Secret as the operator generates it: the user and the password. */
  private Secret secret(String name, Credentials credentials) {
    return new SecretBuilder().withNewMetadata().withName(name).endMetadata()
        .addToStringData(Secrets.USERNAME, credentials.user())
        .addToStringData(Secrets.PASSWORD, new String(credentials.password()))
        .build();
  }

  /** The replication TLS Secret: a self-signed certificate that is its own CA. */
  private Secret tlsSecret(String name) {
    try {
      Path files = Certificates.selfSigned(root.resolve("certificates"), true);
      SecretBuilder secret = new SecretBuilder().withNewMetadata().withName(name).endMetadata();
      for (String key : List.of("tls.crt", "tls.key", "ca.crt")) {
        secret.addToStringData(key, Files.readString(files.resolve(key)));
      }
      return secret.build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
