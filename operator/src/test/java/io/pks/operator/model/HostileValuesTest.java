package io.pks.operator.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.pks.operator.Operators;
import io.pks.operator.TestPairs;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.api.v1alpha1.SpecRules;
import io.pks.operator.validation.AppliedState;
import io.pks.operator.validation.HostileSpecs;
import io.pks.operator.validation.SpecCase;
import io.pks.operator.validation.SpecValidator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hostile strings the validator lets through (free text: parameter values, archive_command)
 * reach postgresql.conf quoted, and read back exactly as written, adding no setting; and nothing
 * from any accepted spec reaches pg_hba.conf, a script or a command line other than as a
 * validated name, number or path.
 */
class HostileValuesTest {
  private static final MemberNetwork NETWORK = new ClusterNetwork(ClusterNetwork.DEFAULT_CLUSTER_DOMAIN);
  /** A parameter of an extension: PostgreSQL keeps any string in it, so it carries every value. */
  static final String CARRIER = "pks_hostile.value";
  private static final Pattern HBA_LINE = Pattern.compile(
      "local +postgres +pks_monitor +peer map=pks-monitor|local +all +all +scram-sha-256|(hostssl|host)( +[A-Za-z0-9_.:/-]+){4}");
  private static final Pattern SAFE_WORD = Pattern.compile("[A-Za-z0-9_./:=-]*");

  static Stream<Arguments> acceptedStrings() {
    return HostileSpecs.acceptedAsFreeText().entrySet().stream()
        .map(entry -> Arguments.of(entry.getKey(), entry.getValue()));
  }

  /** Valid resources of the corpus, and the example carrying each accepted hostile string. */
  static Stream<Arguments> acceptedPairs() {
    Stream<Arguments> corpus = SpecCase.allValid().stream()
        .map(valid -> Arguments.of(valid.name(), TestPairs.fromJson(valid.resource())));
    Stream<Arguments> hostile = acceptedStrings().map(arguments -> {
      String value = (String) arguments.get()[1];
      PksReplicaPair pair = withParameter(value);
      if (accepted(withArchiveCommand(pair, value))) {
        pair = withArchiveCommand(pair, value);
      }
      return Arguments.of(arguments.get()[0], pair);
    });
    return Stream.concat(corpus, hostile);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("acceptedStrings")
  void aParameterValueReadsBackAsWritten(String label, String value) {
    PksReplicaPair pair = withParameter(value);

    Map<String, String> expected = new LinkedHashMap<>(PostgresqlConfFile.parse(PostgresqlConf.render(TestPairs.example())));
    expected.put(CARRIER, value);
    expected.put("log_line_prefix", value);
    assertThat(PostgresqlConfFile.parse(PostgresqlConf.render(pair))).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("acceptedStrings")
  void anArchiveCommandReadsBackAsWritten(String label, String value) {
    PksReplicaPair pair = withArchiveCommand(TestPairs.example(), value);
    if (!accepted(pair)) {
      assertThat(value).isBlank();
      return;
    }
    Map<String, String> expected = new LinkedHashMap<>(PostgresqlConfFile.parse(PostgresqlConf.render(TestPairs.example())));
    expected.put("archive_mode", "on");
    expected.put("archive_command", value);
    assertThat(PostgresqlConfFile.parse(PostgresqlConf.render(pair))).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("acceptedPairs")
  void nothingUnvalidatedReachesHbaScriptsOrCommandLines(String name, PksReplicaPair pair) {
    List<HasMetadata> objects = new DesiredObjects(pair, NETWORK).all(Secrets.PasswordSource.NONE);

    ConfigMap config = objects.stream().filter(ConfigMap.class::isInstance).map(ConfigMap.class::cast)
        .filter(configMap -> configMap.getMetadata().getName().equals(Names.configMap(pair.getMetadata().getName())))
        .findFirst().orElseThrow();
    ConfigMap scripts = objects.stream().filter(ConfigMap.class::isInstance).map(ConfigMap.class::cast)
        .filter(configMap -> configMap.getMetadata().getName().equals(Names.scriptsConfigMap()))
        .findFirst().orElseThrow();
    assertThat(config.getData().get(PodLayout.PG_HBA_CONF).lines().filter(line -> !line.startsWith("#")))
        .allSatisfy(line -> assertThat(line).matches(HBA_LINE));
    Scripts.texts().forEach((script, text) -> assertThat(scripts.getData()).containsEntry(script, text));
    PostgresqlConfFile.parse(config.getData().get(PodLayout.POSTGRESQL_CONF));

    PodTemplates.everyPod(pair).forEach((owner, template) -> {
      PodSpec pod = template.getSpec();
      pod.getContainers().forEach(container -> {
        assertThat(Stream.concat(container.getCommand().stream(), container.getArgs().stream()))
            .as(owner).allSatisfy(word -> assertThat(word).matches(SAFE_WORD));
        assertThat(container.getImage()).matches(SpecRules.IMAGE);
        assertThat(container.getEnv()).as(owner).allSatisfy(env -> assertThat(env.getValue()).matches(SAFE_WORD));
        Stream.of(container.getStartupProbe(), container.getLivenessProbe(), container.getReadinessProbe())
            .filter(Objects::nonNull).flatMap(probe -> probe.getExec().getCommand().stream())
            .forEach(word -> assertThat(word).as(owner).matches(SAFE_WORD));
      });
    });
    objects.forEach(object -> {
      assertThat(object.getMetadata().getName()).matches(SpecRules.DNS_SUBDOMAIN);
      object.getMetadata().getLabels().values().forEach(value -> assertThat(value).matches(SpecRules.LABEL_VALUE));
    });
  }

  private static PksReplicaPair withParameter(String value) {
    return TestPairs.example(json -> {
      ObjectNode parameters = TestPairs.spec(json).with("postgres").with("parameters");
      parameters.put(CARRIER, value);
      parameters.put("log_line_prefix", value);
    });
  }

  private static PksReplicaPair withArchiveCommand(PksReplicaPair pair, String value) {
    ObjectNode json = Operators.serialization().convertValue(pair, ObjectNode.class);
    TestPairs.spec(json).with("replication").put("archiveCommand", value);
    return TestPairs.fromJson(json);
  }

  private static boolean accepted(PksReplicaPair pair) {
    return SpecValidator.validate(pair, AppliedState.NONE).isEmpty();
  }
}
