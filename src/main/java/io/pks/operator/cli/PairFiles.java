package io.pks.operator.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.pks.operator.Operators;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.validation.ReadErrors;

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
