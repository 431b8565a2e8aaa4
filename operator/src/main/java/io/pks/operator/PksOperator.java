package io.pks.operator;

import java.io.IOException;
import java.security.Security;
import java.util.Objects;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pks.operator.cli.BackupCommand;
import io.pks.operator.cli.FenceCommand;
import io.pks.operator.cli.LogsCommand;
import io.pks.operator.cli.PsqlCommand;
import io.pks.operator.cli.RenderCommand;
import io.pks.operator.cli.RunCommand;
import io.pks.operator.cli.StatusCommand;
import io.pks.operator.cli.ReloadCommand;
import io.pks.operator.cli.ReportCommand;
import io.pks.operator.cli.ReseedCommand;
import io.pks.operator.cli.RestartCommand;
import io.pks.operator.cli.SwitchoverCommand;
import io.pks.operator.cli.UnfenceCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code pks-operator.jar}. */
@Command(name = "pks-operator", mixinStandardHelpOptions = true,
    versionProvider = PksOperator.Version.class,
    description = "Operator for PksReplicaPair: an active/passive PostgreSQL pair behind a SIP platform.",
    subcommands = {RunCommand.class, RenderCommand.class, StatusCommand.class,
        SwitchoverCommand.class, ReseedCommand.class, BackupCommand.class, RestartCommand.class, ReloadCommand.class,
        FenceCommand.class, UnfenceCommand.class, LogsCommand.class, ReportCommand.class, PsqlCommand.class,
        CommandLine.HelpCommand.class})
public final class PksOperator implements Runnable {
  /** CoreDNS's TTL for cluster names, in seconds. */
  private static final String NAME_CACHE_SECONDS = "5";

  public static void main(String[] args) {
    cacheNamesAsClusterDnsDoes();
    System.exit(commandLine().execute(args));
  }

  /**
   * A member's pod re-created (fenced, re-seeded) comes back under the same DNS name at a new
   * address. The JVM keeps a name 30 s by default and a missing one 10 s, so the operator would
   * probe the old address, or nothing, that long and take the member for lost. Keep names as long
   * as the cluster's DNS does (CoreDNS answers with a 5 s TTL) and a missing one not at all. Only
   * takes effect before the JVM's first lookup: the first thing a main method does.
   */
  public static void cacheNamesAsClusterDnsDoes() {
    Security.setProperty("networkaddress.cache.ttl", NAME_CACHE_SECONDS);
    Security.setProperty("networkaddress.cache.negative.ttl", "0");
  }

  /** The commands; an API server's refusal or absence is one line on stderr and exit code 1, not a stack trace. */
  public static CommandLine commandLine() {
    return new CommandLine(new PksOperator()).setExecutionExceptionHandler((error, command, parsed) -> {
      if (!(error instanceof KubernetesClientException)) {
        throw error;
      }
      command.getErr().println(command.getCommandName() + ": " + describe(error));
      return 1;
    });
  }

  /**
   * The client's sentence and the first underlying reason it wraps: a cause's message, else the
   * name of the first cause more specific than IOException ("connection refused" has none).
   */
  private static String describe(Throwable error) {
    String message = Objects.requireNonNullElse(error.getMessage(), error.getClass().getSimpleName())
        .replaceAll("\\s+", " ").strip();
    String reason = null;
    for (Throwable cause = error.getCause(); cause != null && reason == null; cause = cause.getCause()) {
      if (cause.getMessage() != null) {
        reason = cause.getMessage();
      } else if (cause.getClass() != IOException.class) {
        reason = cause.getClass().getSimpleName();
      }
    }
    return reason == null ? message : message + " (" + reason + ")";
  }

  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = PksOperator.class.getPackage().getImplementationVersion();
      return new String[] {"pks-operator " + (version != null ? version : "development build")};
    }
  }
}
