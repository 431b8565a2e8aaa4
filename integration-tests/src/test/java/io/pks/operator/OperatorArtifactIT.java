package io.pks.operator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the operator's image is made of, checked on the artifacts the reactor built (this module runs
 * after the operator's {@code package}): the jar holds no sandbox, mock server or test hook, and the
 * Java runtime the Dockerfile cuts with jlink runs it.
 */
public class OperatorArtifactIT {
  public static final Path JAR = Path.of("operator/target/pks-operator.jar");

  @Test
  void theOperatorJarHoldsNoSandboxMockServerOrTestKit() throws IOException {
    assertThat(JAR).as("built by the operator module's package phase (mvn -B verify)").exists();
    List<String> entries = new ArrayList<>();
    try (ZipFile jar = new ZipFile(JAR.toFile())) {
      jar.stream().map(ZipEntry::getName).forEach(entries::add);
    }
    assertThat(entries).contains("io/pks/operator/PksOperator.class",
        "io/pks/operator/reconciler/PksReplicaPairReconciler.class", "scripts/member-entrypoint.sh");
    assertThat(entries).noneMatch(name -> name.startsWith("io/pks/operator/sandbox/"))
        .noneMatch(name -> name.startsWith("io/fabric8/mockwebserver/"))
        .noneMatch(name -> name.startsWith("io/fabric8/kubernetes/client/server/mock/"))
        .noneMatch(name -> name.startsWith("io/vertx/"))
        .noneMatch(name -> name.startsWith("io/netty/"))
        .noneMatch(name -> name.startsWith("okhttp3/"))
        .noneMatch(name -> name.startsWith("org/junit/"));
  }

  @Test
  void theDockerfilesJlinkedRuntimeRunsTheOperator(@TempDir Path dir) throws Exception {
    Matcher modules = Pattern.compile("jlink --add-modules (\\S+)").matcher(Files.readString(Path.of("Dockerfile")));
    assertThat(modules.find()).as("the Dockerfile's jlink line").isTrue();
    Path jlink = Path.of(System.getProperty("java.home"), "bin", "jlink");
    Path runtime = dir.resolve("java");
    run(List.of(jlink.toString(), "--add-modules", modules.group(1), "--strip-debug", "--no-man-pages",
        "--no-header-files", "--output", runtime.toString()), dir);

    String rendered = run(List.of(runtime.resolve("bin/java").toString(), "-jar", JAR.toAbsolutePath().toString(),
        "render", "-f", TestPairs.EXAMPLE.toAbsolutePath().toString()), dir);
    assertThat(rendered).contains("kind: \"StatefulSet\"", "kind: \"ConfigMap\"", "synchronous_commit = 'on'");
  }

  private static String run(List<String> command, Path dir) throws Exception {
    Path output = dir.resolve("output.txt");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("%s finished", command.get(0)).isTrue();
    String text = Files.readString(output, StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as(text).isZero();
    return text;
  }
}
