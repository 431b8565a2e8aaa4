package io.pks.operator.postgres;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.SQLException;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A session's login is bounded without a thread per attempt. */
class PgConnectorTest {
  private static final PgConnector PROBES = PgConnector.forProbes(new Credentials("postgres", "secret".toCharArray()));

  @Test
  void refusedAttemptsStartNoThread() throws IOException {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    MemberEndpoint nobody = new MemberEndpoint("site-a", "127.0.0.1", port);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long before = threads.getTotalStartedThreadCount();
    for (int attempt = 0; attempt < 20; attempt++) {
      assertThatThrownBy(() -> PROBES.open(nobody)).isInstanceOf(SQLException.class);
    }
    // pgjdbc's loginTimeout ran each attempt in a thread of its own: 20 here.
    assertThat(threads.getTotalStartedThreadCount() - before).isLessThan(5);
  }

  @Test
  void aServerThatAcceptsButNeverAnswersFailsTheLoginAfterTheConnectTimeout() throws IOException {
    // Never accepted: the kernel completes the TCP handshake, as for a paused member.
    try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      MemberEndpoint mute = new MemberEndpoint("site-a", "127.0.0.1", silent.getLocalPort());
      long start = System.nanoTime();
      assertThatThrownBy(() -> PROBES.open(mute)).isInstanceOf(SQLException.class);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      // Within the connect timeout (2 s), both of pgjdbc's attempts (with TLS, then without) included.
      assertThat(took).isLessThan(PgConnector.Timeouts.PROBE.connect().plusMillis(500));
    }
  }
}
