package io.pks.operator.bench;

import java.sql.SQLException;

import io.pks.operator.sandbox.Writer;

/**
 * A two-node high-availability system for PostgreSQL as {@code bench/run.sh peers} drives it: ours
 * (the operator in the sandbox) or a peer (Patroni, pg_auto_failover) on loopback. One cluster at a
 * time: {@link #prepare} and {@link #create} make it, {@link #destroy} removes it with its data.
 */
interface HaSystem extends AutoCloseable {

  /** The failover windows the benchmark compares: 5 s for every system, and each system's defaults. */
  enum Window {
    FIVE_SECONDS("5 s window"), DEFAULTS("defaults");

    final String label;

    Window(String label) {
      this.label = label;
    }
  }

  /** The system's name, first in each of its metrics: pks-operator, patroni or pg_auto_failover. */
  String name();

  /** Whether this system runs with its own settings at {@code window} (ours' default window is 5 s). */
  boolean runs(Window window);

  /** Starts what the system's nodes depend on (a DCS, a monitor), set for {@code window}; not timed. */
  void prepare(Window window) throws Exception;

  /** Starts creating a new cluster of two nodes; returns without waiting for it to stream. */
  void create() throws Exception;

  /** Sessions to whichever node is the primary, as an application reaches it. */
  Writer.Connections primary();

  /** The node the system has made its primary. */
  String primaryNode() throws SQLException;

  /** The other node of the cluster. */
  String otherNode(String node);

  /**
   * Whether the system itself counts its standby as synchronous, i.e. would fail over to it now.
   * PostgreSQL reports a standby in sync a moment before the system records it (the operator's
   * status, Patroni's /sync key, the monitor's node states); a node lost in between is not failed
   * over by any of the three, by design, so each change starts only once this holds.
   */
  boolean standbyEligible() throws Exception;

  /** Node loss: every process of {@code node} SIGKILLed, the node kept down. */
  void loseNode(String node) throws Exception;

  /** The lost node back: its processes started again on its data. */
  void bringBack(String node) throws Exception;

  /** A planned switchover to {@code target}, as the system's operator asks for one. */
  void switchover(String primary, String target) throws Exception;

  /** Removes the cluster and its data. */
  void destroy() throws Exception;

  @Override
  default void close() throws Exception {
    destroy();
  }
}
