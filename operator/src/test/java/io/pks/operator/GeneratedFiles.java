package io.pks.operator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Files the build generates and the repository commits (the CRD copies, golden renders). A test
 * compares the committed file with what the code generates now; {@code -Dpks.regenerate=true}
 * rewrites the committed file instead, for a deliberate change.
 */
public final class GeneratedFiles {
  private GeneratedFiles() {
  }

  public static final boolean REGENERATE = Boolean.getBoolean("pks.regenerate");

  public static void assertCommitted(Path committed, String generated) {
    try {
      if (REGENERATE) {
        Files.createDirectories(committed.toAbsolutePath().getParent());
        Files.writeString(committed, generated);
      }
      assertThat(committed).as("%s is missing: run mvn verify -Dpks.regenerate=true", committed).exists();
      assertThat(Files.readString(committed))
          .as("%s differs from what the code generates: run mvn verify -Dpks.regenerate=true and review the diff",
              committed)
          .isEqualTo(generated);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
