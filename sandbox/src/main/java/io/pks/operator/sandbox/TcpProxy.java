package io.pks.operator.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * One Service port on a local address: each connection goes to the backend the resolver names
 * when it is accepted (none: closed at once, as a Service without endpoints refuses). Connections
 * to an old backend end with it, or when {@link ServiceProxies} cuts them (another pod took the endpoint).
 */
final class TcpProxy implements AutoCloseable {
  /**
   * A backend that does not answer (a node cut off, an address gone) fails the client's connection
   * after this, as a connection to a Service whose pod vanished would time out.
   */
  private static final int CONNECT_TIMEOUT_MILLIS = 5000;
  /**
   * What one direction of a connection copies per system call, outside the heap: a seed's copy of
   * the primary goes through here, and through 16 KiB heap arrays it took a sixth longer than direct.
   */
  private static final int PUMP_BUFFER_BYTES = 256 * 1024;
  /** Where connections go now; null when nothing is ready behind the Service. */
  private final Supplier<InetSocketAddress> backend;
  private final ServerSocketChannel server;
  /** Where it listens; kept, since a closed channel no longer says. */
  private final InetSocketAddress address;
  private final List<Connection> connections = new CopyOnWriteArrayList<>();

  private record Connection(InetSocketAddress backend, SocketChannel client, SocketChannel upstream) {
    void close() {
      closeQuietly(client);
      closeQuietly(upstream);
    }
  }

  TcpProxy(InetSocketAddress listen, Supplier<InetSocketAddress> backend) {
    this.backend = backend;
    try {
      server = ServerSocketChannel.open();
      server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      server.bind(listen);
      address = (InetSocketAddress) server.getLocalAddress();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + listen, e);
    }
    Thread acceptor = new Thread(this::accept, "sandbox-proxy-" + listen);
    acceptor.setDaemon(true);
    acceptor.start();
  }

  InetSocketAddress address() {
    return address;
  }

  /** Cuts the connections that do not go to {@code current}. */
  void cutConnectionsOtherThan(InetSocketAddress current) {
    for (Connection connection : connections) {
      if (!connection.backend().equals(current)) {
        connection.close();
        connections.remove(connection);
      }
    }
  }

  private void accept() {
    while (server.isOpen()) {
      SocketChannel client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return;
      }
      InetSocketAddress target = backend.get();
      if (target == null) {
        closeQuietly(client);
        continue;
      }
      Thread opener = new Thread(() -> open(client, target), "sandbox-proxy-open");
      opener.setDaemon(true);
      opener.start();
    }
  }

  /** Connects to the backend off the accepting thread: a backend cut off must not stall the others. */
  private void open(SocketChannel client, InetSocketAddress target) {
    SocketChannel upstream;
    try {
      upstream = SocketChannel.open();
    } catch (IOException e) {
      closeQuietly(client);
      return;
    }
    try {
      // From the Service's own address: a cut between the operator's address and a node
      // (partition-operator) leaves the clients of its Services alone.
      upstream.bind(new InetSocketAddress(address.getAddress(), 0));
      upstream.socket().connect(target, CONNECT_TIMEOUT_MILLIS);
      Connection connection = new Connection(target, client, upstream);
      connections.add(connection);
      pump(client, upstream, connection);
      pump(upstream, client, connection);
    } catch (IOException e) {
      closeQuietly(upstream);
      closeQuietly(client);
    }
  }

  private void pump(SocketChannel from, SocketChannel to, Connection connection) {
    Thread thread = new Thread(() -> {
      ByteBuffer buffer = ByteBuffer.allocateDirect(PUMP_BUFFER_BYTES);
      try {
        while (from.read(buffer) >= 0) {
          buffer.flip();
          while (buffer.hasRemaining()) {
            to.write(buffer);
          }
          buffer.clear();
        }
      } catch (IOException e) {
        // The other side went away: the connection ends.
      } finally {
        connection.close();
        connections.remove(connection);
      }
    }, "sandbox-proxy-pump");
    thread.setDaemon(true);
    thread.start();
  }

  private static void closeQuietly(SocketChannel socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // Already closed.
    }
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      // Already closed.
    }
    connections.forEach(Connection::close);
    connections.clear();
  }
}
