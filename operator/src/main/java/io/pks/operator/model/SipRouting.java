package io.pks.operator.model;

import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.api.v1alpha1.SipSpec;

/** Which site receives SIP traffic. */
public final class SipRouting {
  private SipRouting() {
  }

  /**
   * A pinned site, or the site of the current primary. The current primary changes only once a
   * promotion has succeeded, so SIP never moves ahead of the database. Before the first status,
   * the desired primary is the one being initialised.
   */
  public static String activeSite(PksReplicaPair pair) {
    SipSpec sip = pair.getSpec().sip();
    if (!sip.followsPrimary()) {
      return sip.active();
    }
    return PairRoles.currentPrimary(pair);
  }
}
