package io.pks.operator.sandbox;

import java.util.Locale;

/**
 * What the annotation {@code sandbox.pks.io/fault} does to a pod's node. {@code node-down} kills
 * every process; {@code partition} takes the node's link down (its processes run on; its kubelet
 * cannot reach the API server, so nothing stops them until it is cleared); {@code
 * partition-operator} cuts only the node from the operator; {@code partition-peer} only from its
 * pair's other member; {@code pause} stops every process (SIGSTOP) until cleared; {@code
 * latency-<ms>} delays the node's link with tc netem.
 */
record NodeFault(Kind kind, int latencyMillis) {

  static final String NODE_DOWN = "node-down";
  static final NodeFault NONE = new NodeFault(Kind.NONE, 0);
  private static final String LATENCY_PREFIX = "latency-";

  enum Kind {
    NONE, NODE_DOWN, PARTITION, PARTITION_OPERATOR, PARTITION_PEER, PAUSE, LATENCY;

    String annotation() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** The fault an annotation value names (none when absent); a clear error for anything else. */
  static NodeFault parse(String value) {
    if (value == null || value.isEmpty()) {
      return NONE;
    }
    if (value.startsWith(LATENCY_PREFIX)) {
      String millis = value.substring(LATENCY_PREFIX.length());
      if (!millis.matches("[0-9]{1,5}") || Integer.parseInt(millis) == 0) {
        throw new IllegalArgumentException("sandbox.pks.io/fault " + value + ": latency-<ms> needs 1 to 99999 ms");
      }
      return new NodeFault(Kind.LATENCY, Integer.parseInt(millis));
    }
    for (Kind kind : Kind.values()) {
      if (kind != Kind.NONE && kind != Kind.LATENCY && kind.annotation().equals(value)) {
        return new NodeFault(kind, 0);
      }
    }
    throw new IllegalArgumentException("sandbox.pks.io/fault " + value + " is none of node-down, partition,"
        + " partition-operator, partition-peer, pause, latency-<ms>");
  }

  /** The node cannot answer the API server: the kubelet neither acts nor reports. */
  boolean unreachable() {
    return kind == Kind.NODE_DOWN || kind == Kind.PARTITION || kind == Kind.PAUSE;
  }

  /** Only a node of its own (the network mode) can lose links. */
  boolean needsNetwork() {
    return kind == Kind.PARTITION || kind == Kind.PARTITION_OPERATOR || kind == Kind.PARTITION_PEER
        || kind == Kind.LATENCY;
  }

  @Override
  public String toString() {
    return kind == Kind.LATENCY ? LATENCY_PREFIX + latencyMillis : kind.annotation();
  }
}
