package io.pks.operator.api.v1alpha1;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The members a user wants fenced, as the annotation {@link PksReplicaPair#FENCE_ANNOTATION}
 * holds them: {@code <member>[/force],...} ({@code kubectl pks fence} adds one, {@code unfence}
 * removes it; no annotation, or an empty one, fences nothing). {@code /force} accepts a fence that
 * leaves no writable primary.
 */
public record FenceRequest(List<Entry> entries) {
  private static final String FORCE = "/force";

  /** One fenced member, and whether the user forced its fence. */
  public record Entry(String member, boolean force) {
    @Override
    public String toString() {
      return force ? member + FORCE : member;
    }
  }

  public FenceRequest {
    entries = List.copyOf(entries);
  }

  /** The request an annotation value holds; null or blank: none. */
  public static FenceRequest parse(String value) {
    if (value == null || value.isBlank()) {
      return new FenceRequest(List.of());
    }
    return new FenceRequest(Arrays.stream(value.split(",")).map(String::trim).filter(entry -> !entry.isEmpty())
        .map(entry -> entry.endsWith(FORCE) ? new Entry(entry.substring(0, entry.length() - FORCE.length()), true)
            : new Entry(entry, false))
        .toList());
  }

  /** The fenced members, in the order asked. */
  public List<String> members() {
    return entries.stream().map(Entry::member).distinct().toList();
  }

  /** Whether {@code member}'s fence was forced. */
  public boolean forced(String member) {
    return entries.stream().anyMatch(entry -> entry.member().equals(member) && entry.force());
  }

  /** This request with {@code member} fenced too (replacing an earlier entry of it). */
  public FenceRequest with(String member, boolean force) {
    List<Entry> next = new ArrayList<>(without(member).entries);
    next.add(new Entry(member, force));
    return new FenceRequest(next);
  }

  /** This request with {@code member} no longer fenced. */
  public FenceRequest without(String member) {
    return new FenceRequest(entries.stream().filter(entry -> !entry.member().equals(member)).toList());
  }

  /** The annotation value: entries joined by commas; empty when nothing is fenced. */
  public String value() {
    return String.join(",", entries.stream().map(Entry::toString).toList());
  }

  /**
   * Why fencing {@code member} of a pair whose primary is {@code primary} would leave no writable
   * primary, unless {@code force}: the primary itself, or the standby while synchronous: Required
   * (every commit would wait for it). Empty when the fence may go ahead.
   */
  public static Optional<String> refusal(PksReplicaPairSpec spec, String primary, String member, boolean force) {
    if (force) {
      return Optional.empty();
    }
    if (member.equals(primary)) {
      return Optional.of(member + " is the primary: fencing it leaves no writable primary (writes stop until it is"
          + " unfenced, and a fenced member is never failed over from). Switch over first, or fence it with --force.");
    }
    if (spec.replication().synchronous() == SynchronousMode.Required) {
      return Optional.of("synchronous: Required, so every commit would wait for " + member + " while it is fenced,"
          + " leaving no writable primary. Set spec.replication.synchronous: Preferred first, or fence it with"
          + " --force.");
    }
    return Optional.empty();
  }
}
