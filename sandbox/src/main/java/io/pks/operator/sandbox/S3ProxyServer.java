package io.pks.operator.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An S3-compatible object store on this machine: S3Proxy (org.gaul:s3proxy, copied beside the
 * sandbox's jar by the build) with its filesystem-nio2 backend, serving HTTPS only on one address and
 * port with a certificate made for its names, which is also its CA file. A bucket is a folder of
 * the store. Clients use the first name: pgBackRest 2.45 verifies a certificate's DNS names only,
 * never an IP address.
 * Stopping and starting it again keeps its data and port: that is how tests make it unreachable.
 */
public final class S3ProxyServer implements AutoCloseable {
  /** The address S3Proxy binds. */
  public static final String ADDRESS = "127.0.0.1";
  /** The name in its certificate and endpoint, which resolves to {@link #ADDRESS}. */
  public static final String HOST = "localhost";
  private static final Duration START_BOUND = Duration.ofSeconds(60);
  /**
   * How far a request's signed time may be from the store's clock (S3's own bound is 15 minutes):
   * a week, because the retention test runs pgBackRest days ahead under libfaketime, as if days had
   * passed. The store serves this machine only.
   */
  static final Duration MAXIMUM_TIME_SKEW = Duration.ofDays(7);

  private final Path folder;
  private final String address;
  private final int port;
  private final List<String> names;
  private final String accessKeyId;
  private final String secretAccessKey;
  private Process process;

  private S3ProxyServer(Path folder, String address, int port, List<String> names) {
    this.folder = folder;
    this.address = address;
    this.port = port;
    this.names = List.copyOf(names);
    this.accessKeyId = "pks" + random(8);
    this.secretAccessKey = random(20);
  }

  /** Starts a store on {@code port} of loopback, named localhost, keeping its files under {@code folder}, with one empty bucket. */
  public static S3ProxyServer start(Path folder, int port, String bucket) throws IOException {
    return start(folder, ADDRESS, port, List.of(HOST), bucket);
  }

  /**
   * Starts a store on {@code address} and {@code port}, its certificate made for {@code names}
   * (which must resolve to that address where its clients run), keeping its files under
   * {@code folder}, with one empty bucket.
   */
  public static S3ProxyServer start(Path folder, String address, int port, List<String> names, String bucket)
      throws IOException {
    S3ProxyServer server = new S3ProxyServer(folder, address, port, names);
    Files.createDirectories(folder.resolve("data").resolve(bucket));
    server.writeKeystore();
    server.writeProperties();
    server.start();
    return server;
  }

  /** The URL clients use: https, the first name and the port. */
  public String endpoint() {
    return "https://" + names.get(0) + ":" + port;
  }

  public int port() {
    return port;
  }

  public String accessKeyId() {
    return accessKeyId;
  }

  public String secretAccessKey() {
    return secretAccessKey;
  }

  /** The store's certificate in PEM, the CA a client verifies it with. */
  public Path caCertificate() {
    return folder.resolve("ca.crt");
  }

  /** Starts the server (again) and waits until it accepts connections. */
  public void start() throws IOException {
    process = new ProcessBuilder(javaCommand(), "-jar", s3proxyJar().toString(), "--properties",
        folder.resolve("s3proxy.properties").toString())
        .redirectErrorStream(true)
        .redirectOutput(Redirect.appendTo(folder.resolve("s3proxy.log").toFile()))
        .start();
    long deadline = System.nanoTime() + START_BOUND.toNanos();
    while (!accepts()) {
      if (!process.isAlive()) {
        throw new IOException("S3Proxy exited with status " + process.exitValue() + "; see "
            + folder.resolve("s3proxy.log"));
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("S3Proxy not accepting connections after " + START_BOUND);
      }
      sleep(Duration.ofMillis(100));
    }
  }

  /** Stops the server; its port refuses connections until {@link #start()}. */
  public void stop() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  @Override
  public void close() {
    stop();
  }

  private boolean accepts() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(address, port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private void writeKeystore() throws IOException {
    Path keystore = folder.resolve("keystore.jks");
    Files.deleteIfExists(keystore);
    run(List.of(keytool(), "-genkeypair", "-alias", "s3proxy", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=" + names.get(0), "-ext", "SAN=" + String.join(",", names.stream().map(name -> "dns:" + name).toList()),
        "-ext", "BC:c=ca:true",
        "-validity", "30", "-keystore", keystore.toString(), "-storepass", keystorePassword(),
        "-keypass", keystorePassword()));
    run(List.of(keytool(), "-exportcert", "-rfc", "-alias", "s3proxy", "-keystore", keystore.toString(),
        "-storepass", keystorePassword(), "-file", caCertificate().toString()));
  }

  private void writeProperties() throws IOException {
    Path properties = folder.resolve("s3proxy.properties");
    Files.writeString(properties, String.join("\n",
        "s3proxy.secure-endpoint=https://" + address + ":" + port,
        "s3proxy.keystore-path=" + folder.resolve("keystore.jks"),
        "s3proxy.keystore-password=" + keystorePassword(),
        "s3proxy.authorization=aws-v2-or-v4",
        "s3proxy.identity=" + accessKeyId,
        "s3proxy.credential=" + secretAccessKey,
        "s3proxy.maximum-timeskew=" + MAXIMUM_TIME_SKEW.toSeconds(),
        // Not the older "filesystem" backend (deprecated, S3Proxy warns at start): with it, the
        // request after each multi-object delete was answered 20 s later, so pgBackRest's expiry of
        // two backups took 40 s; with this one, 0.2 s.
        "jclouds.provider=filesystem-nio2",
        "jclouds.identity=" + accessKeyId,
        "jclouds.credential=" + secretAccessKey,
        "jclouds.filesystem.basedir=" + folder.resolve("data"), ""));
    Files.setPosixFilePermissions(properties, PosixFilePermissions.fromString("rw-------"));
  }

  /** Protects nothing but the store's own key, on this machine only; fixed so restarts reuse it. */
  private static String keystorePassword() {
    return "s3proxy-keystore";
  }

  /** sandbox/target/s3proxy.jar, beside the jar (or classes folder) this class was loaded from. */
  private static Path s3proxyJar() throws IOException {
    try {
      Path loadedFrom = Path.of(S3ProxyServer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path jar = loadedFrom.getParent().resolve("s3proxy.jar");
      if (!Files.isRegularFile(jar)) {
        throw new IOException(jar + " is missing: build the sandbox module (mvn -B -DskipTests package)");
      }
      return jar;
    } catch (URISyntaxException e) {
      throw new IOException("cannot locate the sandbox's jar", e);
    }
  }

  private static String javaCommand() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  private static String keytool() {
    return Path.of(javaCommand()).resolveSibling("keytool").toString();
  }

  private static void run(List<String> command) throws IOException {
    Process tool = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(tool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!tool.waitFor(60, TimeUnit.SECONDS) || tool.exitValue() != 0) {
        throw new IOException(command.get(1) + " failed: " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static String random(int bytes) {
    byte[] value = new byte[bytes];
    new SecureRandom().nextBytes(value);
    return HexFormat.of().formatHex(value);
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(new IOException("interrupted while waiting for S3Proxy"));
    }
  }
}
