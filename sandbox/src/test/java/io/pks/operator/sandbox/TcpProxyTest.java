package io.pks.operator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.pks.operator.model.LoopbackNetwork;

/** A Service port of the sandbox, against a local echo server as its backend. */
class TcpProxyTest {
  private static final InetSocketAddress ANY_PORT = new InetSocketAddress(LoopbackNetwork.LOOPBACK_HOST, 0);
  private static final int READ_TIMEOUT_MILLIS = 10_000;

  @Test
  void bytesGoThroughBothWaysUnchangedBeyondOneBuffer() throws IOException {
    byte[] sent = new byte[3 * 1024 * 1024 + 17];
    new Random(42).nextBytes(sent);
    try (EchoServer echo = new EchoServer(); TcpProxy proxy = new TcpProxy(ANY_PORT, echo::address);
        Socket client = connect(proxy)) {
      Thread writer = new Thread(() -> write(client, sent));
      writer.start();
      byte[] received = new byte[sent.length];
      new DataInputStream(client.getInputStream()).readFully(received);

      assertThat(received).isEqualTo(sent);
    }
  }

  @Test
  void aConnectionToAnotherBackendIsCutAndOneToTheCurrentKept() throws IOException {
    try (EchoServer old = new EchoServer(); EchoServer current = new EchoServer()) {
      AtomicReference<InetSocketAddress> backend = new AtomicReference<>(old.address());
      try (TcpProxy proxy = new TcpProxy(ANY_PORT, backend::get); Socket toOld = connect(proxy)) {
        assertThat(echoOnce(toOld)).isEqualTo(1);
        backend.set(current.address());
        try (Socket toCurrent = connect(proxy)) {
          assertThat(echoOnce(toCurrent)).isEqualTo(1);

          proxy.cutConnectionsOtherThan(current.address());

          assertThat(toOld.getInputStream().read()).as("the connection to the old backend, cut").isEqualTo(-1);
          assertThat(echoOnce(toCurrent)).as("the connection to the current backend").isEqualTo(1);
        }
      }
    }
  }

  @Test
  void withoutABackendAConnectionIsClosedAtOnce() throws IOException {
    try (TcpProxy proxy = new TcpProxy(ANY_PORT, () -> null); Socket client = connect(proxy)) {
      assertThat(client.getInputStream().read()).isEqualTo(-1);
    }
  }

  private static Socket connect(TcpProxy proxy) throws IOException {
    Socket socket = new Socket(proxy.address().getAddress(), proxy.address().getPort());
    socket.setSoTimeout(READ_TIMEOUT_MILLIS);
    return socket;
  }

  /** Sends one byte, 1, and reads back what the echo returns. */
  private static int echoOnce(Socket socket) throws IOException {
    socket.getOutputStream().write(1);
    socket.getOutputStream().flush();
    return socket.getInputStream().read();
  }

  private static void write(Socket socket, byte[] bytes) {
    try {
      OutputStream out = socket.getOutputStream();
      out.write(bytes);
      out.flush();
    } catch (IOException e) {
      // The reading side fails the test.
    }
  }

  /** Sends back every byte each connection sends it. */
  private static final class EchoServer implements AutoCloseable {
    private final ServerSocket server;

    EchoServer() throws IOException {
      server = new ServerSocket();
      server.bind(ANY_PORT);
      Thread acceptor = new Thread(this::accept, "echo-server");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    InetSocketAddress address() {
      return (InetSocketAddress) server.getLocalSocketAddress();
    }

    private void accept() {
      while (!server.isClosed()) {
        try {
          Socket connection = server.accept();
          Thread echo = new Thread(() -> echo(connection), "echo");
          echo.setDaemon(true);
          echo.start();
        } catch (IOException e) {
          return;
        }
      }
    }

    private static void echo(Socket connection) {
      try (connection; InputStream in = connection.getInputStream(); OutputStream out = connection.getOutputStream()) {
        in.transferTo(out);
      } catch (IOException e) {
        // The proxy cut it.
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
