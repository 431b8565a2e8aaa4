package io.pks.operator.reconciler;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;
import io.pks.operator.api.v1alpha1.PksReplicaPair;

/**
 * Which Nodes are cordoned (spec.unschedulable), from a watch of the cluster's Nodes; a cordon or
 * uncordon reconciles every pair, as one may have a member there (a cordon is rare, a reconcile
 * cheap). Optional: an operator that may not read Nodes (no list and watch on nodes in its RBAC)
 * says so once in its log and sees no node cordoned; drains are then held by the PodDisruptionBudget
 * until a switchover is asked for by hand.
 */
final class NodeWatch extends AbstractEventSource<Node, PksReplicaPair> {
  private static final Logger LOG = LoggerFactory.getLogger(NodeWatch.class);
  static final String NAME = "nodes";

  private final KubernetesClient client;
  private final IndexerResourceCache<PksReplicaPair> pairs;
  private SharedIndexInformer<Node> informer;

  NodeWatch(EventSourceContext<PksReplicaPair> context) {
    super(Node.class, NAME);
    this.client = context.getClient();
    this.pairs = context.getPrimaryCache();
  }

  @Override
  public void start() {
    informer = client.nodes().runnableInformer(0).itemStore(cache());
    informer.addEventHandler(new ResourceEventHandler<>() {
      @Override
      public void onAdd(Node node) {
        if (cordoned(node)) {
          reconcileEveryPair();
        }
      }

      @Override
      public void onUpdate(Node before, Node after) {
        if (cordoned(before) != cordoned(after)) {
          reconcileEveryPair();
        }
      }

      @Override
      public void onDelete(Node node, boolean finalStateUnknown) {
        // A deleted node's pods are gone with it: nothing to hand over.
      }
    });
    // Not allowed to read Nodes: say so and stop watching, rather than retry a request refused for good.
    informer.exceptionHandler((started, error) -> {
      Optional<KubernetesClientException> refused = refusal(error);
      if (refused.isPresent()) {
        LOG.warn("Cannot watch Nodes ({}): a cordoned primary's node is not noticed, so a drain waits on the"
            + " PodDisruptionBudget until a switchover is asked for (spec.primary or the pks.io/switchover"
            + " annotation). Allow list and watch on nodes to switch over before drains.", refused.get().getMessage());
        return false;
      }
      LOG.debug("Watching Nodes: {}; retrying", error.toString());
      return true;
    });
    informer.start();
    super.start();
  }

  @Override
  public void stop() {
    if (informer != null) {
      informer.stop();
    }
    super.stop();
  }

  /** The cordoned Nodes: every pair's secondary resources of this kind. */
  @Override
  public Set<Node> getSecondaryResources(PksReplicaPair pair) {
    if (informer == null) {
      return Set.of();
    }
    return informer.getStore().list().stream().filter(NodeWatch::cordoned).collect(Collectors.toUnmodifiableSet());
  }

  /** The API server's 401 or 403 among the causes of {@code error} (the informer may wrap it). */
  private static Optional<KubernetesClientException> refusal(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof KubernetesClientException answer && (answer.getCode() == 401 || answer.getCode() == 403)) {
        return Optional.of(answer);
      }
    }
    return Optional.empty();
  }

  /**
   * The informer's cache: of each Node, its name and resourceVersion (which the store itself sets
   * back on what it keeps) and whether it is cordoned. The watch holds every Node of the cluster,
   * and the rest of one (its status lists the images it holds, its managed fields every writer's)
   * is many times that, and read by nothing here.
   */
  static TransformingItemStore<Node> cache() {
    return new TransformingItemStore<>(node -> new NodeBuilder().withNewMetadata().endMetadata()
        .withNewSpec().withUnschedulable(node.getSpec() == null ? null : node.getSpec().getUnschedulable()).endSpec()
        .build());
  }

  private static boolean cordoned(Node node) {
    return node.getSpec() != null && Objects.equals(node.getSpec().getUnschedulable(), Boolean.TRUE);
  }

  private void reconcileEveryPair() {
    pairs.list().forEach(pair -> getEventHandler().handleEvent(new Event(ResourceID.fromResource(pair))));
  }
}
