package io.pks.operator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every Markdown document that code, scripts, charts or documents cite is in the repository: a
 * reader who follows a reference finds what it names.
 */
class DocumentReferencesTest {
  private static final Pattern CITED = Pattern.compile("(?<![\\w/.-])([\\w./-]*[A-Za-z0-9_-]+\\.md)\\b");
  private static final Set<String> SKIPPED_FOLDERS = Set.of(".git", "target", "node_modules");
  private static final Pattern READ = Pattern.compile(".*\\.(java|md|sh|yaml|yml|tpl|txt|json)$|.*/run$");

  @Test
  void everyCitedDocumentExists() throws IOException {
    List<String> missing = new ArrayList<>();
    int references = 0;
    for (Path file : textFiles()) {
      Matcher matcher = CITED.matcher(Files.readString(file));
      while (matcher.find()) {
        references++;
        String cited = matcher.group(1);
        if (!Files.exists(Path.of(cited)) && !Files.exists(file.resolveSibling(cited))) {
          missing.add(file + " cites " + cited);
        }
      }
    }
    assertThat(references).as("references found (the scan itself works)").isGreaterThan(5);
    assertThat(missing).isEmpty();
  }

  private static List<Path> textFiles() throws IOException {
    try (Stream<Path> files = Files.walk(Path.of("."))) {
      return files.filter(Files::isRegularFile)
          .filter(file -> READ.matcher(file.toString()).matches())
          .filter(file -> folders(file).noneMatch(SKIPPED_FOLDERS::contains))
          .map(Path::normalize).toList();
    }
  }

  private static Stream<String> folders(Path file) {
    List<String> parts = new ArrayList<>();
    file.normalize().forEach(part -> parts.add(part.toString()));
    return parts.stream();
  }
}
