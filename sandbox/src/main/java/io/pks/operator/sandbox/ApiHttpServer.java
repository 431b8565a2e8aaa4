package io.pks.operator.sandbox;

import java.net.InetAddress;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import io.fabric8.mockwebserver.vertx.HttpServerRequestHandler;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * The embedded API server's HTTP side: Vert.x, as in the Fabric8 mock web server, answering each request with the
 * dispatcher's response and serving its watches over websockets (Fabric8 informers) as the mock does; and serving
 * the same watches as plain HTTP, the events streamed one JSON line each in a chunked response, which the mock
 * cannot and kubectl and client-go use ({@code kubectl get -w}); and {@code pods/exec} ({@link PodExec}).
 */
final class ApiHttpServer implements AutoCloseable {
  private static final long START_SECONDS = 10;
  private static final int NORMAL_CLOSURE = 1000;

  private final Vertx vertx = Vertx.vertx();
  private final ApiServerDispatcher dispatcher;
  private final HttpServer server;
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Runs the exec sessions' output pumps, which block on the commands' output. */
  private final ExecutorService execPumps = Executors.newCachedThreadPool(r -> {
    Thread thread = new Thread(r, "exec-pump");
    thread.setDaemon(true);
    return thread;
  });
  private volatile PodExec.Starter execStarter = (namespace, pod, container, command, tty) -> {
    throw new PodExec.Refused(400, "this API server runs no pods: pods/exec is not served");
  };

  /** Listens on a free port of {@code address}. */
  ApiHttpServer(InetAddress address, ApiServerDispatcher dispatcher) {
    this.dispatcher = dispatcher;
    HttpServerRequestHandler served = new HttpServerRequestHandler(vertx) {
      @Override
      protected MockResponse onHttpRequest(RecordedRequest request) {
        return dispatcher.dispatch(request);
      }
    };
    // HTTP/1.1 only, as an API server on plain HTTP: a JDK client from a kubeconfig asks for an h2c
    // upgrade, and answering it left a request of EmbeddedApiServerIT's without a response.
    server = vertx.createHttpServer(new HttpServerOptions().setHost(address.getHostAddress()).setPort(0)
        .setHttp2ClearTextEnabled(false).setWebSocketSubProtocols(PodExec.PROTOCOLS));
    server.requestHandler(request -> {
      if (PodExec.isExec(request)) {
        PodExec.serve(request, execStarter, execPumps);
      } else if (isPlainWatch(request)) {
        watch(request);
      } else {
        served.handle(request);
      }
    });
    await(server.listen());
  }

  /** Serves {@code pods/exec} by starting the commands with {@code starter}. */
  void serveExec(PodExec.Starter starter) {
    this.execStarter = starter;
  }

  int port() {
    return server.actualPort();
  }

  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      // Closing twice is allowed, as a test that stops the server and then its fixture does.
      return;
    }
    await(server.close());
    execPumps.shutdownNow();
    // Not awaited: its future completes on an event loop that closing may already have stopped (rejected then).
    vertx.close();
  }

  /** A watch asked without a websocket upgrade: {@code GET ...?watch=true}. */
  private static boolean isPlainWatch(HttpServerRequest request) {
    String watch = request.getParam("watch", "false");
    return request.method() == io.vertx.core.http.HttpMethod.GET
        && (watch.equals("true") || watch.equals("1"))
        && !Optional.ofNullable(request.getHeader("Upgrade")).orElse("").toLowerCase(Locale.ROOT).contains("websocket");
  }

  /**
   * Opens the store's watch with a websocket of our own that writes what it is sent to the HTTP response, as watch
   * events in the form the request asked for, until the client leaves or the request's timeoutSeconds pass.
   */
  private void watch(HttpServerRequest request) {
    RecordedRequest recorded = new RecordedRequest(request.version().alpnName().toUpperCase(Locale.ROOT),
        HttpMethod.GET, request.uri(), Headers.builder().addAll(request.headers()).build(), new Buffer());
    MockResponse response = dispatcher.dispatch(recorded);
    WebSocketListener listener = response.getWebSocketListener();
    HttpServerResponse out = request.response();
    if (listener == null) {
      // Refused (an injected fault, an unknown resource): answered as any other request.
      out.setStatusCode(response.code());
      response.getHeaders().toMultimap().forEach((name, values) -> out.headers().add(name, values));
      out.end(io.vertx.core.buffer.Buffer.buffer(response.getBody().getBytes()));
      return;
    }
    out.setStatusCode(200).setChunked(true).putHeader("Content-Type", "application/json");
    out.writeHead();
    EventStream stream = new EventStream(recorded, out, dispatcher.watchEvents(recorded));
    Runnable stop = () -> vertx.executeBlocking(() -> {
      // The listener waits for its queued events: not on the event loop, which writes them.
      listener.onClosed(stream, NORMAL_CLOSURE, "watch ended");
      return null;
    });
    out.closeHandler(gone -> {
      stream.clientLeft();
      stop.run();
    });
    String timeout = request.getParam("timeoutSeconds");
    if (timeout != null && !timeout.isBlank()) {
      vertx.setTimer(TimeUnit.SECONDS.toMillis(Long.parseLong(timeout)), timer -> stop.run());
    }
    listener.onOpen(stream, response);
  }

  /** The store's side of an HTTP watch: each event it sends is one line of the chunked response. */
  private static final class EventStream implements WebSocket {
    private final RecordedRequest request;
    private final HttpServerResponse out;
    private final Function<String, Optional<String>> asEvent;
    private final AtomicBoolean ended = new AtomicBoolean();

    EventStream(RecordedRequest request, HttpServerResponse out, Function<String, Optional<String>> asEvent) {
      this.request = request;
      this.out = out;
      this.asEvent = asEvent;
    }

    /** Nothing more can be written: the connection is gone. */
    void clientLeft() {
      ended.set(true);
    }

    @Override
    public RecordedRequest request() {
      return request;
    }

    @Override
    public boolean send(String text) {
      if (ended.get()) {
        return false;
      }
      asEvent.apply(text).ifPresent(event -> out.write(event + "\n"));
      return true;
    }

    @Override
    public boolean send(byte[] bytes) {
      throw new UnsupportedOperationException("watch events are text");
    }

    @Override
    public boolean close(int code, String reason) {
      if (ended.compareAndSet(false, true)) {
        out.end();
      }
      return true;
    }
  }

  private static <T> T await(Future<T> future) {
    CompletableFuture<T> done = future.toCompletionStage().toCompletableFuture();
    try {
      return done.get(START_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the API server's HTTP side started or stopped", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("the API server's HTTP side did not start or stop", e);
    }
  }
}
