package io.pks.operator.reconciler;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Workflow;
import io.javaoperatorsdk.operator.processing.dependent.workflow.WorkflowBuilder;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.api.v1alpha1.PksReplicaPairStatus;
import io.pks.operator.dependent.ConfigMapDependent;
import io.pks.operator.dependent.SecretsDependent;
import io.pks.operator.dependent.ServicesDependent;
import io.pks.operator.dependent.StatefulSetsDependent;
import io.pks.operator.metrics.PairMetrics;
import io.pks.operator.model.MemberNetwork;
import io.pks.operator.model.Secrets;
import io.pks.operator.validation.AppliedState;
import io.pks.operator.validation.SpecValidator;
import io.pks.operator.validation.Violation;

/**
 * Sequences a reconcile: validate, then bring the dependents up to date, then write the status if
 * it changed. The workflow is invoked explicitly, after validation, so an invalid spec changes
 * nothing.
 */
@ControllerConfiguration(name = PksReplicaPairReconciler.NAME)
public class PksReplicaPairReconciler implements Reconciler<PksReplicaPair> {

  public static final String NAME = "pksreplicapair";
  private static final Logger LOG = LoggerFactory.getLogger(PksReplicaPairReconciler.class);

  private final Workflow<PksReplicaPair> workflow;
  private final StatusAggregator statuses;
  private final ReplicationMonitor monitor;
  private final Duration probeInterval;
  private final PairMetrics metrics;

  public PksReplicaPairReconciler(MemberNetwork network, KubernetesClient client, Clock clock,
      Duration probeInterval, PairMetrics metrics) {
    var secrets = new SecretsDependent(network, Secrets.PasswordSource.RANDOM);
    var configMap = new ConfigMapDependent(network);
    var statefulSets = new StatefulSetsDependent(network);
    var services = new ServicesDependent(network);
    this.workflow = new WorkflowBuilder<PksReplicaPair>()
        .addDependentResource(secrets)
        .addDependentResource(configMap)
        .addDependentResourceAndConfigure(statefulSets).dependsOn(secrets, configMap)
        .addDependentResource(services)
        .build();
    this.statuses = new StatusAggregator(clock);
    this.monitor = new ReplicationMonitor(network, new PairCredentials(client, clock), clock);
    this.probeInterval = probeInterval;
    this.metrics = metrics;
  }

  @Override
  public List<EventSource<?, PksReplicaPair>> prepareEventSources(EventSourceContext<PksReplicaPair> context) {
    List<EventSource<?, PksReplicaPair>> sources = new ArrayList<>(
        EventSourceUtils.eventSourcesFromWorkflow(context, workflow));
    sources.add(monitor.eventSource(context, probeInterval));
    return sources;
  }

  @Override
  public UpdateControl<PksReplicaPair> reconcile(PksReplicaPair pair, Context<PksReplicaPair> context) {
    AppliedState applied = AppliedState.of(context.getSecondaryResources(StatefulSet.class));
    List<Violation> violations = SpecValidator.validate(pair, applied);
    if (!violations.isEmpty()) {
      LOG.warn("{}: spec refused, nothing changed: {}", pair.ref(), violations);
      return writeStatus(pair, statuses.invalid(pair, violations));
    }
    workflow.reconcile(pair, context);
    return writeStatus(pair, statuses.reconciled(pair,
        context.getSecondaryResource(ReplicationObservation.class, ReplicationMonitor.NAME)));
  }

  private UpdateControl<PksReplicaPair> writeStatus(PksReplicaPair pair, PksReplicaPairStatus next) {
    if (next.equals(pair.getStatus())) {
      metrics.record(pair);
      return UpdateControl.noUpdate();
    }
    if (pair.getStatus() == null || pair.getStatus().phase() != next.phase()) {
      LOG.info("{}: phase {} ({})", pair.ref(), next.phase(), next.message());
    }
    if (next.replication() != null && (pair.getStatus() == null
        || !next.replication().equals(pair.getStatus().replication()))) {
      LOG.info("{}: replication {} sync {} lag {} bytes", pair.ref(), next.replication().state(),
          next.replication().syncState(), next.replication().lagBytes());
    }
    pair.setStatus(next);
    metrics.record(pair);
    return UpdateControl.patchStatus(pair);
  }
}
