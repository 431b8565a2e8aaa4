package io.pks.operator.dependent;

import java.util.Set;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.model.Labels;

/**
 * Base of the pair's dependents. Informers cache only objects this operator manages (not every
 * Secret of the cluster), and map an object to its pair by the pair label, which works for owned
 * objects and for those kept without an owner under {@code deletionPolicy: Retain}.
 */
abstract class PairDependent<R extends HasMetadata> extends KubernetesDependentResource<R, PksReplicaPair>
    implements SecondaryToPrimaryMapper<R> {

  PairDependent(Class<R> type) {
    super(type);
  }

  @Override
  protected InformerEventSourceConfiguration.Builder<R> informerConfigurationBuilder(
      EventSourceContext<PksReplicaPair> context) {
    return super.informerConfigurationBuilder(context).withLabelSelector(Labels.MANAGED_SELECTOR);
  }

  @Override
  public Set<ResourceID> toPrimaryResourceIDs(R resource) {
    String pair = resource.getMetadata().getLabels() == null
        ? null : resource.getMetadata().getLabels().get(Labels.PAIR);
    return pair == null ? Set.of() : Set.of(new ResourceID(pair, resource.getMetadata().getNamespace()));
  }
}
