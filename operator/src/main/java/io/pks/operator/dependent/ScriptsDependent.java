package io.pks.operator.dependent;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapVolumeSource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.dependent.ReconcileResult;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.model.ConfigMaps;
import io.pks.operator.model.Jobs;
import io.pks.operator.model.Labels;
import io.pks.operator.model.Names;

/**
 * The scripts' ConfigMap of the pair's namespace ({@link ConfigMaps#scripts}), shared by every
 * pair there: created when missing, never changed (it is immutable; a new version of the scripts
 * is a new ConfigMap), and an older version deleted once nothing of the namespace that may still
 * start a pod mounts it (a pod not ended, a StatefulSet, a Job not finished), which happens after
 * an upgrade of the operator has restarted the pods.
 * Found by name, not through the pair's label, as no pair owns it; its deletion wakes every pair
 * of the namespace, so the first one to reconcile makes it again.
 */
public class ScriptsDependent extends KubernetesDependentResource<ConfigMap, PksReplicaPair>
    implements Creator<ConfigMap, PksReplicaPair> {

  private static final Logger LOG = LoggerFactory.getLogger(ScriptsDependent.class);

  public ScriptsDependent() {
    super(ConfigMap.class);
  }

  @Override
  protected ConfigMap desired(PksReplicaPair pair, Context<PksReplicaPair> context) {
    return ConfigMaps.scripts(pair.getMetadata().getNamespace());
  }

  @Override
  protected InformerEventSourceConfiguration.Builder<ConfigMap> informerConfigurationBuilder(
      EventSourceContext<PksReplicaPair> context) {
    return super.informerConfigurationBuilder(context).withLabelSelector(Labels.SCRIPTS_SELECTOR);
  }

  @Override
  protected Optional<SecondaryToPrimaryMapper<ConfigMap>> getSecondaryToPrimaryMapper(
      EventSourceContext<PksReplicaPair> context) {
    return Optional.of(configMap -> context.getPrimaryCache().list(configMap.getMetadata().getNamespace())
        .map(ResourceID::fromResource).collect(Collectors.toSet()));
  }

  @Override
  public Optional<ConfigMap> getSecondaryResource(PksReplicaPair pair, Context<PksReplicaPair> context) {
    return eventSource().flatMap(informer -> informer.get(
        new ResourceID(Names.scriptsConfigMap(), pair.getMetadata().getNamespace())));
  }

  /** Another pair of the namespace may have made it since the informer last heard: that one is it. */
  @Override
  public ConfigMap create(ConfigMap desired, PksReplicaPair pair, Context<PksReplicaPair> context) {
    try {
      return super.create(desired, pair, context);
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      return Objects.requireNonNull(context.getClient().resource(desired).get(), () -> desired.getMetadata().getName()
          + " was made by another reconcile and deleted since");
    }
  }

  /** Not the pair's: no owner reference, which would let the garbage collector take it with one pair. */
  @Override
  protected void addReferenceHandlingMetadata(ConfigMap configMap, PksReplicaPair pair) {
  }

  @Override
  public ReconcileResult<ConfigMap> reconcile(PksReplicaPair pair, Context<PksReplicaPair> context) {
    ReconcileResult<ConfigMap> result = super.reconcile(pair, context);
    deleteUnmountedVersions(pair.getMetadata().getNamespace(), context);
    return result;
  }

  private void deleteUnmountedVersions(String namespace, Context<PksReplicaPair> context) {
    List<ConfigMap> older = eventSource().stream()
        .flatMap(informer -> informer.list(namespace))
        .filter(configMap -> !configMap.getMetadata().getName().equals(Names.scriptsConfigMap()))
        .toList();
    if (older.isEmpty()) {
      return;
    }
    Set<String> mounted = mountedConfigMaps(namespace, context);
    older.stream().filter(configMap -> !mounted.contains(configMap.getMetadata().getName())).forEach(configMap -> {
      LOG.info("{}/{}: scripts of an earlier operator version that nothing mounts any more; deleted", namespace,
          configMap.getMetadata().getName());
      context.getClient().resource(configMap).delete();
    });
  }

  /**
   * The ConfigMaps that the namespace's managed pods still running or to run, StatefulSets' pod
   * templates and unfinished Jobs' pod templates mount. A finished Job (kept as the record of the
   * data it wrote) and a pod that ended start nothing again.
   */
  private static Set<String> mountedConfigMaps(String namespace, Context<PksReplicaPair> context) {
    Stream<PodSpec> pods = list(context, Pod.class, namespace).filter(pod -> !ended(pod)).map(Pod::getSpec);
    Stream<PodSpec> statefulSets = list(context, StatefulSet.class, namespace)
        .map(statefulSet -> statefulSet.getSpec().getTemplate().getSpec());
    Stream<PodSpec> jobs = list(context, Job.class, namespace).filter(job -> !Jobs.finished(job))
        .map(job -> job.getSpec().getTemplate().getSpec());
    return Stream.of(pods, statefulSets, jobs).flatMap(specs -> specs)
        .flatMap(spec -> spec.getVolumes() == null ? Stream.empty() : spec.getVolumes().stream())
        .map(Volume::getConfigMap).filter(Objects::nonNull)
        .map(ConfigMapVolumeSource::getName)
        .collect(Collectors.toSet());
  }

  private static boolean ended(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  @SuppressWarnings("unchecked")
  private static <R extends HasMetadata> Stream<R> list(Context<PksReplicaPair> context, Class<R> type,
      String namespace) {
    return context.eventSourceRetriever().getEventSourcesFor(type).stream()
        .filter(InformerEventSource.class::isInstance)
        .flatMap(source -> ((InformerEventSource<R, PksReplicaPair>) source).list(namespace));
  }
}
