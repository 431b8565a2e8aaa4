package io.pks.operator.reconciler;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ThreadLocalRandom;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.model.Labels;

/**
 * Core v1 Events on a pair, as `kubectl describe` and `kubectl pks status` show them. An Event
 * that cannot be written is logged and dropped: it must never hold up a decision.
 */
public final class EventRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  public static final String COMPONENT = "pks-operator";

  private final KubernetesClient client;
  private final Clock clock;

  public EventRecorder(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  public void record(PksReplicaPair pair, EventReason reason, String message) {
    String type = reason.type().name();
    Instant now = clock.instant();
    String timestamp = now.truncatedTo(ChronoUnit.SECONDS).toString();
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
      LOG.info("{}: event {} {}: {}", pair.ref(), type, reason, message);
    } catch (KubernetesClientException e) {
      LOG.warn("{}: event {} not recorded: {}", pair.ref(), reason, e.getMessage());
    }
  }
}
