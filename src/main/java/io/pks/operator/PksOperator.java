package io.pks.operator;

import io.pks.operator.cli.RenderCommand;
import io.pks.operator.cli.RunCommand;
import io.pks.operator.cli.SandboxCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code pks-operator.jar}. */
@Command(name = "pks-operator", mixinStandardHelpOptions = true,
    versionProvider = PksOperator.Version.class,
    description = "Operator for PksReplicaPair: an active/passive PostgreSQL pair behind a SIP platform.",
    subcommands = {RunCommand.class, RenderCommand.class, SandboxCommand.class, CommandLine.HelpCommand.class})
public final class PksOperator implements Runnable {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  public static CommandLine commandLine() {
    return new CommandLine(new PksOperator());
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
