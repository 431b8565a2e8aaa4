package io.pks.operator;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A few read-only HTTP endpoints on one port (health probes, the metrics scrape), on the JDK's own
 * server: they need no framework, and each answer is computed when asked.
 */
public final class HttpEndpoints implements AutoCloseable {

  /** What an endpoint answers. */
  public record Answer(int status, String contentType, byte[] body) {
    public static Answer text(int status, String body) {
      return new Answer(status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
    }
  }

  private final HttpServer server;

  /** Starts serving {@code endpoints} (path to answer) on {@code port}; 0 picks a free port. */
  public HttpEndpoints(int port, Map<String, Supplier<Answer>> endpoints) throws IOException {
    server = HttpServer.create(new InetSocketAddress(port), 0);
    endpoints.forEach((path, answer) -> server.createContext(path, exchange -> send(exchange, answer.get())));
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void send(HttpExchange exchange, Answer answer) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", answer.contentType());
    exchange.sendResponseHeaders(answer.status(), answer.body().length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(answer.body());
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
