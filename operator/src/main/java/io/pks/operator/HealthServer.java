package io.pks.operator;

import java.io.IOException;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** /healthz (the process and its informers are healthy) and /readyz (the operator has started). */
public final class HealthServer implements AutoCloseable {
  private final HttpEndpoints endpoints;

  public HealthServer(int port, BooleanSupplier healthy, BooleanSupplier ready) throws IOException {
    endpoints = new HttpEndpoints(port, Map.of(
        "/healthz", () -> answer(healthy.getAsBoolean()),
        "/readyz", () -> answer(ready.getAsBoolean())));
  }

  private static HttpEndpoints.Answer answer(boolean ok) {
    return ok ? HttpEndpoints.Answer.text(200, "ok\n") : HttpEndpoints.Answer.text(503, "not ok\n");
  }

  @Override
  public void close() {
    endpoints.close();
  }
}
