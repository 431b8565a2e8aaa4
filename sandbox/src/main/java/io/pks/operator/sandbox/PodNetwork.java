package io.pks.operator.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The network mode of the sandbox: a node per pod. A bridge {@code pks<N>} in this machine's
 * namespace holds 10.244.N.1/24 (the node's host side: the operator, the kubelet and kube-proxy
 * speak from there) and the Services' addresses (10.244.N.200 and up); each pod runs in a network
 * namespace {@code pks<N>-<k>} of its own, with a veth into the bridge and the next free address of
 * 10.244.N.2-199 (round robin, so a re-created pod gets a new one). Names come from hosts files:
 * {@code /etc/netns/<namespace>/hosts}, which {@code ip netns exec} mounts over /etc/hosts, and,
 * for this JVM, the file {@code -Djdk.net.hosts.file} names. Everything stays on the bridge and in
 * the namespaces this class makes, and goes with {@link #close()}.
 */
final class PodNetwork implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PodNetwork.class);
  static final String HOSTS_FILE_PROPERTY = "jdk.net.hosts.file";
  private static final String SUBNET_PREFIX = "10.244.";
  private static final int FIRST_POD = 2;
  private static final int LAST_POD = 199;
  private static final int FIRST_SERVICE = 200;
  private static final int LAST_SERVICE = 254;
  /**
   * FIRST_SERVICE to LAST_SERVICE as address blocks, routed from every node through the bridge. A
   * member's Service address is translated in the node (NodeRules) and never leaves it by that
   * address; one held on this machine (the API server's kubernetes Service, a proxy on the bridge)
   * must: left to the /24 link, the node looks it up by ARP, which the bridge does not answer for
   * its /32 Service addresses (seen: neighbour FAILED, every connection timed out).
   */
  private static final List<String> SERVICE_BLOCKS = List.of("200/29", "208/28", "224/27");
  private static final Path NETNS_ETC = Path.of("/etc/netns");
  private static final Path NETNS_RUN = Path.of("/run/netns");

  /** One pod's node: its namespace, the host end of its link, its address. */
  record Node(String namespace, String hostLink, String ip) {
    /** The node of namespace {@code namespace}, whose link's host end is named after it. */
    static Node named(String namespace, String ip) {
      return new Node(namespace, "v" + namespace, ip);
    }
  }

  private final int subnet;
  private final String bridge;
  private final Path jvmHostsFile;
  private final Set<Node> nodes = ConcurrentHashMap.newKeySet();
  private final Map<String, String> serviceIps = new ConcurrentHashMap<>();
  private final Map<Node, String> rulesWritten = new ConcurrentHashMap<>();
  private int nextPod = FIRST_POD;
  private int nextNode;

  private PodNetwork(int subnet, Path jvmHostsFile) {
    this.subnet = subnet;
    this.bridge = "pks" + subnet;
    this.jvmHostsFile = jvmHostsFile;
  }

  /**
   * The network mode, or why this machine cannot have it (not root, no {@code ip} or {@code nft},
   * this JVM started without {@code -Djdk.net.hosts.file}): the caller falls back to loopback.
   */
  static Optional<PodNetwork> create() {
    String refusal = refusal();
    if (refusal != null) {
      LOG.warn("sandbox network mode unavailable ({}); members run on loopback ports", refusal);
      return Optional.empty();
    }
    for (int subnet = 1; subnet < 200; subnet++) {
      if (run(List.of("ip", "link", "add", "pks" + subnet, "type", "bridge")).isEmpty()) {
        PodNetwork network = new PodNetwork(subnet, Path.of(System.getProperty(HOSTS_FILE_PROPERTY)));
        network.removeLeftNodes();
        // A bridge without an address of its own takes its ports' lowest, and changes it when that
        // port goes: the nodes would send to an address nothing answers until their neighbour
        // entry expired (up to 40 s). A set address stays.
        network.host("ip", "link", "set", network.bridge, "address", String.format("02:70:6b:73:%02x:01", subnet));
        network.host("ip", "addr", "add", network.gateway() + "/24", "dev", network.bridge);
        network.host("ip", "link", "set", network.bridge, "up");
        if (!network.jvmReadsHostsFile()) {
          network.close();
          LOG.warn("sandbox network mode unavailable (this JVM looked names up before -D{} was set, so the"
              + " operator could not resolve pod names); members run on loopback ports", HOSTS_FILE_PROPERTY);
          return Optional.empty();
        }
        network.publishToJvm("");
        LOG.info("sandbox network: bridge {} on {}0/24", network.bridge, network.prefix());
        return Optional.of(network);
      }
    }
    LOG.warn("sandbox network mode unavailable (no free bridge pks1-pks199); members run on loopback ports");
    return Optional.empty();
  }

  private static String refusal() {
    if (!ScriptLauncher.runsAsRoot()) {
      return "not root: network namespaces cannot be made";
    }
    if (System.getProperty(HOSTS_FILE_PROPERTY) == null) {
      return "this JVM was started without -D" + HOSTS_FILE_PROPERTY + "=FILE, so the operator could not"
          + " resolve pod names";
    }
    for (String tool : List.of("ip", "nft")) {
      if (run(List.of("sh", "-c", "command -v " + tool)).isPresent()) {
        return "no " + tool + " command (apt-get install iproute2 nftables)";
      }
    }
    return null;
  }

  String prefix() {
    return SUBNET_PREFIX + subnet + ".";
  }

  /** The bridge {@code pks<N>} every node links to. */
  String bridge() {
    return bridge;
  }

  /** The node side of every pod's link: where the operator and the kubelet connect from. */
  String gateway() {
    return prefix() + "1";
  }

  /** A new node with the next free address, linked to the bridge. */
  synchronized Node attach() {
    String ip = nextFreeAddress();
    int index = nextNode++;
    Node node = Node.named(bridge + "-" + index, ip);
    host("ip", "netns", "add", node.namespace());
    host("ip", "link", "add", node.hostLink(), "type", "veth", "peer", "name", "eth0", "netns", node.namespace());
    host("ip", "link", "set", node.hostLink(), "master", bridge, "up");
    inNode(node, "ip", "addr", "add", ip + "/24", "dev", "eth0");
    inNode(node, "ip", "link", "set", "eth0", "up");
    inNode(node, "ip", "link", "set", "lo", "up");
    inNode(node, "ip", "route", "add", "default", "via", gateway());
    for (String block : SERVICE_BLOCKS) {
      inNode(node, "ip", "route", "add", prefix() + block, "via", gateway());
    }
    writeNetnsFile(node, "resolv.conf", "# the sandbox resolves names from /etc/hosts only\n");
    writeNetnsFile(node, "hosts", "127.0.0.1 localhost\n");
    nodes.add(node);
    return node;
  }

  /**
   * Deletes the nodes a sandbox that died before it closed (SIGKILL, a machine stopped) left on
   * this bridge: their names are the ones this network makes next. The bridge being free, no
   * running sandbox holds them.
   */
  private void removeLeftNodes() {
    try (var namespaces = Files.list(NETNS_RUN)) {
      namespaces.map(path -> path.getFileName().toString()).filter(name -> name.startsWith(bridge + "-"))
          .forEach(name -> {
            LOG.info("sandbox network: deleting node {}, left by a sandbox that did not close", name);
            detach(Node.named(name, null));
          });
    } catch (java.nio.file.NoSuchFileException e) {
      // No namespace was ever made on this machine: nothing was left.
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + NETNS_RUN, e);
    }
  }

  private String nextFreeAddress() {
    Set<String> used = new HashSet<>();
    nodes.forEach(node -> used.add(node.ip()));
    for (int i = 0; i <= LAST_POD - FIRST_POD; i++) {
      String ip = prefix() + nextPod;
      nextPod = nextPod == LAST_POD ? FIRST_POD : nextPod + 1;
      if (!used.contains(ip)) {
        return ip;
      }
    }
    throw new IllegalStateException("every pod address of " + prefix() + "0/24 is in use");
  }

  void detach(Node node) {
    nodes.remove(node);
    rulesWritten.remove(node);
    run(List.of("ip", "netns", "delete", node.namespace()));
    deleteNetnsFiles(node);
  }

  /** The address of a Service port's proxy, kept for the sandbox's life. */
  synchronized String serviceIp(String service) {
    return serviceIps.computeIfAbsent(service, key -> {
      int next = FIRST_SERVICE + serviceIps.size();
      if (next > LAST_SERVICE) {
        throw new IllegalStateException("every Service address of " + prefix() + "0/24 is in use");
      }
      String ip = prefix() + next;
      host("ip", "addr", "add", ip + "/32", "dev", bridge);
      return ip;
    });
  }

  /** Replaces the node's hosts file in place: the running processes see it through their mount. */
  void publish(Node node, String records) {
    writeNetnsFile(node, "hosts", "127.0.0.1 localhost\n" + records);
  }

  /** The operator's (this JVM's) hosts file: this machine's name, localhost, and {@code records}. */
  void publishToJvm(String records) {
    writeJvmHosts(jvmHostsFile, records);
  }

  /**
   * Makes this JVM resolve names from {@code file} (which the network mode then fills), unless it
   * was started with a hosts file already. Only takes effect before the JVM's first name lookup:
   * the first thing a main method does.
   */
  static void useHostsFile(Path file) {
    if (System.getProperty(HOSTS_FILE_PROPERTY) == null) {
      System.setProperty(HOSTS_FILE_PROPERTY, file.toString());
      writeJvmHosts(file, "");
      file.toFile().deleteOnExit();
    }
  }

  /**
   * Replaces this JVM's hosts file by a rename, so that a lookup reads the old file or the new one
   * whole. The JDK reads the file at every lookup, and one that read a file half rewritten in place
   * found no name (seen: most lookups made during constant rewrites), and a JVM may keep that
   * answer. Nothing mounts this file, so it can be renamed over, unlike the nodes' files.
   */
  static void writeJvmHosts(Path file, String records) {
    String self;
    try {
      self = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
    } catch (IOException e) {
      self = "localhost";
    }
    Path next = file.resolveSibling(file.getFileName() + ".next");
    try {
      Files.writeString(next, "127.0.0.1 localhost " + self + "\n" + records, StandardCharsets.US_ASCII);
      Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** Whether this JVM's name lookups read the hosts file (the property was set before its first lookup). */
  private boolean jvmReadsHostsFile() {
    String probe = bridge + "-probe.sandbox.invalid";
    publishToJvm(gateway() + " " + probe + "\n");
    try {
      return InetAddress.getByName(probe).getHostAddress().equals(gateway());
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Replaces the node's nftables table {@code pks}: its Service translations (kube-proxy's DNAT,
   * so the member sees the client's own address) and the cuts its faults make. Written only when
   * changed.
   */
  void applyRules(Node node, String table) {
    if (table.equals(rulesWritten.get(node))) {
      return;
    }
    String script = "table ip pks\ndelete table ip pks\n" + table;
    Optional<String> failure = run(List.of("ip", "netns", "exec", node.namespace(), "nft", "-f", "-"), script);
    if (failure.isPresent()) {
      LOG.warn("node {}: nft refused the rules: {}", node.namespace(), failure.get());
      return;
    }
    rulesWritten.put(node, table);
  }

  /** Every link of the node up or down: a partition that leaves its processes running. */
  void link(Node node, boolean up) {
    host("ip", "link", "set", node.hostLink(), up ? "up" : "down");
  }

  /** Delay on the node's link (both ways), or why the kernel cannot add it. */
  Optional<String> latency(Node node, int millis) {
    List<String> add = List.of("tc", "qdisc", "replace", "dev", "eth0", "root", "netem", "delay", millis + "ms");
    Optional<String> refused = run(inNodeCommand(node, add));
    if (refused.isEmpty()) {
      refused = run(List.of("tc", "qdisc", "replace", "dev", node.hostLink(), "root", "netem", "delay", millis + "ms"));
    }
    return refused.map(reason -> "tc netem refused: " + reason);
  }

  void clearLatency(Node node) {
    run(inNodeCommand(node, List.of("tc", "qdisc", "del", "dev", "eth0", "root")));
    run(List.of("tc", "qdisc", "del", "dev", node.hostLink(), "root"));
  }

  /** {@code argv} run in the node's namespace (its /etc/hosts mounted). */
  static List<String> inNodeCommand(Node node, List<String> argv) {
    List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", node.namespace()));
    command.addAll(argv);
    return command;
  }

  private void inNode(Node node, String... argv) {
    host(inNodeCommand(node, List.of(argv)).toArray(String[]::new));
  }

  private void writeNetnsFile(Node node, String name, String content) {
    Path dir = NETNS_ETC.resolve(node.namespace());
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    writeInPlace(dir.resolve(name), content);
  }

  /**
   * Overwrites then truncates the same file: a bind mount holds the file itself, so replacing it
   * by a rename would leave the mount on the old one.
   */
  private static void writeInPlace(Path file, String content) {
    byte[] bytes = content.getBytes(StandardCharsets.US_ASCII);
    try (var channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.WRITE)) {
      channel.write(java.nio.ByteBuffer.wrap(bytes), 0);
      channel.truncate(bytes.length);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private static void deleteNetnsFiles(Node node) {
    try {
      LocalContainer.deleteRecursively(NETNS_ETC.resolve(node.namespace()));
    } catch (IOException e) {
      LOG.debug("node {}: {}", node.namespace(), e.getMessage());
    }
  }

  private static void host(String... argv) {
    run(List.of(argv)).ifPresent(failure -> {
      throw new IllegalStateException(String.join(" ", argv) + ": " + failure);
    });
  }

  private static Optional<String> run(List<String> argv) {
    return run(argv, null);
  }

  /** Runs a command to its end; empty if it succeeded, else its output. */
  static Optional<String> run(List<String> argv, String input) {
    try {
      Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
      try (var stdin = process.getOutputStream()) {
        if (input != null) {
          stdin.write(input.getBytes(StandardCharsets.UTF_8));
        }
      }
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return Optional.of("timed out");
      }
      return process.exitValue() == 0 ? Optional.empty() : Optional.of(output.isEmpty() ? "failed" : output);
    } catch (IOException e) {
      return Optional.of(e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted");
    }
  }

  /** Every node, then the bridge (and with it the Service addresses). */
  @Override
  public void close() {
    Set.copyOf(nodes).forEach(this::detach);
    run(List.of("ip", "link", "delete", bridge));
  }
}
