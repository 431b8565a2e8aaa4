package io.pks.operator.nemesis;

import java.time.Duration;
import java.util.Locale;

/** One step of a schedule: a fault, the member it strikes (by role, resolved when it starts), its hold. */
public record Step(Fault fault, Role role, Duration hold) {

  /** Whom a fault strikes: the member that is primary, or standby, when the step starts. */
  public enum Role {
    PRIMARY, STANDBY, NONE
  }

  @Override
  public String toString() {
    String what = fault.name().toLowerCase(Locale.ROOT).replace('_', '-');
    String whom = role == Role.NONE ? "" : " of the " + role.name().toLowerCase(Locale.ROOT);
    return fault.held() ? what + whom + " for " + hold.toMillis() + " ms" : what + whom;
  }
}
