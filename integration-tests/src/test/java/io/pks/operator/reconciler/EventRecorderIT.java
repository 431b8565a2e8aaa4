package io.pks.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Event;
import io.pks.operator.MockCluster;
import io.pks.operator.SettableClock;
import io.pks.operator.TestPairs;
import io.pks.operator.api.v1alpha1.PksReplicaPair;

/** Events on the embedded API server: a repeat is counted on its Event, as kubectl describe shows "x3 over 2m". */
class EventRecorderIT {
  private static final Instant START = Instant.parse("2026-11-30T10:00:00Z");

  private final MockCluster cluster = new MockCluster();
  private final SettableClock clock = new SettableClock(START);
  private final EventRecorder events = new EventRecorder(cluster.client(), clock);
  private final PksReplicaPair pair = TestPairs.example(json -> json.with("metadata").put("uid", "uid-1"));

  @AfterEach
  void close() {
    cluster.close();
  }

  @Test
  void aRepeatWithinTheWindowCountsOnTheSameEvent() {
    events.record(pair, EventReason.PrimaryLost, "site-a does not answer");
    clock.advance(Duration.ofMinutes(1));
    events.record(pair, EventReason.PrimaryLost, "site-a does not answer");
    clock.advance(Duration.ofMinutes(1));
    events.record(pair, EventReason.PrimaryLost, "site-a does not answer");

    assertThat(events()).singleElement().satisfies(event -> {
      assertThat(event.getCount()).isEqualTo(3);
      assertThat(event.getFirstTimestamp()).isEqualTo("2026-11-30T10:00:00Z");
      assertThat(event.getLastTimestamp()).isEqualTo("2026-11-30T10:02:00Z");
    });
  }

  @Test
  void anotherMessageOrReasonIsAnotherEvent() {
    events.record(pair, EventReason.PrimaryLost, "site-a does not answer");
    events.record(pair, EventReason.PrimaryLost, "site-b does not answer");
    events.record(pair, EventReason.StandbyNotStreaming, "site-b does not answer");

    assertThat(events()).hasSize(3).allSatisfy(event -> assertThat(event.getCount()).isEqualTo(1));
  }

  @Test
  void aRepeatAfterTheWindowOrOfAnEventGoneMakesANewEvent() {
    events.record(pair, EventReason.PrimaryLost, "site-a does not answer");
    clock.advance(EventRecorder.REPEAT_WINDOW.plusSeconds(1));
    events.record(pair, EventReason.PrimaryLost, "site-a does not answer");
    assertThat(events()).hasSize(2).allSatisfy(event -> assertThat(event.getCount()).isEqualTo(1));

    // The API server expired the last one (events have a TTL): the next repeat is a new Event.
    Event last = events().get(1);
    cluster.client().v1().events().inNamespace(last.getMetadata().getNamespace()).withName(last.getMetadata().getName())
        .delete();
    clock.advance(Duration.ofSeconds(30));
    events.record(pair, EventReason.PrimaryLost, "site-a does not answer");
    assertThat(events()).hasSize(2).allSatisfy(event -> assertThat(event.getCount()).isEqualTo(1));
  }

  private List<Event> events() {
    return cluster.client().v1().events().inNamespace(pair.getMetadata().getNamespace()).list().getItems().stream()
        .sorted(Comparator.comparing(Event::getFirstTimestamp)).toList();
  }
}
