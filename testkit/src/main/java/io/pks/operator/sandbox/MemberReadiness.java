package io.pks.operator.sandbox;

import static org.awaitility.Awaitility.await;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.pks.operator.model.Labels;

/**
 * Follows the members' pods of a pair through every change the API server reports (an informer,
 * not polling, so no short moment is missed): the moments when no member had a Ready pod, and the
 * members whose pod was replaced by a new one.
 */
public final class MemberReadiness implements AutoCloseable {
  private final Set<String> members;
  private final Map<String, String> readyPodUid = new HashMap<>();
  private final Map<String, String> firstPodUid = new HashMap<>();
  private final Set<String> recreated = new TreeSet<>();
  private final List<Instant> bothNotReady = new ArrayList<>();
  private final SharedIndexInformer<Pod> informer;

  private MemberReadiness(SandboxPair pair, Set<String> members) {
    this.members = Set.copyOf(members);
    this.informer = pair.client().pods().inNamespace(pair.namespace).withLabel(Labels.PAIR, pair.name)
        .inform(new ResourceEventHandler<>() {
          @Override
          public void onAdd(Pod pod) {
            seen(pod, true);
          }

          @Override
          public void onUpdate(Pod old, Pod pod) {
            seen(pod, true);
          }

          @Override
          public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
            seen(pod, false);
          }
        });
  }

  /** Starts following the pods of {@code members}, once the informer has seen each with a Ready pod. */
  public static MemberReadiness watch(SandboxPair pair, String... members) {
    MemberReadiness readiness = new MemberReadiness(pair, Set.of(members));
    try {
      await("a Ready pod of each member of " + pair.name).atMost(SandboxPair.BOUND)
          .until(() -> readiness.readyMembers() == members.length);
    } catch (RuntimeException e) {
      readiness.close();
      throw e;
    }
    readiness.bothNotReady.clear();
    return readiness;
  }

  private synchronized void seen(Pod pod, boolean exists) {
    String member = pod.getMetadata().getLabels().get(Labels.MEMBER);
    if (member == null || !members.contains(member)) {
      return;
    }
    String uid = pod.getMetadata().getUid();
    String first = firstPodUid.putIfAbsent(member, uid);
    if (first != null && !first.equals(uid)) {
      recreated.add(member);
    }
    if (exists && SandboxPair.ready(pod)) {
      readyPodUid.put(member, uid);
    } else if (uid.equals(readyPodUid.get(member))) {
      readyPodUid.remove(member);
    }
    if (readyPodUid.isEmpty()) {
      bothNotReady.add(Instant.now());
    }
  }

  private synchronized int readyMembers() {
    return readyPodUid.size();
  }

  /** When no member had a Ready pod (one entry per change seen in that state). */
  public synchronized List<Instant> bothNotReady() {
    return List.copyOf(bothNotReady);
  }

  /** Members whose pod was replaced by a new one since the watch began. */
  public synchronized Set<String> recreated() {
    return Set.copyOf(recreated);
  }

  @Override
  public void close() {
    informer.close();
  }
}
