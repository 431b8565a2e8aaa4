package io.pks.operator.cli;

import java.io.PrintWriter;
import java.util.List;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.pks.operator.api.v1alpha1.Member;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code logs}: the logs of the members' pods (their scripts' lines and PostgreSQL's), each line
 * prefixed by its member, as {@code kubectl logs} reads them.
 */
@Command(name = "logs", mixinStandardHelpOptions = true,
    description = {"Print the logs of the pair's members' pods, each line prefixed by [MEMBER].",
        "A member without a pod (stopped, fenced) is named on stderr.",
        "Exit code 1: the pair or the member does not exist."})
public final class LogsCommand extends PairCommand {
  @Option(names = "--member", paramLabel = "MEMBER", description = "Only this member's pod.")
  String member;

  @Override
  int call(KubernetesClient client, PksReplicaPair pair) {
    if (member != null && !isMember(pair, member)) {
      return 1;
    }
    List<String> members = member != null ? List.of(member)
        : pair.getSpec().members().stream().map(Member::name).toList();
    PrintWriter out = spec.commandLine().getOut();
    for (String each : members) {
      MemberLogs.prefixed(client, pair, each).ifPresentOrElse(lines -> lines.forEach(out::println),
          () -> spec.commandLine().getErr().println(MemberLogs.noPod(each)));
    }
    return 0;
  }
}
