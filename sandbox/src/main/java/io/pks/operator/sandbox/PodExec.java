package io.pks.operator.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;

/**
 * {@code pods/exec} as the API server serves it to kubectl over a websocket: the subprotocols
 * {@value #V5} and {@value #V4}, every binary message one channel byte then data (stdin 0, stdout 1,
 * stderr 2, error 3, resize 4; in v5, 255 closes the client's side of a channel). The command ends
 * with a v1 Status on the error channel, its exit code as a {@code NonZeroExitCode} cause. With {@code tty=true}
 * the command runs on a pseudo terminal ({@link PseudoTerminal}): its outputs are one stream on stdout, and each
 * resize message ({@code {"Width":W,"Height":H}}) sets the terminal's size.
 */
public final class PodExec {
  static final String V5 = "v5.channel.k8s.io";
  static final String V4 = "v4.channel.k8s.io";
  /** The subprotocols served, the newest first, as the server picks the first the client offers. */
  static final List<String> PROTOCOLS = List.of(V5, V4);
  static final byte STDIN = 0;
  static final byte STDOUT = 1;
  static final byte STDERR = 2;
  static final byte ERROR = 3;
  static final byte RESIZE = 4;
  static final byte CLOSE = (byte) 255;
  private static final Pattern PATH = Pattern.compile("/api/v1/namespaces/([^/]+)/pods/([^/]+)/exec");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int CHUNK = 32 * 1024;

  /** Starts a command in a pod's container, or refuses as the API server does. */
  @FunctionalInterface
  public interface Starter {
    /**
     * {@code container} null: the pod's first; {@code tty}: on a pseudo terminal ({@link PseudoTerminal#command}).
     * Throws {@link Refused} for a pod or container that cannot run it.
     */
    Process start(String namespace, String pod, String container, List<String> command, boolean tty)
        throws IOException;
  }

  /** A pod that does not exist (404), is not running or has no such container (400). */
  public static final class Refused extends RuntimeException {
    private final int code;

    public Refused(int code, String message) {
      super(message);
      this.code = code;
    }

    int code() {
      return code;
    }
  }

  /** What the request asks, from its path and query. */
  record Request(String namespace, String pod, String container, List<String> command, boolean stdin,
      boolean stdout, boolean stderr, boolean tty) {

    static Request of(HttpServerRequest http) {
      Matcher path = PATH.matcher(http.path());
      if (!path.matches()) {
        throw new IllegalArgumentException("not an exec path: " + http.path());
      }
      return new Request(path.group(1), path.group(2), http.getParam("container"), http.params().getAll("command"),
          flag(http, "stdin"), flag(http, "stdout"), flag(http, "stderr"), flag(http, "tty"));
    }

    private static boolean flag(HttpServerRequest http, String name) {
      String value = http.getParam(name, "false");
      return value.equals("true") || value.equals("1");
    }
  }

  private PodExec() {
  }

  static boolean isExec(HttpServerRequest request) {
    return PATH.matcher(request.path()).matches();
  }

  /**
   * Upgrades the request and runs the command, or answers it with the API server's Status: a request without a
   * websocket upgrade, without a command, or for a pod that cannot run it.
   */
  static void serve(HttpServerRequest http, Starter starter, ExecutorService blocking) {
    Request request = Request.of(http);
    if (!"websocket".equalsIgnoreCase(http.getHeader("Upgrade"))) {
      refuse(http, new Refused(400, "Upgrade request required"));
      return;
    }
    if (request.command().isEmpty()) {
      refuse(http, new Refused(400, "you must specify at least 1 command"));
      return;
    }
    Process process;
    try {
      process = starter.start(request.namespace(), request.pod(), request.container(), request.command(),
          request.tty());
    } catch (Refused refused) {
      refuse(http, refused);
      return;
    } catch (IOException e) {
      refuse(http, new Refused(500, "cannot run " + request.command() + ": " + e.getMessage()));
      return;
    }
    http.toWebSocket().onFailure(failed -> process.destroyForcibly())
        .onSuccess(socket -> new Session(socket, request, process, blocking).run());
  }

  private static void refuse(HttpServerRequest http, Refused refused) {
    var answer = Responses.status(refused.code(), refused.getMessage());
    http.response().setStatusCode(refused.code()).putHeader("Content-Type", "application/json")
        .end(io.vertx.core.buffer.Buffer.buffer(answer.getBody().getBytes()));
  }

  /** The Status the error channel carries when the command ended with {@code exitCode}. */
  static Status exitStatus(List<String> command, int exitCode) {
    if (exitCode == 0) {
      return new StatusBuilder().withNewMetadata().endMetadata().withStatus("Success").build();
    }
    return new StatusBuilder().withNewMetadata().endMetadata().withStatus("Failure")
        .withMessage("command terminated with non-zero exit code: error executing command " + command
            + ", exit code " + exitCode)
        .withReason("NonZeroExitCode")
        .withNewDetails().addNewCause().withReason("ExitCode").withMessage(Integer.toString(exitCode)).endCause()
        .endDetails().build();
  }

  /** One message: the channel byte, then {@code data}. */
  static Buffer frame(byte channel, byte[] data, int length) {
    return Buffer.buffer(length + 1).appendByte(channel).appendBytes(data, 0, length);
  }

  /** A running command and its websocket. */
  private static final class Session {
    private final ServerWebSocket socket;
    private final Request request;
    private final Process process;
    /**
     * Hands the command its stdin and its terminal's sizes in the order the client sent them, off the event loop:
     * a size sent before some input is in force when the command reads that input.
     */
    private final ExecutorService toCommand = Executors.newSingleThreadExecutor(r -> daemon(r, "exec-input"));
    private final ExecutorService blocking;

    Session(ServerWebSocket socket, Request request, Process process, ExecutorService blocking) {
      this.socket = socket;
      this.request = request;
      this.process = process;
      this.blocking = blocking;
    }

    void run() {
      // A terminal nobody types on is not at its end: its command sees no end-of-file, as in a container.
      if (!request.stdin() && !request.tty()) {
        closeStdin();
      }
      socket.binaryMessageHandler(this::received);
      socket.closeHandler(gone -> {
        process.destroyForcibly();
        toCommand.shutdown();
      });
      blocking.submit(this::pumpUntilExit);
    }

    private void received(Buffer message) {
      if (message.length() == 0) {
        return;
      }
      byte channel = message.getByte(0);
      if (channel == STDIN && message.length() > 1) {
        byte[] data = message.getBytes(1, message.length());
        toCommand.submit(() -> {
          try {
            process.getOutputStream().write(data);
            process.getOutputStream().flush();
          } catch (IOException e) {
            // The command closed its stdin or ended: what it did not read is dropped, as in a container.
          }
        });
      } else if (channel == CLOSE && V5.equals(socket.subProtocol()) && message.length() > 1
          && message.getByte(1) == STDIN) {
        closeStdin();
      } else if (channel == RESIZE && request.tty()) {
        byte[] size = message.getBytes(1, message.length());
        toCommand.submit(() -> resize(size));
      }
      // A resize without a tty has nothing to resize, as in the kubelet.
    }

    /**
     * Sets the terminal's size from a resize message; one the command's terminal cannot take (malformed, or the
     * command ended) is dropped: a size is never a reason to end the session.
     */
    private void resize(byte[] message) {
      try {
        JsonNode size = JSON.readTree(message);
        int width = size.path("Width").asInt(-1);
        int height = size.path("Height").asInt(-1);
        if (width >= 0 && height >= 0) {
          PseudoTerminal.resize(process, width, height);
        }
      } catch (IOException e) {
        // Not a size: dropped.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private void closeStdin() {
      toCommand.submit(() -> {
        try {
          process.getOutputStream().close();
        } catch (IOException e) {
          // Already closed by the command's end.
        }
      });
    }

    /** Streams stdout and stderr until both end, then sends the exit Status and closes. */
    private void pumpUntilExit() {
      Thread err = daemon(() -> pump(process.getErrorStream(), STDERR, request.stderr()), "exec-stderr");
      err.start();
      pump(process.getInputStream(), STDOUT, request.stdout());
      try {
        err.join();
        int exitCode = process.waitFor();
        byte[] status = JSON.writeValueAsBytes(exitStatus(request.command(), exitCode));
        socket.writeBinaryMessage(frame(ERROR, status, status.length));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      } finally {
        if (!socket.isClosed()) {
          socket.close();
        }
        toCommand.shutdown();
      }
    }

    /** Copies {@code from} to {@code channel} (or drops it when the request did not ask for it). */
    private void pump(InputStream from, byte channel, boolean wanted) {
      byte[] chunk = new byte[CHUNK];
      try (from) {
        for (int read = from.read(chunk); read >= 0; read = from.read(chunk)) {
          if (wanted && read > 0 && !socket.isClosed()) {
            awaitRoom();
            socket.writeBinaryMessage(frame(channel, chunk, read));
          }
        }
      } catch (IOException e) {
        // The command was killed (the client left): nothing more to send.
      }
    }

    /** Holds the command's output while the client is slower than it. */
    private void awaitRoom() {
      while (socket.writeQueueFull() && !socket.isClosed()) {
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private static Thread daemon(Runnable runnable, String name) {
    Thread thread = new Thread(runnable, name);
    thread.setDaemon(true);
    return thread;
  }
}
