package io.pks.operator.reconciler;

import org.slf4j.MDC;

import io.pks.operator.api.v1alpha1.PksReplicaPair;

/**
 * The pair a thread works on, in the logging context (MDC) as {@value #NAMESPACE} and
 * {@value #PAIR} (the labels of the pair's metrics), around everything the operator does for one
 * pair: its reconcile and its probes. With {@code run --log-format json} they are the line's
 * {@code mdc} fields. Not JOSDK's own {@code resource.*} keys: with JOSDK 5.2.3 the name and
 * namespace are at times missing from them during a reconcile.
 */
public final class PairLogContext implements AutoCloseable {
  public static final String NAMESPACE = "namespace";
  public static final String PAIR = "pair";

  private final String previousNamespace;
  private final String previousPair;

  private PairLogContext(String previousNamespace, String previousPair) {
    this.previousNamespace = previousNamespace;
    this.previousPair = previousPair;
  }

  /**
   * Puts {@code pair} in the context until {@link #close()}, which puts back what was there: a probe
   * may run inside a reconcile's thread (JOSDK polls on demand), and must not empty its context.
   */
  public static PairLogContext of(PksReplicaPair pair) {
    PairLogContext context = new PairLogContext(MDC.get(NAMESPACE), MDC.get(PAIR));
    MDC.put(NAMESPACE, pair.getMetadata().getNamespace());
    MDC.put(PAIR, pair.getMetadata().getName());
    return context;
  }

  @Override
  public void close() {
    restore(NAMESPACE, previousNamespace);
    restore(PAIR, previousPair);
  }

  private static void restore(String key, String previous) {
    if (previous == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, previous);
    }
  }
}
