package io.pks.operator.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pks.operator.api.v1alpha1.Member;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.model.Labels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code report}: a support bundle of one pair in one text file: the resource, its objects, its
 * Events, its members' pod logs and the operator's log lines that name it. No Secret value is
 * written: Secrets appear by name and keys only, and every value of the namespace's Secrets that
 * shows up anywhere else (a log line, say) is replaced by {@value #REDACTED}.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = {"Write a support bundle of the pair: the resource, its objects, Events, the members' pod logs and"
        + " the operator's log lines for the pair, with every Secret value left out.",
        "Exit code 1: the pair does not exist, or FILE cannot be written."})
public final class ReportCommand extends PairCommand {
  static final String REDACTED = "<redacted>";
  /** Shorter values are left as they are: replacing them would garble the bundle, and no password is that short. */
  private static final int SHORTEST_REDACTED = 6;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the bundle here (default: stdout).")
  Path output;

  @Option(names = "--operator-namespace", paramLabel = "NAMESPACE", defaultValue = "pks-operator",
      description = "Where the operator's pods run (default: ${DEFAULT-VALUE}).")
  String operatorNamespace;

  @Override
  int call(KubernetesClient client, PksReplicaPair pair) {
    String bundle = redacted(bundle(client, pair), secretValues(client, pair.getMetadata().getNamespace()));
    if (output == null) {
      spec.commandLine().getOut().print(bundle);
      return 0;
    }
    try {
      Files.writeString(output, bundle);
    } catch (IOException e) {
      spec.commandLine().getErr().println("Cannot write " + output + ": " + e.getMessage());
      return 1;
    }
    spec.commandLine().getOut().println("Report of " + pair.ref() + " written to " + output + ".");
    return 0;
  }

  private String bundle(KubernetesClient client, PksReplicaPair pair) {
    String namespace = pair.getMetadata().getNamespace();
    String name = pair.getMetadata().getName();
    StringBuilder bundle = new StringBuilder();
    section(bundle, "PksReplicaPair " + pair.ref(), Serialization.asYaml(pair));
    Map<String, String> selector = Map.of(Labels.PAIR, name);
    objects(bundle, "StatefulSets", client.apps().statefulSets().inNamespace(namespace).withLabels(selector).list()
        .getItems());
    objects(bundle, "Pods", client.pods().inNamespace(namespace).withLabels(selector).list().getItems());
    objects(bundle, "Jobs", client.batch().v1().jobs().inNamespace(namespace).withLabels(selector).list().getItems());
    objects(bundle, "Services", client.services().inNamespace(namespace).withLabels(selector).list().getItems());
    objects(bundle, "ConfigMaps", client.configMaps().inNamespace(namespace).withLabels(selector).list().getItems());
    objects(bundle, "PersistentVolumeClaims", client.persistentVolumeClaims().inNamespace(namespace)
        .withLabels(selector).list().getItems());
    objects(bundle, "PodDisruptionBudgets", client.policy().v1().podDisruptionBudget().inNamespace(namespace)
        .withLabels(selector).list().getItems());
    section(bundle, "Secrets (names and keys; values left out)", client.secrets().inNamespace(namespace)
        .withLabels(selector).list().getItems().stream().map(ReportCommand::keys).collect(Collectors.joining()));
    section(bundle, "Events", client.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(event -> event.getInvolvedObject() != null && event.getInvolvedObject().getName() != null
            && (event.getInvolvedObject().getName().equals(name) || event.getInvolvedObject().getName()
                .startsWith(name + "-")))
        .map(event -> event.getLastTimestamp() + " " + event.getType() + " " + event.getReason() + " "
            + event.getInvolvedObject().getKind() + "/" + event.getInvolvedObject().getName() + ": "
            + event.getMessage() + "\n")
        .collect(Collectors.joining()));
    for (String member : pair.getSpec().members().stream().map(Member::name).toList()) {
      section(bundle, "Pod log of " + member, MemberLogs.prefixed(client, pair, member)
          .map(lines -> lines.collect(Collectors.joining("\n", "", "\n"))).orElse(MemberLogs.noPod(member) + "\n"));
    }
    section(bundle, "Operator log lines naming " + pair.ref(), operatorLines(client, pair));
    return bundle.toString();
  }

  private static void section(StringBuilder bundle, String title, String body) {
    bundle.append("==== ").append(title).append(" ====\n").append(body.isEmpty() ? "none\n" : body).append('\n');
  }

  private static void objects(StringBuilder bundle, String title, List<? extends HasMetadata> items) {
    section(bundle, title, items.isEmpty() ? "" : Serialization.asYaml(items));
  }

  private static String keys(Secret secret) {
    Set<String> keys = new TreeSet<>();
    Optional.ofNullable(secret.getData()).map(Map::keySet).ifPresent(keys::addAll);
    Optional.ofNullable(secret.getStringData()).map(Map::keySet).ifPresent(keys::addAll);
    return secret.getMetadata().getName() + ": keys " + keys + "\n";
  }

  /** The lines of the operator's pods' logs that name the pair; says so when no operator pod is found. */
  private String operatorLines(KubernetesClient client, PksReplicaPair pair) {
    List<Pod> pods = client.pods().inNamespace(operatorNamespace).withLabel("app.kubernetes.io/name", "pks-operator")
        .list().getItems();
    if (pods.isEmpty()) {
      return "No operator pod (label app.kubernetes.io/name=pks-operator) in namespace " + operatorNamespace + ".\n";
    }
    return pods.stream().flatMap(pod -> client.pods().inNamespace(operatorNamespace)
            .withName(pod.getMetadata().getName()).getLog().lines()
            .filter(line -> line.contains(pair.ref()))
            .map(line -> "[" + pod.getMetadata().getName() + "] " + line + "\n"))
        .collect(Collectors.joining());
  }

  /**
   * Every value of the namespace's Secrets, as written and base64-encoded; none when the user may
   * not read them (the bundle holds no Secret data of its own either way).
   */
  private Set<String> secretValues(KubernetesClient client, String namespace) {
    try {
      return client.secrets().inNamespace(namespace).list().getItems().stream()
          .flatMap(ReportCommand::decodedValues)
          .flatMap(value -> Stream.of(value, Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))))
          .filter(value -> value.length() >= SHORTEST_REDACTED)
          .collect(Collectors.toSet());
    } catch (KubernetesClientException e) {
      spec.commandLine().getErr().println("note: the Secrets of " + namespace + " cannot be read (" + e.getCode()
          + "); the bundle holds none of their values, but values other objects may quote were not checked.");
      return Set.of();
    }
  }

  private static Stream<String> decodedValues(Secret secret) {
    Stream<String> data = Optional.ofNullable(secret.getData()).map(Map::values).stream().flatMap(Collection::stream)
        .map(value -> new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8));
    Stream<String> stringData = Optional.ofNullable(secret.getStringData()).map(Map::values).stream()
        .flatMap(Collection::stream);
    return Stream.concat(data, stringData);
  }

  /** {@code text} with every one of {@code values} replaced, the longest first (one may contain another). */
  static String redacted(String text, Set<String> values) {
    String result = text;
    for (String value : values.stream().sorted((a, b) -> b.length() - a.length()).toList()) {
      result = result.replace(value, REDACTED);
    }
    return result;
  }
}
