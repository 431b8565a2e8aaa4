package io.pks.operator.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.pks.operator.api.v1alpha1.Member;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.api.v1alpha1.PksReplicaPairStatus;
import io.pks.operator.api.v1alpha1.ReplicationStatus;
import io.pks.operator.model.Labels;
import io.pks.operator.model.Names;

/**
 * One screen on a pair, in the manner of {@code kubectl cnpg status}: its phase and roles, the
 * replication between them, the members' pods, the conditions and the last events.
 *
 * @param pair the pair as the API server has it
 * @param pods each member's pod, when it exists
 * @param events the pair's events, in any order
 * @param now the time event ages count from
 */
record PairReport(PksReplicaPair pair, Map<String, Pod> pods, List<Event> events, Instant now) {
  static final int EVENTS_SHOWN = 5;
  private static final String ABSENT = "-";

  void print(PrintWriter out) {
    PksReplicaPairStatus status = pair.getStatus() != null ? pair.getStatus() : PksReplicaPairStatus.EMPTY;
    field(out, "Pair", pair.ref());
    field(out, "Phase", value(status.phase()) + (status.message() == null ? "" : ": " + status.message()));
    field(out, "Primary", value(status.currentPrimary()) + " (desired: " + pair.getSpec().primary() + ")");
    field(out, "Standby", value(status.standby()));
    field(out, "SIP site", value(status.activeSip()) + " (" + pair.getSpec().sip().active() + ")");
    field(out, "Timeline", value(status.timeline()));
    field(out, "Failover", pair.getSpec().failover().mode() + ", after "
        + pair.getSpec().failover().primaryUnavailableSeconds() + " s without the primary");
    field(out, "Synchronous", String.valueOf(pair.getSpec().replication().synchronous()));

    out.println();
    ReplicationStatus replication = status.replication();
    if (replication == null) {
      out.println("Replication: not probed yet");
    } else {
      out.println("Replication: " + value(replication.state()) + ", sync state " + value(replication.syncState()));
      field(out, "  Sent LSN", value(replication.sentLsn()));
      field(out, "  Replay LSN", value(replication.replayLsn()));
      field(out, "  Lag", bytes(replication.lagBytes()) + ", " + (replication.replayLagSeconds() == null ? ABSENT
          : String.format(Locale.ROOT, "%.2f s", replication.replayLagSeconds())));
      field(out, "  Slot", value(replication.slot()));
      field(out, "  Observed", value(replication.observedAt()));
    }

    out.println();
    out.println("Members:");
    table(out, List.of("NAME", "ROLE", "POD", "READY", "POD ROLE LABEL"), pair.getSpec().members().stream()
        .map(member -> memberRow(member, status)).toList());

    out.println();
    out.println("Conditions:");
    table(out, List.of("TYPE", "STATUS", "REASON", "MESSAGE"), status.conditions().stream()
        .map(c -> List.of(c.getType(), value(c.getStatus()), value(c.getReason()), value(c.getMessage()))).toList());

    out.println();
    List<Event> last = events.stream().sorted(Comparator.comparing(PairReport::lastSeen))
        .skip(Math.max(0, events.size() - EVENTS_SHOWN)).toList();
    out.println("Events" + (events.size() > EVENTS_SHOWN ? " (last " + EVENTS_SHOWN + " of " + events.size() + ")" : "")
        + ":");
    table(out, List.of("AGE", "TYPE", "REASON", "MESSAGE"), last.stream()
        .map(e -> List.of(age(lastSeen(e)), value(e.getType()), value(e.getReason()), value(e.getMessage()))).toList());
    out.flush();
  }

  private List<String> memberRow(Member member, PksReplicaPairStatus status) {
    String role = member.name().equals(status.currentPrimary()) ? "primary"
        : member.name().equals(status.standby()) ? "standby" : ABSENT;
    Pod pod = pods.get(member.name());
    if (pod == null) {
      return List.of(member.name(), role, Names.pod(pair.getMetadata().getName(), member.name()) + " (absent)",
          ABSENT, ABSENT);
    }
    List<ContainerStatus> containers = pod.getStatus() == null ? List.of() : pod.getStatus().getContainerStatuses();
    long ready = containers.stream().filter(c -> Boolean.TRUE.equals(c.getReady())).count();
    String label = pod.getMetadata().getLabels() == null ? null : pod.getMetadata().getLabels().get(Labels.ROLE);
    return List.of(member.name(), role, pod.getMetadata().getName(),
        ready + "/" + pod.getSpec().getContainers().size(), value(label));
  }

  /** When an event was last seen, whichever of its times the API server filled. */
  private static Instant lastSeen(Event event) {
    return Stream.of(event.getLastTimestamp(), event.getEventTime() == null ? null : event.getEventTime().getTime(),
            event.getFirstTimestamp(), event.getMetadata().getCreationTimestamp())
        .filter(Objects::nonNull).findFirst().map(Instant::parse).orElse(Instant.EPOCH);
  }

  /** kubectl's ages: 45s, 12m, 3h, 5d. */
  private String age(Instant then) {
    Duration age = Duration.between(then, now);
    if (age.toMinutes() < 1) {
      return Math.max(0, age.toSeconds()) + "s";
    }
    if (age.toHours() < 1) {
      return age.toMinutes() + "m";
    }
    return age.toDays() < 1 ? age.toHours() + "h" : age.toDays() + "d";
  }

  private static String bytes(Long bytes) {
    if (bytes == null) {
      return ABSENT;
    }
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
    double value = bytes;
    int unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return unit == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }

  private static String value(Object value) {
    return value == null ? ABSENT : value.toString();
  }

  private static void field(PrintWriter out, String name, String value) {
    out.printf("%-14s %s%n", name + ":", value);
  }

  /** Columns as wide as their widest cell; "none" for an empty table. */
  private static void table(PrintWriter out, List<String> header, List<List<String>> rows) {
    if (rows.isEmpty()) {
      out.println("  none");
      return;
    }
    List<List<String>> all = new ArrayList<>();
    all.add(header);
    all.addAll(rows);
    int[] widths = new int[header.size()];
    all.forEach(row -> {
      for (int i = 0; i < row.size(); i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    });
    for (List<String> row : all) {
      StringBuilder line = new StringBuilder(" ");
      for (int i = 0; i < row.size(); i++) {
        line.append(' ').append(i == row.size() - 1 ? row.get(i) : String.format("%-" + widths[i] + "s ", row.get(i)));
      }
      out.println(line.toString().stripTrailing());
    }
  }
}
