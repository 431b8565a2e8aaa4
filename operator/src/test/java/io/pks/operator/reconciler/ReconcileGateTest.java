package io.pks.operator.reconciler;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReconcileGateTest {

  @Test
  void aClosedGateLetsNoReconcileStartAndTellsThoseUnderWay() {
    ReconcileGate gate = new ReconcileGate();
    assertThat(gate.enter()).isTrue();
    gate.close();
    assertThat(gate.isOpen()).isFalse();
    assertThat(gate.enter()).isFalse();
    gate.leave();
  }

  @Test
  void closingWaitsForTheReconcileUnderWayToLeave() throws Exception {
    ReconcileGate gate = new ReconcileGate();
    gate.enter();
    CompletableFuture<Boolean> closed = CompletableFuture.supplyAsync(() -> closeAndAwait(gate, Duration.ofSeconds(20)));
    Thread.sleep(200);
    assertThat(closed).isNotDone();
    gate.leave();
    assertThat(closed.get(20, TimeUnit.SECONDS)).as("none still running").isTrue();
  }

  @Test
  void closingWaitsNoLongerThanItsBound() {
    ReconcileGate gate = new ReconcileGate();
    gate.enter();
    long started = System.nanoTime();
    assertThat(closeAndAwait(gate, Duration.ofMillis(300))).as("none still running").isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(300), Duration.ofSeconds(5));
  }

  @Test
  void closingAnIdleGateDoesNotWait() {
    long started = System.nanoTime();
    assertThat(closeAndAwait(new ReconcileGate(), Duration.ofSeconds(20))).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
  }

  private static boolean closeAndAwait(ReconcileGate gate, Duration bound) {
    try {
      return gate.closeAndAwait(bound);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
