package io.pks.operator.sandbox;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The network mode's links, with real namespaces, veth pairs and a bridge (root, iproute2, nftables). */
class PodNetworkIT {

  /**
   * Nodes reach what runs on this machine (the API server's Service address, the operator) through
   * the bridge's address, by its MAC. A bridge whose MAC is not set takes the lowest of its ports',
   * so the MAC changed when that port's node went: the other nodes kept sending to the old one,
   * which nothing answers, until their neighbour entry expired (up to 40 s, seen 38 s). A new
   * primary's isolation check then found no API server and stopped it (DrainE2E's 53 s gap).
   */
  @Test
  void aNodeReachesThisMachineAtOnceWhenAnotherNodeLeaves() throws Exception {
    PodNetwork network = PodNetwork.create().orElseThrow();
    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getByName(network.gateway()))) {
      Thread acceptor = new Thread(() -> acceptAll(listener));
      acceptor.setDaemon(true);
      acceptor.start();
      PodNetwork.Node first = network.attach();
      PodNetwork.Node second = network.attach();
      // The node whose link has the lowest MAC leaves: the bridge's MAC, were it not set.
      boolean firstIsLower = mac(first).compareTo(mac(second)) < 0;
      PodNetwork.Node leaving = firstIsLower ? first : second;
      PodNetwork.Node staying = firstIsLower ? second : first;
      assertThat(connects(staying, network.gateway(), listener.getLocalPort())).as("before").isEmpty();

      network.detach(leaving);

      assertThat(connects(staying, network.gateway(), listener.getLocalPort()))
          .as("a connection to this machine right after another node left").isEmpty();
    } finally {
      network.close();
    }
  }

  /**
   * A sandbox killed before it closed (SIGKILL, a machine stopped) leaves its nodes' namespaces;
   * the next sandbox given the same bridge made the same names and could not start a pod ("File
   * exists").
   */
  @Test
  void aNodeLeftByASandboxThatDiedDoesNotStopTheNextOne() throws Exception {
    PodNetwork died = PodNetwork.create().orElseThrow();
    String bridge = died.bridge();
    PodNetwork.Node left = died.attach();
    // As a killed JVM leaves it: the bridge goes with nothing, the node's namespace stays.
    assertThat(PodNetwork.run(List.of("ip", "link", "delete", bridge), null)).isEmpty();

    PodNetwork network = PodNetwork.create().orElseThrow();
    try {
      assertThat(network.bridge()).as("the same bridge again").isEqualTo(bridge);
      PodNetwork.Node node = network.attach();
      assertThat(node.namespace()).isEqualTo(left.namespace());
      assertThat(PodNetwork.run(PodNetwork.inNodeCommand(node, List.of("true")), null)).isEmpty();
    } finally {
      network.close();
    }
  }

  private static String mac(PodNetwork.Node node) throws IOException {
    return Files.readString(Path.of("/sys/class/net", node.hostLink(), "address")).trim();
  }

  /** Empty when a TCP connection from the node opens within a second; else why not. */
  private static Optional<String> connects(PodNetwork.Node node, String host, int port) {
    return PodNetwork.run(PodNetwork.inNodeCommand(node, List.of("timeout", "1", "bash", "-c",
        "exec 3<> /dev/tcp/" + host + "/" + port)), null);
  }

  private static void acceptAll(ServerSocket listener) {
    while (!listener.isClosed()) {
      try (Socket ignored = listener.accept()) {
        // Accepted: all the test asks.
      } catch (IOException e) {
        return;
      }
    }
  }
}
