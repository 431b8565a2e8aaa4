package io.pks.operator.reconciler;

import java.time.Duration;
import java.time.Instant;

/**
 * Lets the operator stop between reconciles, not in the middle of one. JOSDK's stop empties the
 * informer caches first and only then shuts the reconcile threads down, so a reconcile still
 * running would see a pair with no objects, no pods and no Jobs, and act on that: create objects
 * that exist, decide on members it cannot see. Once the gate is closed no reconcile starts, and
 * one under way stops before it acts on a member (as a crash there would); the operator's stop
 * waits for those under way to end before JOSDK's.
 */
public final class ReconcileGate {
  private int running;
  private boolean closed;

  /** Whether a reconcile may start; if it may, it is counted until {@link #leave()}. */
  public synchronized boolean enter() {
    if (closed) {
      return false;
    }
    running++;
    return true;
  }

  /** A reconcile {@link #enter()} let in has ended. */
  public synchronized void leave() {
    running--;
    notifyAll();
  }

  /** Whether a reconcile under way may still act on the pair's members. */
  public synchronized boolean isOpen() {
    return !closed;
  }

  /** Starts no more reconciles, and tells those under way to stop before they act. */
  public synchronized void close() {
    closed = true;
  }

  /**
   * {@link #close()}s, then waits at most {@code bound} for the reconciles under way to end.
   *
   * @return whether none is still running
   */
  public synchronized boolean closeAndAwait(Duration bound) throws InterruptedException {
    close();
    Instant deadline = Instant.now().plus(bound);
    for (long left = bound.toMillis(); running > 0 && left > 0;
        left = Duration.between(Instant.now(), deadline).toMillis()) {
      wait(left);
    }
    return running == 0;
  }
}
