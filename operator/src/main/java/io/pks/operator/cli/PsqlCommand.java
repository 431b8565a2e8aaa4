package io.pks.operator.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.model.Names;
import io.pks.operator.model.PodLayout;
import io.pks.operator.model.Scripts;
import io.pks.operator.model.Secrets;
import io.pks.operator.model.StatefulSets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code psql}: psql in a member's pod as the pair's superuser, over the pod's socket, by two
 * {@code kubectl exec}s with the user's credentials (the operator needs no right to exec). A member's
 * PostgreSQL container does not mount the superuser's Secret (see PodVolume; with spec.backup only the
 * backup-server sidecar does), so the plugin reads it and hands it on
 * the first exec's stdin to a passfile of the pod's own (pks-common.sh's write_passfile, mode 0600);
 * the second removes it and runs psql with it still open. Should the second exec not start, a third
 * removes it. The password is never on a command line nor in an environment.
 */
@Command(name = "psql", mixinStandardHelpOptions = true,
    description = {"Run psql in a member's pod as the pair's superuser",
        "(kubectl exec; -it on a terminal, -i otherwise).",
        "Arguments after -- go to psql, e.g. kubectl pks psql pks -- -tAc 'SELECT 1'.",
        "Needs the rights to read the pair's superuser Secret and to exec into its pods.",
        "Exit code: psql's; 1 when the pair or the member does not exist or the member has no running pod."})
public final class PsqlCommand extends PairCommand {
  /**
   * Reads the user name (first line), then the password (sed's - : stdin), into a new passfile in the pod's run
   * folder; prints its name.
   */
  static final String WRITE_PASSFILE = """
      set -eu
      PKS_SCRIPT=psql
      . "$1"
      passfile=$(mktemp "$PKS_RUN_DIR/psql.XXXXXX")
      IFS= read -r superuser
      write_passfile "$superuser" - "$passfile"
      printf '%s\\n' "${passfile##*/}"
      """;
  /**
   * psql with the passfile named $1 as the superuser ($2) over the pod's socket. The passfile is
   * removed before psql starts, held open as descriptor 3 for psql to read: nothing is left in the
   * pod however the session ends, a cut connection or a killed kubectl included.
   */
  static final String RUN_PSQL = """
      passfile=$PKS_RUN_DIR/$1
      superuser=$2
      shift 2
      exec 3< "$passfile"
      rm -f "$passfile"
      PGPASSFILE=/dev/fd/3 exec psql -h "$PKS_RUN_DIR" -p "$PGPORT" -U "$superuser" -d postgres "$@"
      """;

  /** Removes the passfile named $1, when psql's exec did not. */
  static final String REMOVE_PASSFILE = "rm -f \"$PKS_RUN_DIR/$1\"";

  @Option(names = "--member", paramLabel = "MEMBER", description = "This member's pod. Default: the current primary.")
  String member;

  @Parameters(index = "1..*", paramLabel = "PSQL_ARG", description = "Arguments for psql (after --).")
  List<String> psqlArgs = new ArrayList<>();

  @Override
  int call(KubernetesClient client, PksReplicaPair pair) {
    if (member != null && !isMember(pair, member)) {
      return 1;
    }
    String target = member != null ? member : currentPrimary(pair);
    String namespace = pair.getMetadata().getNamespace();
    String pod = Names.pod(pair.getMetadata().getName(), target);
    Pod running = client.pods().inNamespace(namespace).withName(pod).get();
    if (running == null || !"Running".equals(running.getStatus().getPhase())) {
      spec.commandLine().getErr().println(target + " of " + pair.ref() + " has no running pod (" + pod
          + (running == null ? " does not exist" : " is " + running.getStatus().getPhase()) + "): psql needs one.");
      return 1;
    }
    Secret superuser = client.secrets().inNamespace(namespace).withName(Names.superuserSecret(pair)).get();
    if (superuser == null) {
      spec.commandLine().getErr().println("secret " + namespace + "/" + Names.superuserSecret(pair)
          + " (the pair's superuser) not found");
      return 1;
    }
    try {
      Process write = new ProcessBuilder(kubectlExec(namespace, pod, false, List.of(WRITE_PASSFILE,
          PodLayout.SCRIPTS_DIR + "/" + Scripts.COMMON))).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      try (OutputStream stdin = write.getOutputStream()) {
        stdin.write(decoded(superuser, Secrets.USERNAME));
        stdin.write('\n');
        stdin.write(decoded(superuser, Secrets.PASSWORD));
      }
      String passfile = new String(write.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (write.waitFor() != 0) {
        return write.exitValue();
      }
      List<String> script = new ArrayList<>(List.of(RUN_PSQL, passfile,
          new String(decoded(superuser, Secrets.USERNAME), StandardCharsets.UTF_8)));
      script.addAll(psqlArgs);
      int exitCode = new ProcessBuilder(kubectlExec(namespace, pod, System.console() != null, script)).inheritIO()
          .start().waitFor();
      if (exitCode != 0) {
        // psql failed, or the exec never ran and the passfile is still there.
        new ProcessBuilder(kubectlExec(namespace, pod, false, List.of(REMOVE_PASSFILE, passfile)))
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start()
            .waitFor();
      }
      return exitCode;
    } catch (IOException e) {
      spec.commandLine().getErr().println("cannot run kubectl: " + e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  private static byte[] decoded(Secret secret, String key) {
    return Base64.getDecoder().decode(secret.getData().getOrDefault(key, ""));
  }

  /**
   * {@code kubectl exec} of {@code sh -c <script> psql <arguments>} in {@code pod}'s PostgreSQL container,
   * with the user's kubeconfig and context; {@code -it} on a terminal, {@code -i} otherwise.
   */
  List<String> kubectlExec(String namespace, String pod, boolean terminal, List<String> scriptAndArguments) {
    List<String> argv = new ArrayList<>(List.of("kubectl", "exec", terminal ? "-it" : "-i", "-n", namespace));
    if (cluster.kubeconfig != null) {
      argv.addAll(List.of("--kubeconfig", cluster.kubeconfig.toString()));
    }
    if (cluster.context != null) {
      argv.addAll(List.of("--context", cluster.context));
    }
    argv.addAll(List.of(pod, "-c", StatefulSets.CONTAINER, "--", "sh", "-c", scriptAndArguments.get(0), "psql"));
    argv.addAll(scriptAndArguments.subList(1, scriptAndArguments.size()));
    return argv;
  }
}
