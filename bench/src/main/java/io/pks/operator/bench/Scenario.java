package io.pks.operator.bench;

/** One benchmark scenario of {@code bench/run.sh}: it measures, it never passes or fails on a figure. */
interface Scenario {

  /** Runs the scenario, adding its samples to {@code results}; throws when it could not measure. */
  void run(Results results) throws Exception;
}
