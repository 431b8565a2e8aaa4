package io.pks.operator.reconciler;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceUtils;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Workflow;
import io.javaoperatorsdk.operator.processing.dependent.workflow.WorkflowBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.pks.operator.api.v1alpha1.BackupStatus;
import io.pks.operator.api.v1alpha1.Member;
import io.pks.operator.api.v1alpha1.Phase;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.api.v1alpha1.PksReplicaPairStatus;
import io.pks.operator.dependent.ConfigMapDependent;
import io.pks.operator.dependent.JobsDependent;
import io.pks.operator.dependent.NetworkPolicyDependent;
import io.pks.operator.dependent.PodDisruptionBudgetDependent;
import io.pks.operator.dependent.ScriptsDependent;
import io.pks.operator.dependent.SecretsDependent;
import io.pks.operator.dependent.ServicesDependent;
import io.pks.operator.dependent.SharedDesiredObjects;
import io.pks.operator.dependent.StatefulSetsDependent;
import io.pks.operator.dependent.VolumeClaimsDependent;
import io.pks.operator.metrics.PairMetrics;
import io.pks.operator.model.BackupCertificates;
import io.pks.operator.model.DesiredObjects;
import io.pks.operator.model.Labels;
import io.pks.operator.model.MemberNetwork;
import io.pks.operator.model.Secrets;
import io.pks.operator.model.StatefulSets;
import io.pks.operator.postgres.Archiver;
import io.pks.operator.validation.AppliedState;
import io.pks.operator.validation.SpecValidator;
import io.pks.operator.validation.StoreSecrets;
import io.pks.operator.validation.Violation;

/**
 * Sequences a reconcile: validate; bring the objects up to date with the recorded status; label
 * the pods; let the lifecycle decide the next step from the facts; run its database actions; record
 * it. The workflow is invoked explicitly, after validation, so an invalid spec changes nothing.
 * Objects follow the status as written, never a decision of the same reconcile: whatever the
 * operator asks for (a Job, a replica count) is recorded before it happens.
 */
// Generation-aware filtering off, UserChanges in its place: the same, plus the request annotations.
@ControllerConfiguration(name = PksReplicaPairReconciler.NAME, generationAwareEventProcessing = false,
    informer = @Informer(onUpdateFilter = UserChanges.class))
public class PksReplicaPairReconciler implements Reconciler<PksReplicaPair> {

  public static final String NAME = "pksreplicapair";
  private static final Logger LOG = LoggerFactory.getLogger(PksReplicaPairReconciler.class);
  /** Re-check of a pair that is not Streaming, beside the events that normally move it on. */
  private static final Duration UNSETTLED_RECHECK = Duration.ofSeconds(10);
  /** How soon a pair is looked at again after a recorded step: the next step may follow at once. */
  private static final Duration NEXT_STEP = Duration.ofMillis(20);
  private static final String PODS = "pods";

  private final Workflow<PksReplicaPair> workflow;
  private final StatusAggregator statuses;
  private final ReplicationMonitor monitor;
  private final BackupRunner backups;
  private final BackupMonitor backupMonitor;
  private final ReplicationActions actions;
  private final PodRoles podRoles;
  private final EventRecorder events;
  private final KubernetesClient client;
  private final Clock clock;
  private final Duration probeInterval;
  private final PairMetrics metrics;
  private final MemberNetwork network;
  private final ReconcileGate gate;

  public PksReplicaPairReconciler(MemberNetwork network, KubernetesClient client, Clock clock,
      Duration probeInterval, PairMetrics metrics, ReconcileGate gate) {
    this.network = network;
    this.gate = gate;
    var secrets = new SecretsDependent(network, Secrets.PasswordSource.RANDOM,
        BackupCertificates.Issuer.ofClock(clock));
    var scripts = new ScriptsDependent();
    var configMap = new ConfigMapDependent(network);
    var volumeClaims = new VolumeClaimsDependent(network);
    var statefulSets = new StatefulSetsDependent(network);
    var jobs = new JobsDependent(network);
    var services = new ServicesDependent(network);
    var networkPolicy = new NetworkPolicyDependent(network);
    var disruptionBudget = new PodDisruptionBudgetDependent(network);
    this.workflow = new WorkflowBuilder<PksReplicaPair>()
        .addDependentResource(secrets)
        .addDependentResource(scripts)
        .addDependentResource(configMap)
        .addDependentResource(volumeClaims)
        .addDependentResourceAndConfigure(statefulSets).dependsOn(secrets, scripts, configMap, volumeClaims)
        .addDependentResourceAndConfigure(jobs).dependsOn(secrets, scripts, configMap, volumeClaims)
        .addDependentResource(services)
        .addDependentResource(disruptionBudget)
        .addDependentResourceAndConfigure(networkPolicy).withReconcilePrecondition(NetworkPolicyDependent.ENABLED)
        .build();
    PairCredentials credentials = new PairCredentials(client,
        id -> secrets.eventSource().flatMap(informer -> informer.get(id)), clock);
    this.statuses = new StatusAggregator(clock);
    this.monitor = new ReplicationMonitor(network, credentials, clock);
    this.actions = new ReplicationActions(network, credentials, monitor.sessions());
    this.backups = new BackupRunner(network, credentials, clock);
    this.backupMonitor = new BackupMonitor(network, credentials, backups, clock);
    this.podRoles = new PodRoles(client);
    this.events = new EventRecorder(client, clock);
    this.client = client;
    this.clock = clock;
    this.probeInterval = probeInterval;
    this.metrics = metrics;
  }

  @Override
  public List<EventSource<?, PksReplicaPair>> prepareEventSources(EventSourceContext<PksReplicaPair> context) {
    List<EventSource<?, PksReplicaPair>> sources = new ArrayList<>(
        EventSourceUtils.eventSourcesFromWorkflow(context, workflow));
    sources.add(monitor.eventSource(context, probeInterval));
    sources.add(backupMonitor.eventSource(context));
    sources.add(new NodeWatch(context));
    // The members' pods (for their role label) and the Jobs' pods (for why a Job failed).
    sources.add(new InformerEventSource<>(InformerEventSourceConfiguration.from(Pod.class, PksReplicaPair.class)
        .withName(PODS)
        .withLabelSelector(Labels.MANAGED_SELECTOR)
        .withSecondaryToPrimaryMapper(pod -> Optional.ofNullable(pod.getMetadata().getLabels().get(Labels.PAIR))
            .map(pair -> Set.of(new ResourceID(pair, pod.getMetadata().getNamespace())))
            .orElse(Set.of()))
        .build(), context));
    return sources;
  }

  @Override
  public UpdateControl<PksReplicaPair> reconcile(PksReplicaPair pair, Context<PksReplicaPair> context) {
    if (!gate.enter()) {
      return UpdateControl.noUpdate();
    }
    try (PairLogContext ignored = PairLogContext.of(pair)) {
      return decideAndAct(pair, context);
    } finally {
      gate.leave();
    }
  }

  private UpdateControl<PksReplicaPair> decideAndAct(PksReplicaPair pair, Context<PksReplicaPair> context) {
    AppliedState applied = AppliedState.of(context.getSecondaryResources(StatefulSet.class),
        context.getSecondaryResources(PersistentVolumeClaim.class));
    List<Violation> violations = SpecValidator.validate(pair, applied);
    if (!violations.isEmpty()) {
      LOG.warn("{}: spec refused, nothing changed: {}", pair.ref(), violations);
      writeStatus(pair, statuses.invalid(pair, violations), context);
      return UpdateControl.noUpdate();
    }
    List<Violation> missingSecrets = nothingStarted(pair) ? StoreSecrets.missing(pair, name -> secretKeys(pair, name))
        : List.of();
    if (!missingSecrets.isEmpty()) {
      // Nothing tells the operator when the Secret appears: look again.
      LOG.warn("{}: spec refused, nothing changed: {}", pair.ref(), missingSecrets);
      writeStatus(pair, statuses.invalid(pair, missingSecrets), context);
      return UpdateControl.<PksReplicaPair>noUpdate().rescheduleAfter(UNSETTLED_RECHECK);
    }
    DesiredObjects desired = SharedDesiredObjects.start(pair, context, network);
    Set<Pod> pods = context.getSecondaryResources(Pod.class);
    Map<String, Boolean> memberPods = pods.stream()
        .filter(pod -> pod.getMetadata().getLabels().containsKey(Labels.MEMBER))
        .collect(Collectors.toMap(pod -> pod.getMetadata().getLabels().get(Labels.MEMBER), PksReplicaPairReconciler::ready,
            (first, second) -> first || second));

    Optional<ReplicationObservation> observation =
        context.getSecondaryResource(ReplicationObservation.class, ReplicationMonitor.NAME);
    Map<String, JobOutcome> jobs = context.getSecondaryResources(Job.class).stream()
        .collect(Collectors.toMap(job -> job.getMetadata().getName(), job -> JobOutcome.of(job, pods)));
    PairFacts facts = new PairFacts(observation, jobs, memberPods, clock.instant(), configuration(pair, desired, pods),
        nodes(pods, context.getSecondaryResources(Node.class)));
    LifecycleStep step = Lifecycle.decide(pair, facts);
    if (!gate.isOpen()) {
      LOG.info("{}: the operator is stopping; this reconcile ends before it acts or records anything", pair.ref());
      return UpdateControl.noUpdate();
    }
    Optional<String> failure = actions.run(pair, step.currentPrimary(), step.actions());
    if (failure.isPresent()) {
      step = unchanged(pair, "Could not " + describe(step) + ": " + failure.get() + ". Retrying.");
    }
    PksReplicaPairStatus reconciled = statuses.reconciled(pair, facts, step);
    Optional<Backups.Step> backup = backupStep(pair, facts, reconciled, context);
    PksReplicaPairStatus next = statuses.withBackups(pair, reconciled, backup);
    countOperations(pair, step, jobs);
    boolean stepRecorded = recordedStateChanged(pair, next);
    PksReplicaPairStatus previous = pair.getStatus();
    PksReplicaPair recorded = writeStatus(pair, next, context);
    if (!gate.isOpen()) {
      // Stopped leading (or stopping) since the decision: the objects follow the recorded step
      // under the next leader, not under this replica (docs/safety.md, the Lease-loss limit).
      LOG.info("{}: the operator is stopping; the objects are left to follow the recorded step under the next leader",
          pair.ref());
      return UpdateControl.noUpdate();
    }
    UpdateControl<PksReplicaPair> control = UpdateControl.noUpdate();
    try {
      backup.ifPresent(b -> startAndRecord(pair, previous, next, b));
      removeAnsweredSwitchover(pair, next);
      // The role labels follow the status once it is written, in this reconcile: a promotion just
      // recorded has -rw select the new primary now rather than a reconcile later.
      podRoles.apply(pair, next, pods);
      // Then the objects follow the state just recorded, in this reconcile too: a step's Job or
      // StatefulSet is made now rather than a reconcile later, and the dependents' upkeep (about
      // 20 ms of a loaded machine's reconcile) comes after a promotion's label, not before it.
      if (recorded != pair) {
        SharedDesiredObjects.follow(desired, recorded, context);
      }
      workflow.reconcile(recorded, context).throwAggregateExceptionIfErrorsPresent();
    } finally {
      // After the labels: a promotion's writes wait for -rw to follow its label, not for its Event.
      announce(pair, previous, step);
    }
    if (failure.isEmpty() && stepRecorded) {
      control.rescheduleAfter(NEXT_STEP);
    } else if (failure.isEmpty() && Lifecycle.waitsOnlyForEvents(pair, facts)) {
      // Not looked at again on a timer: the Job's, the pod's or the probe's next event will.
      return control;
    } else if (!facts.answersAsPrimary(next.currentPrimary()) || !facts.streaming()) {
      // The failover and degrade clocks run while nothing changes: look again at the next probe,
      // or when a bound is reached if that comes first.
      control.rescheduleAfter(Lifecycle.lookAgainIn(pair, facts, probeInterval));
    } else if (next.phase() != Phase.Streaming) {
      control.rescheduleAfter(UNSETTLED_RECHECK);
    }
    return control;
  }

  /**
   * The step's Event, once its status is written; a step that keeps the recorded message (a wait
   * looked at again) is not announced again.
   */
  private void announce(PksReplicaPair pair, PksReplicaPairStatus previous, LifecycleStep step) {
    if (step.reason() != null && !Objects.equals(step.message(), previous == null ? null : previous.message())) {
      events.record(pair, step.reason(), step.message());
    }
  }

  /** No primary recorded yet: none of the pair's members or Jobs was made. */
  private static boolean nothingStarted(PksReplicaPair pair) {
    return pair.getStatus() == null || pair.getStatus().currentPrimary() == null;
  }

  /** The keys of the Secret {@code name} in the pair's namespace; empty when it does not exist. */
  private Optional<Set<String>> secretKeys(PksReplicaPair pair, String name) {
    Secret secret = client.secrets().inNamespace(pair.getMetadata().getNamespace()).withName(name).get();
    if (secret == null) {
      return Optional.empty();
    }
    Set<String> keys = new HashSet<>();
    Optional.ofNullable(secret.getData()).map(Map::keySet).ifPresent(keys::addAll);
    Optional.ofNullable(secret.getStringData()).map(Map::keySet).ifPresent(keys::addAll);
    return Optional.of(keys);
  }

  /**
   * What the backups of a pair with spec.backup need; empty without it. A backup due starts only
   * from the primary the status names while it answers as one, with no switchover or failover
   * under way; until then it waits.
   */
  private Optional<Backups.Step> backupStep(PksReplicaPair pair, PairFacts facts, PksReplicaPairStatus next,
      Context<PksReplicaPair> context) {
    if (pair.getSpec().backup() == null) {
      metrics.archiver(pair, null);
      return Optional.empty();
    }
    Archiver archiver = context.getSecondaryResource(BackupMonitor.BackupObservation.class, BackupMonitor.NAME)
        .map(BackupMonitor.BackupObservation::archiver).orElse(null);
    metrics.archiver(pair, archiver);
    boolean canStart = facts.answersAsPrimary(next.currentPrimary()) && next.targetPrimary() == null
        && (next.phase() == Phase.Streaming || next.phase() == Phase.Degraded);
    return Optional.of(Backups.decide(pair, backups.state(pair), archiver, canStart, Backups.readFrom(next),
        clock.instant()));
  }

  /**
   * Once the status that records it is written: starts the backup the step asks for, and says in
   * Events what began or ended.
   */
  private void startAndRecord(PksReplicaPair pair, PksReplicaPairStatus previous, PksReplicaPairStatus written,
      Backups.Step step) {
    if (step.startAt() != null) {
      BackupStatus.Running running = step.status().running();
      backups.start(pair, written.currentPrimary(), running.readFrom(), step.startAt());
      events.record(pair, EventReason.BackupStarted, "Base backup of " + written.currentPrimary() + " started from "
          + running.readFrom() + " (" + running.reason() + ").");
    }
    BackupStatus before = previous == null || previous.backup() == null ? BackupStatus.EMPTY : previous.backup();
    BackupStatus after = step.status();
    if (after.lastSuccessfulBackup() != null && !after.lastSuccessfulBackup().equals(before.lastSuccessfulBackup())) {
      events.record(pair, EventReason.BackupSucceeded, "Base backup ended at " + after.lastSuccessfulBackup()
          + "; a restore can reach any time from " + after.firstRecoverabilityPoint() + ".");
    }
    if (after.lastFailure() != null && !after.lastFailure().equals(before.lastFailure())) {
      events.record(pair, EventReason.BackupFailed, "Base backup failed: " + after.lastFailure().message());
    }
    if (!step.health().healthy() && Conditions.isTrueOrAbsent(previous, Conditions.BACKUPS_HEALTHY)) {
      events.record(pair, EventReason.BackupsUnhealthy, step.health().message());
    }
  }

  /**
   * What the members should run: the rendered configuration's hash, and the members whose pod
   * carries another template hash than the builders give its StatefulSet now.
   */
  private PairFacts.Configuration configuration(PksReplicaPair pair, DesiredObjects desired, Set<Pod> pods) {
    Set<String> outdated = new HashSet<>();
    for (Member member : pair.getSpec().members()) {
      String wanted = desired.templateHash(member);
      pods.stream().filter(pod -> member.name().equals(pod.getMetadata().getLabels().get(Labels.MEMBER)))
          .filter(pod -> pod.getMetadata().getAnnotations() == null
              || !wanted.equals(pod.getMetadata().getAnnotations().get(StatefulSets.TEMPLATE_HASH_ANNOTATION)))
          .findAny().ifPresent(pod -> outdated.add(member.name()));
    }
    return new PairFacts.Configuration(desired.reloadableHash(), outdated);
  }

  /** The members whose pod is on one of the {@code cordoned} Nodes. */
  private static PairFacts.Nodes nodes(Set<Pod> pods, Set<Node> cordoned) {
    Set<String> names = cordoned.stream().map(node -> node.getMetadata().getName()).collect(Collectors.toSet());
    return new PairFacts.Nodes(pods.stream()
        .filter(pod -> pod.getMetadata().getLabels().containsKey(Labels.MEMBER) && pod.getSpec() != null
            && names.contains(pod.getSpec().getNodeName()))
        .map(pod -> pod.getMetadata().getLabels().get(Labels.MEMBER)).collect(Collectors.toSet()));
  }

  /**
   * A switchover annotation is a one-shot request: once the written status names its member as
   * the current or target primary it is answered and removed (a metadata patch; the spec is never
   * written), so it cannot ask again after a later failover.
   */
  private void removeAnsweredSwitchover(PksReplicaPair pair, PksReplicaPairStatus written) {
    Optional<String> requested = pair.switchoverAnnotation();
    if (requested.isEmpty() || !(requested.get().equals(written.currentPrimary())
        || requested.get().equals(written.targetPrimary()))) {
      return;
    }
    client.resources(PksReplicaPair.class).inNamespace(pair.getMetadata().getNamespace())
        .withName(pair.getMetadata().getName())
        .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(Map.of("metadata",
            Map.of("annotations", java.util.Collections.singletonMap(PksReplicaPair.SWITCHOVER_ANNOTATION, null)))));
  }

  /** Failovers, switchovers and seed durations for the metrics, once per recorded step. */
  private void countOperations(PksReplicaPair pair, LifecycleStep step, Map<String, JobOutcome> jobs) {
    if (pair.getStatus() == null || PairState.of(pair.getStatus()).equals(step.state()) || step.reason() == null) {
      return;
    }
    switch (step.reason()) {
      case Promoted -> metrics.failover(pair);
      case SwitchedOver -> metrics.switchover(pair);
      case StandbySeeded -> Optional.ofNullable(jobs.get(step.job().name())).map(JobOutcome::duration)
          .ifPresent(duration -> metrics.seedCompleted(pair, duration));
      default -> { }
    }
  }

  private static boolean ready(Pod pod) {
    return pod.getStatus() != null && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(condition -> "Ready".equals(condition.getType()) && "True".equals(condition.getStatus()));
  }

  /** The recorded state with a new message: the step failed and is tried again later. */
  private static LifecycleStep unchanged(PksReplicaPair pair, String message) {
    PksReplicaPairStatus status = pair.getStatus();
    return new LifecycleStep(PairState.of(status), Set.of(), EventReason.DatabaseActionFailed, message);
  }

  private static String describe(LifecycleStep step) {
    return step.actions().stream().map(action -> switch (action) {
      case CONFIGURE_REPLICATION -> "set up replication (roles, pg_walinspect, slot) on " + step.currentPrimary();
      case ENABLE_SYNC -> "enable synchronous replication on " + step.currentPrimary();
      case DISABLE_SYNC -> "stop waiting for the standby on " + step.currentPrimary();
      case CLEAR_STANDBY_SYNC -> "clear synchronous_standby_names on the switchover's target";
      case CHECKPOINT -> "checkpoint " + step.currentPrimary() + " before its stop";
      case PROMOTE -> "promote " + step.currentPrimary();
      case RELOAD_PRIMARY -> "reload the configuration on " + step.currentPrimary();
      case RELOAD_STANDBY -> "reload the configuration on the standby";
    }).collect(Collectors.joining(" and "));
  }

  /** True when what the objects follow (phase, roles, stopped members, Job) changed. */
  private static boolean recordedStateChanged(PksReplicaPair pair, PksReplicaPairStatus next) {
    PksReplicaPairStatus current = pair.getStatus();
    return current == null || !PairState.of(current).equals(PairState.of(next));
  }

  /**
   * Writes {@code next} if it differs, with optimistic locking (a status computed from a stale
   * copy of the pair is refused and the reconcile retried), and caches the result so the next
   * reconcile sees it even before the watch delivers it. The pair as written; {@code pair} itself
   * when its status is already {@code next}.
   */
  private PksReplicaPair writeStatus(PksReplicaPair pair, PksReplicaPairStatus next, Context<PksReplicaPair> context) {
    if (next.equals(pair.getStatus())) {
      metrics.record(pair);
      return pair;
    }
    if (pair.getStatus() == null || pair.getStatus().phase() != next.phase()) {
      LOG.info("{}: phase {} ({})", pair.ref(), next.phase(), next.message());
    }
    if (next.replication() != null && (pair.getStatus() == null
        || !next.replication().equals(pair.getStatus().replication()))) {
      LOG.info("{}: replication {} sync {} lag {} bytes", pair.ref(), next.replication().state(),
          next.replication().syncState(), next.replication().lagBytes());
    }
    PksReplicaPair written = PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(pair, context, p -> {
      p.setStatus(next);
      return p;
    });
    metrics.record(written);
    return written;
  }
}
