package io.pks.operator.postgres;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Owns the local pairs of a test class: a pair made in a test or @BeforeEach is stopped and
 * deleted after that test, one made in @BeforeAll after the class, failed or not. When something
 * failed, every member's logs are printed first. Register it as a static field.
 */
final class LocalPostgres implements BeforeEachCallback, AfterEachCallback, AfterAllCallback {
  private final List<LocalPair> classPairs = new ArrayList<>();
  private final List<LocalPair> testPairs = new ArrayList<>();
  private boolean inTest;

  LocalPair newPair() throws IOException {
    return newPair(spec -> { });
  }

  /** A pair of the example's spec: the primary bootstrapped, replication set up, the standby seeded and streaming. */
  LocalPair newStreamingPair() throws IOException, InterruptedException, SQLException {
    LocalPair pair = newPair();
    pair.bootstrapPrimary();
    pair.setUpReplication();
    pair.seedAndStartStandby();
    return pair;
  }

  /** @param specEdit see {@link LocalPair#create} */
  LocalPair newPair(Consumer<ObjectNode> specEdit) throws IOException {
    return newPair(specEdit, null);
  }

  /** @param objectStoreSecret see {@link LocalPair#create(Consumer, Path)} */
  LocalPair newPair(Consumer<ObjectNode> specEdit, Path objectStoreSecret) throws IOException {
    LocalPair pair = LocalPair.create(specEdit, objectStoreSecret);
    (inTest ? testPairs : classPairs).add(pair);
    return pair;
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    inTest = true;
  }

  @Override
  public void afterEach(ExtensionContext context) throws IOException {
    inTest = false;
    closeAll(context, testPairs);
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    closeAll(context, classPairs);
  }

  private void closeAll(ExtensionContext context, List<LocalPair> pairs) throws IOException {
    if (context.getExecutionException().isPresent()) {
      for (LocalPair pair : concat(classPairs, testPairs)) {
        System.out.println("===== logs of " + pair.root + " after the failure of "
            + context.getDisplayName() + "\n" + pair.logs());
      }
    }
    IOException failure = null;
    for (LocalPair pair : pairs) {
      try {
        pair.close();
      } catch (IOException e) {
        failure = e;
      }
    }
    pairs.clear();
    if (failure != null) {
      throw failure;
    }
  }

  private static List<LocalPair> concat(List<LocalPair> first, List<LocalPair> second) {
    List<LocalPair> all = new ArrayList<>(first);
    all.addAll(second);
    return all;
  }
}
