package io.pks.operator.nemesis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A seeded random schedule of faults: the same seed gives the same steps, so a failing run
 * replays. Holds range from a blip well inside the failover bound to well past it, so that some
 * faults are waited out and others fail the pair over.
 */
public final class Schedule {
  static final Duration SHORTEST_HOLD = Duration.ofSeconds(1);
  static final Duration LONGEST_HOLD = Duration.ofSeconds(12);

  private final Random random;

  public Schedule(long seed) {
    this.random = new Random(seed);
  }

  /** The next step; the sequence depends only on the seed. */
  public Step next() {
    Fault[] faults = Fault.values();
    Fault fault = faults[random.nextInt(faults.length)];
    Step.Role role = fault.strikesAMember() ? (random.nextBoolean() ? Step.Role.PRIMARY : Step.Role.STANDBY)
        : Step.Role.NONE;
    long spread = LONGEST_HOLD.toMillis() - SHORTEST_HOLD.toMillis();
    Duration hold = SHORTEST_HOLD.plusMillis((long) (random.nextDouble() * spread));
    return new Step(fault, role, fault.held() ? hold : Duration.ZERO);
  }

  /** The first {@code count} steps of the seed's schedule. */
  public static List<Step> first(long seed, int count) {
    Schedule schedule = new Schedule(seed);
    List<Step> steps = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      steps.add(schedule.next());
    }
    return steps;
  }
}
