package io.pks.operator.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
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
}
