package io.pks.operator.cli;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pks.operator.api.v1alpha1.Member;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.model.Names;
import picocli.CommandLine.Command;

/** {@code status}: one screen on a pair, read with the user's own kubeconfig. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = {"Show a PksReplicaPair: phase, roles, timeline, replication (LSNs, lag, slot, sync state),"
        + " SIP site, members' pods, conditions and the last events.",
        "Exit code 1: the pair does not exist."})
public final class StatusCommand extends PairCommand {

  @Override
  int call(KubernetesClient client, PksReplicaPair pair) {
    String namespace = pair.getMetadata().getNamespace();
    Map<String, Pod> pods = new HashMap<>();
    for (Member member : pair.getSpec().members()) {
      Pod pod = client.pods().inNamespace(namespace).withName(Names.pod(name, member.name())).get();
      if (pod != null) {
        pods.put(member.name(), pod);
      }
    }
    // Filtered here rather than by field selector: not every API server (nor the mock) supports it.
    List<Event> events = client.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(event -> HasMetadata.getKind(PksReplicaPair.class).equals(event.getInvolvedObject().getKind())
            && name.equals(event.getInvolvedObject().getName()))
        .toList();
    new PairReport(pair, pods, events, Instant.now()).print(spec.commandLine().getOut());
    return 0;
  }
}
