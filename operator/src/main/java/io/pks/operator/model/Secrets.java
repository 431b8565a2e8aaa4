package io.pks.operator.model;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.pks.operator.api.v1alpha1.PksReplicaPair;

/**
 * Generated credentials. Each Secret is created once and never rewritten: its password is already
 * in the database. A Secret the user supplies is never built here.
 */
public final class Secrets {
  private Secrets() {
  }

  public static final String USERNAME = "username";
  public static final String PASSWORD = "password";
  public static final String DEFAULT_SUPERUSER = "postgres";
  static final String GENERATED_ANNOTATION = "pks.io/generated";

  private static final String ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  private static final int PASSWORD_LENGTH = 32;

  /** The two credentials of a pair. */
  public enum Kind {
    SUPERUSER, REPLICATION
  }

  /** Produces passwords; SecureRandom in the operator, none at all when rendering for review. */
  @FunctionalInterface
  public interface PasswordSource {
    /** The password to store, or null to build the Secret without a value. */
    String next();

    PasswordSource RANDOM = Secrets::randomPassword;
    PasswordSource NONE = () -> null;
  }

  /** The Secret for {@code kind} if the operator must generate it, or null if the user supplies it. */
  public static Secret generated(PksReplicaPair pair, Kind kind, PasswordSource passwords) {
    String name = pair.getMetadata().getName();
    Map<String, String> data = new LinkedHashMap<>();
    String secretName;
    if (kind == Kind.SUPERUSER) {
      if (pair.getSpec().postgres().superuserSecret() != null) {
        return null;
      }
      secretName = Names.generatedSuperuserSecret(name);
      data.put(USERNAME, DEFAULT_SUPERUSER);
    } else {
      if (pair.getSpec().replication().passwordSecret() != null) {
        return null;
      }
      // No username: spec.replication.user is the one source of truth for the role's name.
      secretName = Names.generatedReplicationSecret(name);
    }
    String password = passwords.next();
    if (password != null) {
      data.put(PASSWORD, password);
    }
    Map<String, String> encoded = new LinkedHashMap<>();
    data.forEach((key, value) ->
        encoded.put(key, Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))));
    Secret secret = new SecretBuilder()
        .withMetadata(ObjectMetas.of(pair, secretName, Labels.pair(name)))
        .withType("kubernetes.io/basic-auth")
        .withData(encoded)
        .build();
    // Mutable: JOSDK adds its own annotations before creating.
    secret.getMetadata().setAnnotations(new LinkedHashMap<>(Map.of(GENERATED_ANNOTATION, "true")));
    return secret;
  }

  static String randomPassword() {
    SecureRandom random = RandomHolder.RANDOM;
    StringBuilder password = new StringBuilder(PASSWORD_LENGTH);
    for (int i = 0; i < PASSWORD_LENGTH; i++) {
      password.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return password.toString();
  }

  private static final class RandomHolder {
    static final SecureRandom RANDOM = new SecureRandom();
  }
}
