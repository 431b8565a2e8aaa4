package io.pks.operator.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

import io.pks.operator.PksOperator;
import picocli.CommandLine;

/** One run of a jar's command line in this JVM, with what it printed. */
public record CliRun(int exitCode, String out, String err) {

  /** The operator jar's command line. */
  public static CliRun of(String... args) {
    return of(PksOperator.commandLine(), args);
  }

  public static CliRun of(CommandLine cli, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new CliRun(code, out.toString(), err.toString());
  }
}
