package io.pks.operator.sandbox;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.Consumer;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A sandbox in its network mode with its object store (S3Proxy over HTTPS), the store's Secret
 * copied into {@link #namespace}, for one test class of backups and restores: registered with
 * {@code @RegisterExtension} on a static field, it starts before the class's first test and stops
 * after its last.
 */
public final class ObjectStoreSandbox implements BeforeAllCallback, AfterAllCallback {
  public final String namespace;
  private final String name;
  private SandboxFixture fixture;
  private SandboxObjectStore store;

  /**
   * @param name the sandbox's, short: a member's socket path, under the sandbox's temporary folder
   *     and its pod's name, must fit in the 107 bytes a Unix socket's path may have
   */
  public ObjectStoreSandbox(String name, String namespace) {
    this.name = name;
    this.namespace = namespace;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    fixture = SandboxFixture.start(name, Sandbox.Networking.CLUSTER);
    fixture.sandbox.ensureNamespace(namespace);
    store = fixture.sandbox.startObjectStore().copySecretTo(fixture.sandbox.client(), namespace);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    fixture.close();
  }

  public Sandbox sandbox() {
    return fixture.sandbox;
  }

  public SandboxObjectStore store() {
    return store;
  }

  /** A pair of the example in {@link #namespace}, with {@code edit} made to it. */
  public SandboxPair createPair(Consumer<ObjectNode> edit) {
    return SandboxPair.create(fixture.sandbox, namespace, edit);
  }

  /**
   * Puts the store as {@code parent.objectStore} (spec.backup or a recovery), under the path
   * {@code <namespace>/pks} in its bucket: the tests' pairs archive there, one stanza a pair.
   */
  public void objectStore(ObjectNode parent) {
    store.putAsObjectStore(parent, namespace + "/pks");
  }

  /**
   * A new pair {@code name} restored from the end of {@code source}'s archive (its latest backup
   * and every WAL segment after it), once it streams.
   */
  public SandboxPair restoreLatest(String name, SandboxPair source) {
    SandboxPair restored = createPair(json -> {
      ((ObjectNode) json.get("metadata")).put("name", name);
      objectStore(((ObjectNode) json.get("spec")).putObject("bootstrap").putObject("recovery")
          .put("source", source.name));
    });
    restored.awaitStreaming();
    return restored;
  }

  /** "N rows, ids MIN-MAX" of {@code table}, whose key is the integer column id. */
  public static String rowsAndIds(Statement sql, String table) throws SQLException {
    return single(sql, "SELECT count(*) || ' rows, ids ' || min(id) || '-' || max(id) FROM " + table);
  }

  /** The first column of the first row {@code query} returns, as text. */
  public static String single(Statement sql, String query) throws SQLException {
    try (ResultSet row = sql.executeQuery(query)) {
      row.next();
      return row.getString(1);
    }
  }
}
