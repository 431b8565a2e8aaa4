package io.pks.operator.reconciler;

import java.util.ArrayList;
import java.util.List;

import io.pks.operator.api.v1alpha1.MemberJob;
import io.pks.operator.api.v1alpha1.Phase;
import io.pks.operator.api.v1alpha1.PksReplicaPairStatus;

/**
 * The part of the status the objects follow and the lifecycle decides: what is recorded before
 * anything happens, so that an operator restarted at any point continues, never repeats, a step.
 *
 * @param targetPrimary the member a switchover or failover in progress promotes; null otherwise
 * @param requestedPrimary the spec.primary last acted on: a different one is a new request
 * @param switchoverLsn during a switchover, the old primary's WAL position last seen before it stopped
 * @param stoppedMembers members held at zero replicas: unseeded, being seeded, or fenced
 * @param job the Job being waited for
 * @param synchronousStandby the standby every acknowledged commit is on (last seen in sync)
 * @param restartingMember the member a rolling restart is restarting; null otherwise
 * @param reseedRequest the re-seed request (annotation value) last acted on
 * @param restartRequest the restart request (annotation value) last acted on
 * @param requestedRestarts members the restart request has still to restart
 * @param reloadRequest the reload request (annotation value) last acted on
 * @param reloadedAt when the members were reloaded for it
 * @param fenceRequest the fence request (annotation value) last acted on
 * @param fencedMembers members fenced on request: stopped until unfenced
 * @param memberStartedAt when the restarting member was started again (or unfenced): the bound
 *     of a primary's return counts from then
 */
record PairState(Phase phase, String currentPrimary, String targetPrimary, String requestedPrimary,
    String switchoverLsn, List<String> stoppedMembers, MemberJob job, String synchronousStandby,
    String restartingMember, String reseedRequest, String restartRequest, List<String> requestedRestarts,
    String reloadRequest, String reloadedAt, String fenceRequest, List<String> fencedMembers,
    String memberStartedAt) {

  PairState {
    stoppedMembers = List.copyOf(stoppedMembers);
    requestedRestarts = List.copyOf(requestedRestarts);
    fencedMembers = List.copyOf(fencedMembers);
  }

  static PairState of(PksReplicaPairStatus status) {
    return new PairState(status.phase(), status.currentPrimary(), status.targetPrimary(), status.requestedPrimary(),
        status.switchoverLsn(), status.stoppedMembers(), status.job(), status.synchronousStandby(),
        status.restartingMember(), status.reseedRequest(), status.restartRequest(), status.requestedRestarts(),
        status.reloadRequest(), status.reloadedAt(), status.fenceRequest(), status.fencedMembers(),
        status.memberStartedAt());
  }

  PairState phase(Phase next) {
    return new PairState(next, currentPrimary, targetPrimary, requestedPrimary, switchoverLsn, stoppedMembers, job, synchronousStandby, restartingMember, reseedRequest,
        restartRequest, requestedRestarts, reloadRequest, reloadedAt, fenceRequest, fencedMembers, memberStartedAt);
  }

  PairState job(MemberJob next) {
    return new PairState(phase, currentPrimary, targetPrimary, requestedPrimary, switchoverLsn, stoppedMembers, next, synchronousStandby, restartingMember, reseedRequest,
        restartRequest, requestedRestarts, reloadRequest, reloadedAt, fenceRequest, fencedMembers, memberStartedAt);
  }

  PairState stopped(List<String> next) {
    return new PairState(phase, currentPrimary, targetPrimary, requestedPrimary, switchoverLsn, next, job, synchronousStandby, restartingMember, reseedRequest,
        restartRequest, requestedRestarts, reloadRequest, reloadedAt, fenceRequest, fencedMembers, memberStartedAt);
  }

  PairState stopping(String member) {
    List<String> next = new ArrayList<>(stoppedMembers);
    if (!next.contains(member)) {
      next.add(member);
    }
    return stopped(next);
  }

  PairState starting(String member) {
    return stopped(stoppedMembers.stream().filter(m -> !m.equals(member)).toList());
  }

  PairState synchronousStandby(String member) {
    return new PairState(phase, currentPrimary, targetPrimary, requestedPrimary, switchoverLsn, stoppedMembers, job, member, restartingMember, reseedRequest,
        restartRequest, requestedRestarts, reloadRequest, reloadedAt, fenceRequest, fencedMembers, memberStartedAt);
  }

  /** {@code target} becomes the primary: the operation ends, and with it the synchronous standby. */
  PairState promoted(String target) {
    return new PairState(phase, target, null, requestedPrimary, null, stoppedMembers, job, null, restartingMember, reseedRequest,
        restartRequest, requestedRestarts, reloadRequest, reloadedAt, fenceRequest, fencedMembers, memberStartedAt);
  }

  /** spec.primary {@code member} was acted on: only a later, different value is a new request. */
  PairState requested(String member) {
    return new PairState(phase, currentPrimary, targetPrimary, member, switchoverLsn, stoppedMembers, job, synchronousStandby, restartingMember, reseedRequest,
        restartRequest, requestedRestarts, reloadRequest, reloadedAt, fenceRequest, fencedMembers, memberStartedAt);
  }

  /** The old primary's WAL position, last seen before a switchover stopped it. */
  PairState switchoverLsn(String lsn) {
    return new PairState(phase, currentPrimary, targetPrimary, requestedPrimary, lsn, stoppedMembers, job,
        synchronousStandby, restartingMember, reseedRequest,
        restartRequest, requestedRestarts, reloadRequest, reloadedAt, fenceRequest, fencedMembers, memberStartedAt);
  }

  /** A rolling restart restarts {@code member} (null: none). */
  PairState restarting(String member) {
    return new PairState(phase, currentPrimary, targetPrimary, requestedPrimary, switchoverLsn, stoppedMembers, job,
        synchronousStandby, member, reseedRequest,
        restartRequest, requestedRestarts, reloadRequest, reloadedAt, fenceRequest, fencedMembers, null);
  }

  /** The restarting member was started again at {@code at}. */
  PairState memberStartedAt(String at) {
    return new PairState(phase, currentPrimary, targetPrimary, requestedPrimary, switchoverLsn, stoppedMembers, job,
        synchronousStandby, restartingMember, reseedRequest, restartRequest, requestedRestarts, reloadRequest,
        reloadedAt, fenceRequest, fencedMembers, at);
  }

  /** The re-seed request {@code request} is acted on: only a later, different value is a new one. */
  PairState reseedRequest(String request) {
    return new PairState(phase, currentPrimary, targetPrimary, requestedPrimary, switchoverLsn, stoppedMembers, job,
        synchronousStandby, restartingMember, request,
        restartRequest, requestedRestarts, reloadRequest, reloadedAt, fenceRequest, fencedMembers, memberStartedAt);
  }

  PairState targeting(String target) {
    return new PairState(phase, currentPrimary, target, requestedPrimary, switchoverLsn, stoppedMembers, job, synchronousStandby, restartingMember, reseedRequest,
        restartRequest, requestedRestarts, reloadRequest, reloadedAt, fenceRequest, fencedMembers, memberStartedAt);
  }

  /**
   * The restart request {@code request} is acted on, with {@code members} to restart (only a
   * later, different value is a new one).
   */
  PairState restartRequest(String request, List<String> members) {
    return new PairState(phase, currentPrimary, targetPrimary, requestedPrimary, switchoverLsn, stoppedMembers, job,
        synchronousStandby, restartingMember, reseedRequest, request, members, reloadRequest, reloadedAt, fenceRequest, fencedMembers, memberStartedAt);
  }

  /** {@code member}'s requested restart begins: it leaves the requested restarts. */
  PairState restartBegun(String member) {
    return restartRequest(restartRequest, requestedRestarts.stream().filter(m -> !m.equals(member)).toList());
  }

  /** The reload request {@code request} was acted on at {@code at}. */
  PairState reloaded(String request, String at) {
    return new PairState(phase, currentPrimary, targetPrimary, requestedPrimary, switchoverLsn, stoppedMembers, job,
        synchronousStandby, restartingMember, reseedRequest, restartRequest, requestedRestarts, request, at, fenceRequest, fencedMembers, memberStartedAt);
  }

  /** The fence request {@code request} is acted on: {@code members} are the fenced ones. */
  PairState fenced(String request, List<String> members) {
    return new PairState(phase, currentPrimary, targetPrimary, requestedPrimary, switchoverLsn, stoppedMembers, job,
        synchronousStandby, restartingMember, reseedRequest, restartRequest, requestedRestarts, reloadRequest,
        reloadedAt, request, members, memberStartedAt);
  }
}
