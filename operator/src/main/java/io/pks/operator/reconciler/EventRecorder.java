package io.pks.operator.reconciler;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.model.Labels;

/**
 * Core v1 Events on a pair, as `kubectl describe` and `kubectl pks status` show them; a repeat is
 * counted on the Event it repeats. An Event that cannot be written is logged and dropped: it must
 * never hold up a decision.
 */
public final class EventRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  public static final String COMPONENT = "pks-operator";

  /**
   * The same reason and message on the same pair within this time of the last one is counted on
   * the existing Event (count, lastTimestamp: "x5 over 2m" in kubectl describe) rather than made a
   * new one; client-go aggregates over the same window.
   */
  static final Duration REPEAT_WINDOW = Duration.ofMinutes(10);
  /** Events remembered for counting; the oldest are forgotten first (a repeat then makes a new Event). */
  private static final int REMEMBERED = 1024;

  /** What makes two Events the same. */
  private record Repeat(String namespace, String pairUid, EventReason reason, String message) {
  }

  /** The Event written for a {@link Repeat}: its name, its count, and when it last happened. */
  private record Recorded(String name, int count, Instant last) {
  }

  private final KubernetesClient client;
  private final Clock clock;
  private final Map<Repeat, Recorded> recent = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Repeat, Recorded> eldest) {
      return size() > REMEMBERED;
    }
  };

  public EventRecorder(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  public void record(PksReplicaPair pair, EventReason reason, String message) {
    String type = reason.type().name();
    Instant now = clock.instant();
    String timestamp = now.truncatedTo(ChronoUnit.SECONDS).toString();
    Repeat repeat = new Repeat(pair.getMetadata().getNamespace(), pair.getMetadata().getUid(), reason, message);
    Recorded previous = recent(repeat, now);
    if (previous != null && counted(pair, previous, timestamp)) {
      remember(repeat, new Recorded(previous.name(), previous.count() + 1, now));
      LOG.info("{}: event {} {} (x{}): {}", pair.ref(), type, reason, previous.count() + 1, message);
      return;
    }
    Event event = new EventBuilder()
        .withNewMetadata()
          // The pair's name and a random suffix, like the names client-go gives Events.
          .withName(pair.getMetadata().getName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()))
          .withNamespace(pair.getMetadata().getNamespace())
          .withLabels(Labels.pair(pair.getMetadata().getName()))
        .endMetadata()
        .withNewInvolvedObject()
          .withApiVersion(pair.getApiVersion())
          .withKind(pair.getKind())
          .withName(pair.getMetadata().getName())
          .withNamespace(pair.getMetadata().getNamespace())
          .withUid(pair.getMetadata().getUid())
        .endInvolvedObject()
        .withType(type)
        .withReason(reason.name())
        .withMessage(message)
        .withCount(1)
        .withFirstTimestamp(timestamp)
        .withLastTimestamp(timestamp)
        .withNewSource().withComponent(COMPONENT).endSource()
        .withReportingComponent(COMPONENT)
        .build();
    try {
      client.v1().events().inNamespace(pair.getMetadata().getNamespace()).resource(event).create();
      remember(repeat, new Recorded(event.getMetadata().getName(), 1, now));
      LOG.info("{}: event {} {}: {}", pair.ref(), type, reason, message);
    } catch (KubernetesClientException e) {
      LOG.warn("{}: event {} not recorded: {}", pair.ref(), reason, e.getMessage());
    }
  }

  /** The Event last written for {@code repeat}, if it was within {@link #REPEAT_WINDOW} of {@code now}. */
  private Recorded recent(Repeat repeat, Instant now) {
    synchronized (recent) {
      Recorded previous = recent.get(repeat);
      return previous != null && now.isBefore(previous.last().plus(REPEAT_WINDOW)) ? previous : null;
    }
  }

  private void remember(Repeat repeat, Recorded recorded) {
    synchronized (recent) {
      recent.put(repeat, recorded);
    }
  }

  /** Counts a repeat onto its Event, as client-go does; false if that Event is gone (expired, deleted). */
  private boolean counted(PksReplicaPair pair, Recorded previous, String timestamp) {
    String patch = "{\"count\":" + (previous.count() + 1) + ",\"lastTimestamp\":\"" + timestamp + "\"}";
    try {
      return client.v1().events().inNamespace(pair.getMetadata().getNamespace()).withName(previous.name())
          .patch(PatchContext.of(PatchType.JSON_MERGE), patch) != null;
    } catch (KubernetesClientException e) {
      return false;
    }
  }
}
