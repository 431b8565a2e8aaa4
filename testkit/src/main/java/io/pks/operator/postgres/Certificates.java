package io.pks.operator.postgres;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import io.pks.operator.sandbox.ScriptLauncher;

/** A kubernetes.io/tls Secret as its volume shows it (tls.crt, tls.key, ca.crt), made with openssl. */
final class Certificates {
  private Certificates() {
  }

  /**
   * A fresh self-signed certificate and its key in {@code dir}; with {@code ca}, ca.crt is the
   * certificate itself, so a client can verify it. The key is private to the scripts' user, as
   * PostgreSQL requires.
   */
  static Path selfSigned(Path dir, boolean ca) throws IOException {
    Files.createDirectories(dir);
    Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
        "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=pks-it",
        "-keyout", dir.resolve("tls.key").toString(), "-out", dir.resolve("tls.crt").toString())
        .redirectErrorStream(true).start();
    String output = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!openssl.waitFor(30, TimeUnit.SECONDS) || openssl.exitValue() != 0) {
        throw new IOException("openssl could not make a certificate: " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while openssl made a certificate", e);
    }
    if (ca) {
      Files.copy(dir.resolve("tls.crt"), dir.resolve("ca.crt"), StandardCopyOption.REPLACE_EXISTING);
    }
    Files.setPosixFilePermissions(dir.resolve("tls.key"), PosixFilePermissions.fromString("rw-------"));
    ScriptLauncher.own(dir);
    return dir;
  }
}
