package io.pks.operator.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/**
 * A member whose login was refused is checked with a bare TCP connect before the next login, and
 * only until something listens there again (ProbeSessionsIT reaches a restarted PostgreSQL through it).
 */
class ProbeSessionsTest {
  private static final PgConnector PROBES = PgConnector.forProbes(new Credentials("postgres", "secret".toCharArray()));

  @Test
  void aRefusedMemberIsCheckedWithoutALoginUntilSomethingListensAgain() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    MemberEndpoint member = new MemberEndpoint("site-a", "127.0.0.1", port);
    try (ProbeSessions sessions = new ProbeSessions(Clock.systemUTC())) {
      SQLException first = probe(sessions, member);
      SQLException second = probe(sessions, member);

      assertThat(first.getMessage()).as("pgjdbc's login").startsWith("Connection to 127.0.0.1:" + port + " refused");
      assertThat(second.getMessage()).as("the check before a login").startsWith("Nothing answered a connection to");
      assertThat(ProbeResult.ofFailure("site-a", second, Clock.systemUTC().instant()).outcome())
          .isEqualTo(ProbeResult.Outcome.UNREACHABLE);

      try (Listener listener = new Listener(port)) {
        SQLException notPostgres = probe(sessions, member);
        assertThat(listener.awaitAccepted(2)).as("the check, then pgjdbc's login").isEqualTo(2);
        probe(sessions, member);
        assertThat(listener.awaitAccepted(3)).as("no check once a member listened").isEqualTo(3);
        assertThat(notPostgres.getMessage()).doesNotStartWith("Nothing answered");
      }
    }
  }

  /**
   * A fast shutdown ends the logins under way (57P01, or 57014 for one still authenticating) before
   * the server answers new ones that it is shutting down (57P03). Read as unreachable, such an end
   * let a switchover take the old primary for stopped while it was still writing its shutdown
   * checkpoint (BENCHMARKS.md, session 18): the probe logs in once more and reports what that says.
   */
  @Test
  void aLoginEndedByTheServerIsTriedOnceMore() throws Exception {
    try (FatalServer server = new FatalServer("57014", "57P03", "57P03")) {
      MemberEndpoint member = new MemberEndpoint("site-a", "127.0.0.1", server.port());
      try (ProbeSessions sessions = new ProbeSessions(Clock.systemUTC())) {
        SQLException failure = probe(sessions, member);
        assertThat(failure.getSQLState()).isEqualTo("57P03");
        assertThat(ProbeResult.ofFailure("site-a", failure, Clock.systemUTC().instant()).outcome())
            .isEqualTo(ProbeResult.Outcome.STARTING);
        assertThat(server.logins()).as("the ended login, then one more").isEqualTo(2);
      }
    }
  }

  private static SQLException probe(ProbeSessions sessions, MemberEndpoint member) {
    return catchThrowableOfType(() -> sessions.run(PROBES, member, session -> true), SQLException.class);
  }

  /** Accepts connections on a port and closes each at once: something listens, but not PostgreSQL. */
  private static final class Listener implements AutoCloseable {
    private final ServerSocket server;
    private final AtomicInteger accepted = new AtomicInteger();
    private final Thread acceptor;

    Listener(int port) throws IOException {
      server = new ServerSocket(port, 5, InetAddress.getLoopbackAddress());
      acceptor = new Thread(() -> {
        while (!server.isClosed()) {
          try (Socket client = server.accept()) {
            accepted.incrementAndGet();
          } catch (IOException closed) {
            return;
          }
        }
      });
      acceptor.start();
    }

    /** The connections accepted once {@code expected} were, or 2 s passed, and then 100 ms more for any extra. */
    int awaitAccepted(int expected) throws InterruptedException {
      for (int i = 0; i < 100 && accepted.get() < expected; i++) {
        Thread.sleep(20);
      }
      Thread.sleep(100);
      return accepted.get();
    }

    @Override
    public void close() throws IOException, InterruptedException {
      server.close();
      acceptor.join();
    }
  }

  /**
   * Answers each login with a FATAL ErrorResponse of the next SQLSTATE given, as PostgreSQL does when
   * it cannot take the session (after answering "no" to an SSL or GSS encryption request).
   */
  private static final class FatalServer implements AutoCloseable {
    private static final int SSL_REQUEST = 80877103;
    private static final int GSS_REQUEST = 80877104;
    private final ServerSocket server;
    private final AtomicInteger logins = new AtomicInteger();
    private final Thread acceptor;

    FatalServer(String... states) throws IOException {
      server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
      acceptor = new Thread(() -> {
        for (String state : states) {
          try (Socket client = server.accept()) {
            answer(client, state);
          } catch (IOException closed) {
            return;
          }
        }
      });
      acceptor.start();
    }

    private void answer(Socket client, String state) throws IOException {
      DataInputStream in = new DataInputStream(client.getInputStream());
      DataOutputStream out = new DataOutputStream(client.getOutputStream());
      while (true) {
        byte[] packet = new byte[in.readInt() - 4];
        in.readFully(packet);
        int code = ByteBuffer.wrap(packet).getInt();
        if (code != SSL_REQUEST && code != GSS_REQUEST) {
          break;
        }
        out.writeByte('N');
        out.flush();
      }
      logins.incrementAndGet();
      byte[] fields = ("SFATAL\0VFATAL\0C" + state + "\0Mended by the test's server\0\0")
          .getBytes(StandardCharsets.US_ASCII);
      out.writeByte('E');
      out.writeInt(fields.length + 4);
      out.write(fields);
      out.flush();
    }

    int port() {
      return server.getLocalPort();
    }

    int logins() {
      return logins.get();
    }

    @Override
    public void close() throws IOException, InterruptedException {
      server.close();
      acceptor.join();
    }
  }
}
