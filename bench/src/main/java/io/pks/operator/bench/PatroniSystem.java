package io.pks.operator.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Patroni with one etcd ({@code bench/peers/patroni.sh}), {@code synchronous_mode: true} (not
 * strict), {@code use_pg_rewind: true}. The 5 s window: ttl 5, loop_wait 1, retry_timeout 2 (the
 * smallest that keeps loop_wait + 2 × retry_timeout ≤ ttl); the defaults: 30, 10, 10.
 */
final class PatroniSystem extends ScriptedPeer {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  private String[] timing;

  PatroniSystem(Path base, int port) {
    super("patroni", "patroni.sh", base, port);
  }

  /** etcd, the DCS: up before the timed creation, as our API server is. */
  @Override
  public void prepare(Window window) throws IOException {
    timing = window == Window.FIVE_SECONDS ? new String[] {"5", "1", "2"} : new String[] {"30", "10", "10"};
    requireFreePorts();
    script("start-dcs");
  }

  @Override
  public void create() throws IOException {
    for (String node : NODES) {
      start(node);
    }
  }

  /** A member with the role sync_standby in the cluster's view (its /sync key), from either node's REST API. */
  @Override
  public boolean standbyEligible() throws InterruptedException {
    for (String node : NODES) {
      try {
        HttpResponse<String> cluster = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
            + (port + 21 + NODES.indexOf(node)) + "/cluster")).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.ofString());
        for (JsonNode member : JSON.readTree(cluster.body()).path("members")) {
          if ("sync_standby".equals(member.path("role").asText())) {
            return true;
          }
        }
        return false;
      } catch (IOException e) {
        // That node is down: ask the other.
      }
    }
    return false;
  }

  @Override
  public void bringBack(String node) throws IOException {
    start(node);
  }

  private void start(String node) throws IOException {
    script("start", node, timing[0], timing[1], timing[2]);
  }

  @Override
  public void switchover(String primary, String target) throws IOException {
    script("switchover", primary, target);
  }
}
