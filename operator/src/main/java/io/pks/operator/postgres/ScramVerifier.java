package io.pks.operator.postgres;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.postgresql.util.PasswordUtil;

/**
 * Tells whether a stored SCRAM-SHA-256 verifier (pg_authid.rolpassword) was made from a password,
 * by recomputing it with the stored salt and iteration count. This is what lets the operator
 * leave a correct password alone instead of rewriting it on every reconcile.
 */
final class ScramVerifier {
  private ScramVerifier() {
  }

  /** The password_encryption the operator uses, as pgjdbc names it. */
  static final String ENCRYPTION = "scram-sha-256";

  /** SCRAM-SHA-256$iterations:salt$StoredKey:ServerKey, as PostgreSQL stores it. */
  private static final Pattern VERIFIER =
      Pattern.compile("SCRAM-SHA-256\\$(\\d{1,9}):([A-Za-z0-9+/=]+)\\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+");

  /** False for a missing, non-SCRAM (md5) or malformed verifier: the password must then be set. */
  static boolean matches(String stored, char[] password) {
    if (stored == null) {
      return false;
    }
    Matcher verifier = VERIFIER.matcher(stored);
    if (!verifier.matches()) {
      return false;
    }
    int iterations = Integer.parseInt(verifier.group(1));
    byte[] salt = Base64.getDecoder().decode(verifier.group(2));
    String recomputed = PasswordUtil.encodeScramSha256(password, iterations, salt);
    return MessageDigest.isEqual(recomputed.getBytes(StandardCharsets.US_ASCII),
        stored.getBytes(StandardCharsets.US_ASCII));
  }
}
