package io.pks.operator.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

import io.pks.operator.PksOperator;
import picocli.CommandLine;

/** One run of the jar's command line in this JVM, with what it printed. */
public record CliRun(int exitCode, String out, String err) {

  public static CliRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = PksOperator.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new CliRun(code, out.toString(), err.toString());
  }
}
