package io.pks.operator.sandbox;

import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A sandbox in its network mode with its object store (S3Proxy over HTTPS), the store's Secret
 * copied into {@link #namespace}, for one test class of backups and restores.
 */
public final class ObjectStoreSandbox implements AutoCloseable {
  public final SandboxFixture fixture;
  public final SandboxObjectStore store;
  public final String namespace;

  private ObjectStoreSandbox(SandboxFixture fixture, SandboxObjectStore store, String namespace) {
    this.fixture = fixture;
    this.store = store;
    this.namespace = namespace;
  }

  public static ObjectStoreSandbox start(String name, String namespace) {
    SandboxFixture fixture = SandboxFixture.start(name, Sandbox.Networking.CLUSTER);
    fixture.sandbox.ensureNamespace(namespace);
    SandboxObjectStore store = fixture.sandbox.startObjectStore().copySecretTo(fixture.sandbox.client(), namespace);
    return new ObjectStoreSandbox(fixture, store, namespace);
  }

  /** Puts the store, under {@code path} in its bucket, as {@code parent.objectStore} (spec.backup or a recovery). */
  public void objectStore(ObjectNode parent, String path) {
    parent.putObject("objectStore").put("endpoint", store.endpoint()).put("bucket", SandboxObjectStore.BUCKET)
        .put("path", path).put("credentialsSecret", SandboxObjectStore.SECRET)
        .put("caSecret", SandboxObjectStore.SECRET);
  }

  /** The first column of the first row {@code query} returns, as text. */
  public static String single(Statement sql, String query) throws SQLException {
    try (ResultSet row = sql.executeQuery(query)) {
      row.next();
      return row.getString(1);
    }
  }

  @Override
  public void close() throws IOException {
    fixture.close();
  }
}
