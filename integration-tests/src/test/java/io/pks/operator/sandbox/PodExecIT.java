package io.pks.operator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The framing of the embedded API server's {@code pods/exec}, byte by byte, with the JDK's websocket client: the
 * subprotocol picked, one channel byte before each message's data, stdin closed by v5's close channel, the exit
 * code as the API server's Status, refusals as HTTP Statuses; with a tty, the command on a pseudo terminal sized by
 * the resize channel. The commands run on this machine ({@code sh}; with a tty, under {@link PseudoTerminal}).
 */
class PodExecIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String EXEC = "/api/v1/namespaces/telephony/pods/app/exec";

  private EmbeddedApiServer server;

  @BeforeEach
  void start() {
    server = new EmbeddedApiServer();
    server.servePodExec((namespace, pod, container, command, tty) -> {
      if (!pod.equals("app")) {
        throw new PodExec.Refused(404, "pods \"" + pod + "\" not found");
      }
      return new ProcessBuilder(tty ? PseudoTerminal.command(command) : command).start();
    });
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** What a session received, by channel, until the server closed it. */
  private record Received(String protocol, List<byte[]> messages) {
    String channel(int channel) {
      ByteArrayOutputStream data = new ByteArrayOutputStream();
      messages.stream().filter(message -> message[0] == (byte) channel)
          .forEach(message -> data.write(message, 1, message.length - 1));
      return data.toString(StandardCharsets.UTF_8);
    }

    JsonNode status() throws Exception {
      return JSON.readTree(channel(3));
    }
  }

  @Test
  void v5CarriesStdinOutputsAndTheExitCodeAsANonZeroExitCodeStatus() throws Exception {
    Received received = exec("?command=sh&command=-c&command=cat%3B+echo+err+%3E%262%3B+exit+3"
        + "&stdin=true&stdout=true&stderr=true", List.of(PodExec.V5, PodExec.V4),
        socket -> {
          socket.sendBinary(ByteBuffer.wrap(new byte[] {0, 'h', 'i', '\n'}), true).join();
          socket.sendBinary(ByteBuffer.wrap(new byte[] {(byte) 255, 0}), true).join();
        });
    assertThat(received.protocol()).isEqualTo(PodExec.V5);
    assertThat(received.channel(1)).isEqualTo("hi\n");
    assertThat(received.channel(2)).isEqualTo("err\n");
    JsonNode status = received.status();
    assertThat(status.path("status").asText()).isEqualTo("Failure");
    assertThat(status.path("reason").asText()).isEqualTo("NonZeroExitCode");
    assertThat(status.at("/details/causes/0/reason").asText()).isEqualTo("ExitCode");
    assertThat(status.at("/details/causes/0/message").asText()).isEqualTo("3");
    assertThat(received.messages().get(received.messages().size() - 1)[0]).as("the Status comes last")
        .isEqualTo((byte) 3);
  }

  @Test
  void v4WithoutStdinEndsWithASuccessStatus() throws Exception {
    Received received = exec("?command=echo&command=hello&stdout=true&stderr=true", List.of(PodExec.V4),
        socket -> { });
    assertThat(received.protocol()).isEqualTo(PodExec.V4);
    assertThat(received.channel(1)).isEqualTo("hello\n");
    assertThat(received.status().path("status").asText()).isEqualTo("Success");
  }

  @Test
  void anOutputNotAskedForIsNotSent() throws Exception {
    Received received = exec("?command=sh&command=-c&command=echo+out%3B+echo+err+%3E%262&stdout=true",
        List.of(PodExec.V5), socket -> { });
    assertThat(received.channel(1)).isEqualTo("out\n");
    assertThat(received.channel(2)).isEmpty();
  }

  @Test
  void aTtyRunsTheCommandOnATerminalSizedByResizeMessagesWithBothOutputsOnStdout() throws Exception {
    Received received = exec(commands("sh", "-c", "tty; test -t 0 && echo yes; read line; stty size; echo err >&2;"
        + " exit 5") + "&stdin=true&stdout=true&tty=true", List.of(PodExec.V5), socket -> {
          socket.sendBinary(message(4, "not a size"), true).join();
          socket.sendBinary(message(4, "{\"Width\":120,\"Height\":40}"), true).join();
          socket.sendBinary(message(0, "go\n"), true).join();
        });
    assertThat(received.channel(1)).as("the terminal's lines end in \\r\\n; the input is echoed")
        .contains("/dev/pts/", "yes\r\n", "go\r\n", "40 120\r\n", "err\r\n");
    assertThat(received.channel(2)).as("a terminal has one output").isEmpty();
    assertThat(received.status().at("/details/causes/0/message").asText()).isEqualTo("5");
  }

  @Test
  void aTtySessionEndsWhenItsInputDoes() throws Exception {
    Received received = exec(commands("cat") + "&stdin=true&stdout=true&tty=true", List.of(PodExec.V5), socket -> {
      socket.sendBinary(message(0, "last line\n"), true).join();
      socket.sendBinary(ByteBuffer.wrap(new byte[] {(byte) 255, 0}), true).join();
    });
    assertThat(received.channel(1)).isEqualTo("last line\r\nlast line\r\n");
    assertThat(received.status().path("status").asText()).isEqualTo("Success");
  }

  @Test
  void aTtyWithoutStdinGivesTheCommandNoEndOfFile() throws Exception {
    Received received = exec(commands("sh", "-c", "timeout --foreground 1 cat; echo $?") + "&stdout=true&tty=true",
        List.of(PodExec.V5), socket -> { });
    assertThat(received.channel(1)).as("cat still reading when timeout ends it").isEqualTo("124\r\n");
  }

  @Test
  void refusalsAreTheApiServersStatuses() throws Exception {
    assertThat(handshakeRefused("/api/v1/namespaces/telephony/pods/gone/exec?command=true&stdout=true"))
        .containsEntry(404, "pods \"gone\" not found");
    assertThat(handshakeRefused(EXEC + "?stdout=true")).containsEntry(400, "you must specify at least 1 command");
    HttpResponse<String> plain = HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + EXEC + "?command=true"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(plain.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(plain.body()).path("message").asText()).isEqualTo("Upgrade request required");
  }

  /** The query's {@code command} parameters. */
  private static String commands(String... argv) {
    return "?" + Stream.of(argv).map(word -> "command=" + URLEncoder.encode(word, StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  /** One message on {@code channel}. */
  private static ByteBuffer message(int channel, String data) {
    byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(bytes.length + 1).put((byte) channel).put(bytes).flip();
  }

  private interface Client {
    void talk(WebSocket socket) throws Exception;
  }

  private Received exec(String query, List<String> protocols, Client client) throws Exception {
    List<byte[]> messages = new ArrayList<>();
    CompletableFuture<Void> closed = new CompletableFuture<>();
    ByteArrayOutputStream partial = new ByteArrayOutputStream();
    WebSocket socket = HTTP.newWebSocketBuilder()
        .subprotocols(protocols.get(0), protocols.subList(1, protocols.size()).toArray(String[]::new))
        .buildAsync(URI.create(server.url().replace("http", "ws") + EXEC + query), new WebSocket.Listener() {
          @Override
          public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            partial.writeBytes(bytes);
            if (last) {
              messages.add(partial.toByteArray());
              partial.reset();
            }
            webSocket.request(1);
            return null;
          }

          @Override
          public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(null);
            return null;
          }

          @Override
          public void onError(WebSocket webSocket, Throwable error) {
            closed.completeExceptionally(error);
          }
        }).get(10, TimeUnit.SECONDS);
    client.talk(socket);
    closed.get(10, TimeUnit.SECONDS);
    return new Received(socket.getSubprotocol(), messages);
  }

  /** The HTTP code and the Status message answered instead of a websocket. */
  private Map<Integer, String> handshakeRefused(String path) {
    Throwable[] failure = new Throwable[1];
    assertThatThrownBy(() -> HTTP.newWebSocketBuilder().subprotocols(PodExec.V5)
        .buildAsync(URI.create(server.url().replace("http", "ws") + path), new WebSocket.Listener() { }).join())
        .isInstanceOf(CompletionException.class).satisfies(thrown -> failure[0] = thrown.getCause());
    assertThat(failure[0]).isInstanceOf(WebSocketHandshakeException.class);
    HttpResponse<?> response = ((WebSocketHandshakeException) failure[0]).getResponse();
    try {
      String message = JSON.readTree(String.valueOf(response.body())).path("message").asText();
      return Map.of(response.statusCode(), message);
    } catch (JsonProcessingException e) {
      throw new AssertionError("not a Status: " + response.body(), e);
    }
  }
}
