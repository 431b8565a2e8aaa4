package io.pks.operator.cli;

import java.io.PrintWriter;
import java.time.Instant;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import picocli.CommandLine.Command;

/**
 * {@code backup}: asks for a base backup now with the {@link PksReplicaPair#BACKUP_ANNOTATION}
 * annotation (the time of the request, so that each request is new); the operator records the
 * value it acts on in status.backup.request and starts the backup once no other runs.
 */
@Command(name = "backup", mixinStandardHelpOptions = true,
    description = {"Request a base backup of the pair now (annotation " + PksReplicaPair.BACKUP_ANNOTATION
        + "), into spec.backup's object store, beside the scheduled ones.",
        "Follow it with status (status.backup, the BackupStarted and BackupSucceeded or BackupFailed Events).",
        "Exit code 1: the pair does not exist, or has no spec.backup."})
public final class BackupCommand extends PairCommand {

  @Override
  int call(KubernetesClient client, PksReplicaPair pair) {
    if (pair.getSpec().backup() == null) {
      spec.commandLine().getErr().println(pair.ref() + " has no spec.backup: set spec.backup.objectStore first.");
      return 1;
    }
    String request = Instant.now().toString();
    annotate(client, pair, PksReplicaPair.BACKUP_ANNOTATION, request);
    PrintWriter out = spec.commandLine().getOut();
    out.println("Base backup of " + pair.ref() + " requested (" + request + ").");
    out.println("Follow it with: kubectl pks status " + name + " -n " + pair.getMetadata().getNamespace());
    return 0;
  }
}
