package io.pks.operator.postgres;

import java.util.Optional;

/**
 * A standby that asks its primary for WAL the primary no longer holds: a checkpoint of the primary
 * removed the segment the standby's next record is in, so the standby can never stream again from
 * that primary (without an archive to read it from, only a new copy makes it a standby again).
 *
 * @param neededLsn where the standby's WAL ends: the furthest of what it received and replayed
 * @param oldestKeptLsn the start of the oldest segment left in the primary's pg_wal
 */
public record WalGap(String neededLsn, String oldestKeptLsn) {

  /**
   * The gap between {@code primary}'s kept WAL and what {@code standby} needs, when the standby
   * has asked for WAL (its receiver has a position: before that it may still be replaying its own
   * files) and does not stream. Empty when either did not answer in its role, or nothing is missing.
   */
  public static Optional<WalGap> between(ProbeResult primary, ProbeResult standby) {
    if (primary == null || primary.primary() == null || primary.primary().oldestWalLsn() == null
        || standby == null || standby.standby() == null || standby.standby().receiveLsn() == null
        || "streaming".equals(standby.standby().walReceiverStatus())) {
      return Optional.empty();
    }
    ProbeResult.StandbyView view = standby.standby();
    String needed = Lsn.beyond(view.replayLsn(), view.receiveLsn()) ? view.replayLsn() : view.receiveLsn();
    String oldest = primary.primary().oldestWalLsn();
    return Lsn.beyond(oldest, needed) ? Optional.of(new WalGap(needed, oldest)) : Optional.empty();
  }

  @Override
  public String toString() {
    return "it needs WAL from " + neededLsn + " on, and the primary holds WAL only from " + oldestKeptLsn + " on";
  }
}
