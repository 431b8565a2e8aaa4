package io.pks.operator.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.pks.operator.api.v1alpha1.PksReplicaPair;

/**
 * What a cluster does besides the API server, for the sandbox: the StatefulSet and Job
 * controllers (the StatefulSet one schedules too), the garbage collector, a storage provisioner,
 * kube-proxy and the nodes' kubelet, each a small class, run in turn by one loop from informer
 * caches (so the loop costs the API server nothing while nothing changes). The loop runs a pass
 * every 100 ms for what depends on time (back-offs, readiness checks, faults), and as soon as a
 * pod, StatefulSet, Job, claim or pair changes or a container exits, as a cluster's controllers
 * and kubelets follow their watches: a Job's pod starts when the Job is created, a deleted pod's
 * container is stopped when the deletion arrives, not at the next pass. kube-proxy's part also
 * runs alone as soon as a pod's labels or readiness change: -rw takes a new primary when its role
 * label arrives.
 */
public final class LocalRuntime implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalRuntime.class);
  private static final long PERIOD_MILLIS = 100;
  /**
   * The least time from the end of one pass to a pass run for a change: a burst of changes (every
   * pod of a test at once) costs one pass per this at most, not one per change.
   */
  private static final long CHANGE_GAP_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  /** The Service a cluster's pods reach the API server by: default/kubernetes, port 443. */
  private static final String API_SERVER_SERVICE = "default/kubernetes";
  private static final int API_SERVER_SERVICE_PORT = 443;

  private final KubernetesClient client;
  private final LocalVolumes volumes;
  private final LocalKubelet kubelet;
  private final StatefulSetController statefulSets;
  private final JobController jobs;
  private final GarbageCollector garbageCollector;
  private final ServiceProxies proxies;
  /** Null in the loopback mode. */
  private final NodeNetworking nodeNetworking;
  /** The API server as the pods reach it in the network mode (the kubernetes Service); null on loopback. */
  private final TcpProxy apiServerProxy;
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  private final SharedIndexInformer<Pod> podCache;
  private final SharedIndexInformer<StatefulSet> statefulSetCache;
  private final SharedIndexInformer<Job> jobCache;
  private final SharedIndexInformer<Service> serviceCache;
  private final SharedIndexInformer<PersistentVolumeClaim> claimCache;
  private final SharedIndexInformer<PksReplicaPair> pairCache;
  private final SharedIndexInformer<Secret> secretCache;
  private final SharedIndexInformer<ConfigMap> configMapCache;
  private final SharedIndexInformer<NetworkPolicy> networkPolicyCache;
  private final SharedIndexInformer<Node> nodeCache;
  /** Set while kube-proxy's part is queued on the loop: pod changes meanwhile need no other run. */
  private final AtomicBoolean servicesQueued = new AtomicBoolean();
  /** Set while a pass for a change is queued on the loop: changes meanwhile need no other. */
  private final AtomicBoolean passQueued = new AtomicBoolean();
  private volatile boolean started;
  private volatile long lastPassEnd = System.nanoTime();
  private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "sandbox-runtime");
    thread.setDaemon(true);
    return thread;
  });

  /**
   * {@code network} null: the loopback mode. {@code apiServer}: where the API server listens on
   * this machine; its pods reach it as a cluster's do, by KUBERNETES_SERVICE_HOST and _PORT.
   */
  public LocalRuntime(KubernetesClient client, InetSocketAddress apiServer, SandboxPorts ports, PodNetwork network,
      Path workDir) {
    this.client = client;
    Clock clock = Clock.systemUTC();
    this.volumes = new LocalVolumes(client, workDir.resolve("volumes"));
    this.kubelet = new LocalKubelet(client, volumes, ports, network, workDir.resolve("pods"), clock);
    this.nodeNetworking = network == null ? null : new NodeNetworking(network);
    this.apiServerProxy = network == null ? null : new TcpProxy(new InetSocketAddress(
        network.serviceIp(API_SERVER_SERVICE), API_SERVER_SERVICE_PORT), () -> apiServer);
    kubelet.apiServer(apiServerProxy == null ? apiServer : apiServerProxy.address());
    this.statefulSets = new StatefulSetController(client);
    this.jobs = new JobController(client, clock);
    this.garbageCollector = new GarbageCollector(client);
    this.proxies = new ServiceProxies(ports, kubelet, network);
    this.podCache = inform(client.pods().inAnyNamespace().inform());
    this.statefulSetCache = inform(client.apps().statefulSets().inAnyNamespace().inform());
    this.jobCache = inform(client.batch().v1().jobs().inAnyNamespace().inform());
    this.serviceCache = inform(client.services().inAnyNamespace().inform());
    this.claimCache = inform(client.persistentVolumeClaims().inAnyNamespace().inform());
    this.pairCache = inform(client.resources(PksReplicaPair.class).inAnyNamespace().inform());
    this.secretCache = inform(client.secrets().inAnyNamespace().inform());
    this.configMapCache = inform(client.configMaps().inAnyNamespace().inform());
    this.networkPolicyCache = inform(client.network().v1().networkPolicies().inAnyNamespace().inform());
    this.nodeCache = inform(client.nodes().inform());
    podCache.addEventHandler(new EndpointChanges());
    podCache.addEventHandler(new Changes<>());
    statefulSetCache.addEventHandler(new Changes<>());
    jobCache.addEventHandler(new Changes<>());
    claimCache.addEventHandler(new Changes<>());
    pairCache.addEventHandler(new Changes<>());
    kubelet.onPassNeeded(this::queuePass);
  }

  private <T extends HasMetadata> SharedIndexInformer<T> inform(SharedIndexInformer<T> informer) {
    informers.add(informer);
    return informer;
  }

  public void start() {
    started = true;
    loop.scheduleWithFixedDelay(this::syncOnce, 0, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** Queues a pass on the loop for a change, {@link #CHANGE_GAP_NANOS} after the last at the soonest. */
  private void queuePass() {
    if (!started || !passQueued.compareAndSet(false, true)) {
      return;
    }
    long wait = Math.max(0, lastPassEnd + CHANGE_GAP_NANOS - System.nanoTime());
    try {
      loop.schedule(() -> {
        passQueued.set(false);
        syncOnce();
      }, wait, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // The runtime is closing: nothing runs any more.
    }
  }

  private void syncOnce() {
    try {
      List<Pod> pods = podCache.getStore().list();
      List<StatefulSet> sets = statefulSetCache.getStore().list();
      List<Job> jobList = jobCache.getStore().list();
      List<PersistentVolumeClaim> claims = claimCache.getStore().list();
      Set<String> owners = new java.util.HashSet<>(GarbageCollector.uids(pairCache.getStore().list()));
      owners.addAll(GarbageCollector.uids(sets));
      owners.addAll(GarbageCollector.uids(jobList));
      List<HasMetadata> owned = new ArrayList<>(pods);
      owned.addAll(sets);
      owned.addAll(jobList);
      owned.addAll(claims);
      owned.addAll(serviceCache.getStore().list());
      owned.addAll(secretCache.getStore().list());
      owned.addAll(configMapCache.getStore().list());
      owned.addAll(networkPolicyCache.getStore().list());
      garbageCollector.sync(owners, owned);
      statefulSets.sync(sets, pods, claims, nodeCache.getStore().list());
      jobs.sync(jobList, pods);
      volumes.sync(claims, kubelet.claimsInUse());
      // Names and routes first: a container the kubelet starts in this pass finds its own.
      syncServices();
      kubelet.sync(podCache.getStore().list());
    } catch (KubernetesClientException e) {
      // A cache a step behind (an object just created or deleted): the next pass sees it.
      LOG.debug("sandbox runtime pass: {}", e.getMessage());
    } catch (RuntimeException e) {
      LOG.warn("sandbox runtime pass failed", e);
    } finally {
      lastPassEnd = System.nanoTime();
    }
  }

  /** kube-proxy's part of a pass: each Service's endpoint, and in the network mode the nodes' names and rules. */
  private void syncServices() {
    servicesQueued.set(false);
    List<Service> services = serviceCache.getStore().list();
    List<Pod> pods = podCache.getStore().list();
    proxies.sync(services, pods);
    if (nodeNetworking != null) {
      nodeNetworking.sync(services, pods, proxies, kubelet.nodes(), kubelet.faults());
    }
  }

  /** Queues a pass when an object the loop acts on is added, changed (a new resourceVersion) or deleted. */
  private final class Changes<T extends HasMetadata> implements ResourceEventHandler<T> {
    @Override
    public void onAdd(T object) {
      queuePass();
    }

    @Override
    public void onUpdate(T before, T after) {
      if (!Objects.equals(before.getMetadata().getResourceVersion(), after.getMetadata().getResourceVersion())) {
        queuePass();
      }
    }

    @Override
    public void onDelete(T object, boolean deletedFinalStateUnknown) {
      queuePass();
    }
  }

  /** Queues kube-proxy's part of a pass on the loop when a pod's labels or readiness change. */
  private final class EndpointChanges implements ResourceEventHandler<Pod> {
    @Override
    public void onAdd(Pod pod) {
      queueServices();
    }

    @Override
    public void onUpdate(Pod before, Pod after) {
      if (!Objects.equals(before.getMetadata().getLabels(), after.getMetadata().getLabels())
          || ServiceProxies.ready(before) != ServiceProxies.ready(after)) {
        queueServices();
      }
    }

    @Override
    public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
      queueServices();
    }

    private void queueServices() {
      if (!servicesQueued.compareAndSet(false, true)) {
        return;
      }
      try {
        loop.execute(() -> {
          try {
            syncServices();
          } catch (RuntimeException e) {
            LOG.warn("sandbox kube-proxy pass failed", e);
          }
        });
      } catch (RejectedExecutionException e) {
        // The runtime is closing: nothing is routed any more.
      }
    }
  }

  /**
   * Makes {@code name}.{@code namespace}.svc.cluster.local (and its short forms) resolve to
   * {@code ip} on every node, as the name of a Service in front of something that runs beside the
   * pods; nothing to do in the loopback mode, where the pods run on this machine's own names.
   */
  public void publishName(String namespace, String name, String ip) {
    if (nodeNetworking != null) {
      nodeNetworking.publish(new ClusterDns.Record(ip, namespace, name));
    }
  }

  /** namespace/service/port → where its proxy listens (a loopback port, or the Service's address). */
  public Map<String, InetSocketAddress> serviceEndpoints() {
    return proxies.endpoints();
  }

  /**
   * {@code argv} run in the network namespace of a pod's node (the network mode), as a client on
   * the node's side of a partition: its exit status, output in {@code output}.
   */
  public Process inNode(String namespace, String pod, List<String> argv) throws java.io.IOException {
    PodNetwork.Node node = kubelet.nodes().get(namespace + "/" + pod);
    if (node == null) {
      throw new IllegalStateException("pod " + namespace + "/" + pod + " has no node of its own"
          + " (not started, or the sandbox runs in the loopback mode)");
    }
    return new ProcessBuilder(PodNetwork.inNodeCommand(node, argv)).redirectErrorStream(true).start();
  }

  /**
   * Starts {@code command} in a pod's container for {@code pods/exec}, on a pseudo terminal if {@code tty}: 404 for
   * a pod that does not exist, 400 for one that does not run here.
   */
  public Process exec(String namespace, String pod, String container, List<String> command, boolean tty)
      throws IOException {
    if (podCache.getStore().getByKey(namespace + "/" + pod) == null) {
      throw new PodExec.Refused(404, "pods \"" + pod + "\" not found");
    }
    return kubelet.exec(namespace, pod, container, command, tty);
  }

  /**
   * From now on a crashed container restarts at once, then after {@code first}, each later time
   * twice as long, up to 5 minutes: the kubelet's back-off, which starts at 10 s, made shorter for
   * a test.
   */
  public void crashLoopBackOff(Duration first) {
    kubelet.crashLoopBackOff(first);
  }

  /** The folder holding the claim's data, or null if it is not bound. */
  public Path volume(String namespace, String claim) {
    return volumes.path(namespace, claim);
  }

  /** The folder of a pod's local container (its log is container.log). */
  public Path podDir(String namespace, String pod) {
    return kubelet.podDir(namespace, pod);
  }

  /** What a pod's local container printed (its container.log); empty when it has none. */
  public Optional<String> containerLog(String namespace, String pod) {
    Path log = podDir(namespace, pod).resolve("container.log");
    try {
      return Files.exists(log) ? Optional.of(Files.readString(log)) : Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops the loop, then every container (SIGTERM, then SIGKILL after a grace period), then the proxies. */
  @Override
  public void close() {
    loop.shutdownNow();
    try {
      loop.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    informers.forEach(SharedIndexInformer::close);
    kubelet.close();
    proxies.close();
    if (apiServerProxy != null) {
      apiServerProxy.close();
    }
  }
}
