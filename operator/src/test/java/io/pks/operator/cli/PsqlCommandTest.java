package io.pks.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

/** The kubectl command {@code kubectl pks psql} runs, argument by argument. */
class PsqlCommandTest {

  private static PsqlCommand parsed(String... args) {
    PsqlCommand command = new PsqlCommand();
    new CommandLine(command).parseArgs(args);
    return command;
  }

  @Test
  void execIntoThePostgresContainerWithTheUsersKubeconfigContextAndPsqlArguments() {
    PsqlCommand command = parsed("pks", "--kubeconfig", "/home/dba/.kube/config", "--context", "prod", "--",
        "-tAc", "SELECT 1");
    assertThat(command.kubectlExec("telephony", "pks-site-a-0", false, List.of("SCRIPT", "psql.abc123", "postgres")))
        .containsExactly("kubectl", "exec", "-i", "-n", "telephony", "--kubeconfig", "/home/dba/.kube/config",
            "--context", "prod", "pks-site-a-0", "-c", "postgres", "--", "sh", "-c", "SCRIPT", "psql", "psql.abc123",
            "postgres");
    assertThat(command.psqlArgs).containsExactly("-tAc", "SELECT 1");
  }

  @Test
  void aTerminalGetsATty() {
    assertThat(parsed("pks").kubectlExec("telephony", "pks-site-b-0", true, List.of("SCRIPT")))
        .containsExactly("kubectl", "exec", "-it", "-n", "telephony", "pks-site-b-0", "-c", "postgres", "--", "sh",
            "-c", "SCRIPT", "psql");
  }
}
