package io.pks.operator.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.pks.operator.model.PodLayout;

/**
 * The member's isolation check (member-entrypoint.sh) on a real primary with no standby: the API
 * server it looks for is a port of this machine that the test opens and closes. Cut off from both,
 * the primary stops itself; it starts again only once the API server answers; the API server alone
 * keeps it running.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IsolationCheckIT {
  @RegisterExtension
  static final LocalPostgres POSTGRES = new LocalPostgres();

  private static final int STOP_SECONDS = 2;
  /** The check's own rounds (about 2 s) and a busy machine. */
  private static final Duration SLACK = Duration.ofSeconds(8);

  private static LocalPair pair;
  private static int apiServerPort;
  private static Map<String, String> kubelet;
  private static ApiServer apiServer;

  @BeforeAll
  static void lonePrimary() throws Exception {
    pair = POSTGRES.newPair(spec -> { });
    pair.bootstrapPrimary();
    pair.siteA.stop();
    apiServerPort = LocalPair.freePort();
    kubelet = Map.of(PodLayout.ENV_API_SERVER_HOST, "127.0.0.1",
        PodLayout.ENV_API_SERVER_PORT, Integer.toString(apiServerPort),
        PodLayout.ENV_ISOLATION_STOP_SECONDS, Integer.toString(STOP_SECONDS));
  }

  @AfterAll
  static void closeApiServer() throws IOException {
    if (apiServer != null) {
      apiServer.close();
    }
  }

  @Test
  @Order(1)
  void aPrimaryThatHearsNeitherAStandbyNorTheApiServerStopsItself() throws Exception {
    LocalMember primary = pair.siteA;
    primary.start(kubelet);
    primary.awaitReady();
    long started = System.nanoTime();
    await("the isolated primary's entrypoint ended").atMost(Duration.ofSeconds(STOP_SECONDS).plus(SLACK))
        .pollInterval(Duration.ofMillis(100)).until(() -> !primary.running());
    System.out.println("TIMING isolation stop after " + Duration.ofNanos(System.nanoTime() - started).toMillis()
        + " ms ready (failover.isolationStopSeconds " + STOP_SECONDS + ")");
    assertThat(primary.exitValue()).as("a fast shutdown, not a crash").isZero();
    assertThat(Files.readString(primary.log())).contains("isolated: no news of a streaming standby or of the API"
        + " server").contains("fast shutdown");
    assertThat(primary.isolationMarker()).exists();
  }

  @Test
  @Order(2)
  void itStartsAgainOnlyOnceTheApiServerAnswers() throws Exception {
    LocalMember primary = pair.siteA;
    long since = System.nanoTime();
    primary.start(kubelet);
    primary.awaitLogLine("stopped as an isolated primary: waiting for the API server 127.0.0.1 to answer", since);
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
        .until(() -> primary.running() && !primary.ready());

    apiServer = new ApiServer(apiServerPort);
    primary.awaitReady();
    assertThat(primary.isolationMarker()).doesNotExist();
  }

  @Test
  @Order(3)
  void theApiServerAloneKeepsALonePrimaryRunning() {
    LocalMember primary = pair.siteA;
    await().during(Duration.ofSeconds(STOP_SECONDS).plus(Duration.ofSeconds(4))).atMost(Duration.ofSeconds(15))
        .until(() -> primary.running() && primary.ready());
  }

  @Test
  @Order(4)
  void itStopsAgainWhenTheApiServerGoesAway() throws Exception {
    LocalMember primary = pair.siteA;
    apiServer.close();
    apiServer = null;
    await("stopped again").atMost(Duration.ofSeconds(STOP_SECONDS).plus(SLACK)).until(() -> !primary.running());
    assertThat(primary.isolationMarker()).exists();
  }

  /**
   * The member's container ends with its PostgreSQL, not up to a second later at the check's next
   * round: a pod of the same name (a re-created pair, a restart) waits for the old container. The
   * postmaster is killed, so the time measured is the entrypoint's alone; three rounds, since the
   * old check's lag was anywhere in its second.
   */
  @Test
  @Order(5)
  void theContainerEndsWithPostgresNotAtTheChecksNextRound() throws Exception {
    LocalMember primary = pair.siteA;
    apiServer = new ApiServer(apiServerPort);
    for (int round = 1; round <= 3; round++) {
      primary.start(kubelet);
      primary.awaitReady();
      Duration ended = primary.killPostmaster();
      System.out.println("TIMING entrypoint ended " + ended.toMillis() + " ms after kill -9 of postgres");
      assertThat(ended).as("round %d: the entrypoint's end after its PostgreSQL's", round)
          .isLessThan(Duration.ofMillis(300));
    }
  }

  /** Accepts every connection and closes it at once: enough for a TCP check. */
  private static final class ApiServer implements AutoCloseable {
    private final ServerSocket socket;

    ApiServer(int port) throws IOException {
      socket = new ServerSocket();
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      Thread acceptor = new Thread(() -> {
        while (!socket.isClosed()) {
          try (Socket ignored = socket.accept()) {
            // Connected: that is all the check asks.
          } catch (IOException e) {
            return;
          }
        }
      }, "isolation-it-api-server");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
