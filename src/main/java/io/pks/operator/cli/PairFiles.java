package io.pks.operator.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonMappingException;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.pks.operator.api.v1alpha1.PksReplicaPair;

/** Reads a PksReplicaPair from a YAML or JSON file, with errors a person can act on. */
public final class PairFiles {
  private PairFiles() {
  }

  /** Thrown when the file cannot be read as a PksReplicaPair; the message names the field. */
  public static final class UnreadablePairException extends Exception {
    UnreadablePairException(String message) {
      super(message);
    }
  }

  public static PksReplicaPair read(Path file) throws UnreadablePairException {
    try (InputStream in = Files.newInputStream(file)) {
      PksReplicaPair pair = Serialization.unmarshal(in, PksReplicaPair.class);
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

  /** Jackson's path of the offending field, as the validator would name it. */
  private static String describe(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
        StringBuilder field = new StringBuilder();
        for (JsonMappingException.Reference reference : mapping.getPath()) {
          if (reference.getFieldName() != null) {
            field.append(field.length() == 0 ? "" : ".").append(reference.getFieldName());
          } else if (reference.getIndex() >= 0) {
            field.append('[').append(reference.getIndex()).append(']');
          }
        }
        return field + ": " + mapping.getOriginalMessage().lines().findFirst().orElse("has the wrong type");
      }
    }
    String message = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
    return "not a PksReplicaPair: " + message.lines().findFirst().orElse("");
  }
}
