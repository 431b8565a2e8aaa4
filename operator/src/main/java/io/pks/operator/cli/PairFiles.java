package io.pks.operator.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.pks.operator.Operators;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.validation.AppliedState;
import io.pks.operator.validation.ReadErrors;
import io.pks.operator.validation.SpecValidator;
import io.pks.operator.validation.Violation;

/** Reads a PksReplicaPair from a YAML or JSON file, with errors a person can act on. */
public final class PairFiles {
  private PairFiles() {
  }

  private static final KubernetesSerialization SERIALIZATION = Operators.serialization();

  /** Thrown when the file cannot be read as a PksReplicaPair; the message names the field. */
  public static final class UnreadablePairException extends Exception {
    UnreadablePairException(String message) {
      super(message);
    }
  }

  /**
   * The resource in {@code file} if the operator would accept it; else one line per problem on
   * {@code err}, and the command's exit code in the exception: 2 unreadable, 1 invalid.
   */
  public static PksReplicaPair readValid(Path file, PrintWriter err) throws CommandFailure {
    PksReplicaPair pair;
    try {
      pair = read(file);
    } catch (UnreadablePairException e) {
      err.println(e.getMessage());
      throw new CommandFailure(2);
    }
    List<Violation> violations = SpecValidator.validate(pair, AppliedState.NONE);
    if (!violations.isEmpty()) {
      violations.forEach(err::println);
      throw new CommandFailure(1);
    }
    return pair;
  }

  /** A command ends with this exit code; why has been printed already. */
  public static final class CommandFailure extends Exception {
    public final int exitCode;

    CommandFailure(int exitCode) {
      super(null, null, false, false);
      this.exitCode = exitCode;
    }
  }

  public static PksReplicaPair read(Path file) throws UnreadablePairException {
    try (InputStream in = Files.newInputStream(file)) {
      PksReplicaPair pair = SERIALIZATION.unmarshal(in, PksReplicaPair.class);
      if (pair == null) {
        throw new UnreadablePairException(file + ": empty file");
      }
      if (pair.getMetadata().getNamespace() == null) {
        pair.getMetadata().setNamespace("default");
      }
      return pair;
    } catch (IOException e) {
      throw new UnreadablePairException(file + ": cannot read: " + e.getMessage());
    } catch (RuntimeException e) {
      throw new UnreadablePairException(file + ": " + describe(e));
    }
  }

  /**
   * What could not be read, with the field named. A spec of the wrong shape is not an error here:
   * the resource reads with its spec kept as written, and the validator names the field, as the
   * operator does.
   */
  private static String describe(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof JsonProcessingException reading) {
        return ReadErrors.violation(reading, "", null).toString();
      }
    }
    String message = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
    return "not a PksReplicaPair: " + message.lines().findFirst().orElse("");
  }
}
