package io.pks.operator.sandbox;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionList;
import io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.crud.KubernetesCrudDispatcherException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.pks.operator.sandbox.EmbeddedApiServer.FaultAnswered;
import io.pks.operator.sandbox.EmbeddedApiServer.Write;

/**
 * The Fabric8 CRUD store with what kubectl and the tests need around it: injected faults come first, then
 * discovery, Table responses, and Status bodies on errors the store leaves bodiless. Every write is recorded with
 * the status it got, every injected fault answered with who received it, and every request counted. A write finds
 * its object by resource and name ({@link StoredKeys}), not by testing every object the store holds.
 */
final class ApiServerDispatcher extends KubernetesCrudDispatcher {
  private static final String SELF_SUBJECT_RULES_REVIEWS = "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews";
  private static final Logger LOG = LoggerFactory.getLogger(ApiServerDispatcher.class);
  private static final Set<String> WRITE_METHODS = Set.of("POST", "PUT", "PATCH", "DELETE");
  private static final Set<String> BODY_METHODS = Set.of("POST", "PUT", "PATCH");
  private static final String STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json";
  private static final String MERGE_PATCH = "application/merge-patch+json";
  private static final String CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

  private final List<Write> writes = Collections.synchronizedList(new ArrayList<>());
  private final List<FaultAnswered> faultsAnswered = Collections.synchronizedList(new ArrayList<>());
  private final AtomicLong requests = new AtomicLong();
  private final InjectedFaults faults = new InjectedFaults();
  private final StoredKeys storedKeys = new StoredKeys();
  private volatile Function<RecordedRequest, MockResponse> interceptor = request -> null;
  /** What a pod's container printed, by namespace and pod name; empty while it printed nothing. */
  private volatile BiFunction<String, String, Optional<String>> podLogs = (namespace, pod) -> Optional.empty();

  ApiServerDispatcher() {
    super(List.of());
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    requests.incrementAndGet();
    String method = request.getMethod();
    String path = request.getPath();
    OptionalInt fault = faults.take(method, path, Instant.now());
    MockResponse response;
    if (fault.isPresent()) {
      LOG.info("Injected fault: {} {} answered {}", method, path, fault.getAsInt());
      faultsAnswered.add(new FaultAnswered(method, path, fault.getAsInt(), request.getHeader("User-Agent")));
      response = Responses.status(fault.getAsInt(), "injected fault for " + method + " " + path);
    } else {
      MockResponse intercepted = interceptor.apply(request);
      response = intercepted != null ? intercepted : serveOrFail(request);
    }
    if (WRITE_METHODS.contains(method)) {
      writes.add(new Write(method, path, response.code()));
    }
    return response;
  }

  void intercept(Function<RecordedRequest, MockResponse> interceptor) {
    this.interceptor = interceptor;
  }

  void servePodLogs(BiFunction<String, String, Optional<String>> podLogs) {
    this.podLogs = podLogs;
  }

  List<Write> writes() {
    synchronized (writes) {
      return List.copyOf(writes);
    }
  }

  List<FaultAnswered> faultsAnswered() {
    synchronized (faultsAnswered) {
      return List.copyOf(faultsAnswered);
    }
  }

  long requests() {
    return requests.get();
  }

  void clearWrites() {
    writes.clear();
  }

  InjectedFaults faults() {
    return faults;
  }

  /** The store's JSON merge patch, made RFC 7386 (see {@link JsonMergePatch}). */
  @Override
  public JsonNode merge(JsonNode current, String patch) throws KubernetesCrudDispatcherException {
    return JsonMergePatch.apply(current.deepCopy(), asNode(patch));
  }

  /**
   * The stored object a write names. The store calls this holding its lock, as it does {@link #processEvent}, the
   * only place its objects change; without a single resource and name in the query, the store's pass answers.
   */
  @Override
  public Map.Entry<AttributeSet, String> findResource(AttributeSet query) {
    Optional<List<AttributeSet>> candidates = storedKeys.candidates(query);
    if (candidates.isEmpty()) {
      return super.findResource(query);
    }
    for (AttributeSet key : candidates.get()) {
      String object = getMap().get(key);
      if (object != null && key.matches(query)) {
        return Map.entry(key, object);
      }
    }
    return null;
  }

  /**
   * Stores, replaces or removes an object as the store does, and keeps {@link #storedKeys} equal to the store's
   * keys. The store does not say under which key it put the object: it is derived here as the store derives it,
   * and should the store have used another, every key is indexed again (correct, only slower).
   */
  @Override
  public void processEvent(String path, AttributeSet pathAttributes, AttributeSet oldAttributes,
      GenericKubernetesResource resource, String newState) {
    super.processEvent(path, pathAttributes, oldAttributes, resource, newState);
    if (oldAttributes != null) {
      storedKeys.remove(oldAttributes);
    }
    if (newState != null) {
      AttributeSet key = storedKey(pathAttributes, resource, newState);
      if (getMap().containsKey(key)) {
        storedKeys.add(key);
      } else {
        LOG.warn("The store keeps {} under another key than {}: indexing every key again", path, key);
        synchronized (getMap()) {
          storedKeys.replaceAll(getMap().keySet());
        }
      }
    }
  }

  @Override
  public void reset() {
    super.reset();
    storedKeys.replaceAll(List.of());
  }

  /** The key {@link KubernetesCrudDispatcher#processEvent} stores a new state under. */
  private AttributeSet storedKey(AttributeSet pathAttributes, GenericKubernetesResource resource, String newState) {
    KubernetesAttributesExtractor extractor = (KubernetesAttributesExtractor) attributeExtractor;
    AttributeSet key = resource != null ? extractor.extract(resource) : extractor.fromResource(newState);
    return key.containsKey(KubernetesAttributesExtractor.PLURAL) ? key : AttributeSet.merge(pathAttributes, key);
  }

  /** An exception escaping the dispatcher leaves the request unanswered: the client would hang, not fail. */
  private MockResponse serveOrFail(RecordedRequest request) {
    try {
      return serve(request);
    } catch (IllegalArgumentException e) {
      return Responses.status(400, e.getMessage());
    } catch (RuntimeException e) {
      LOG.warn("{} {} failed", request.getMethod(), request.getPath(), e);
      return Responses.status(500, e.toString());
    }
  }

  private MockResponse serve(RecordedRequest request) {
    String path = request.getPath();
    Optional<ResourcePath> resource = ResourcePath.parse(path);
    if (resource.isPresent() && Evictions.isEviction(request.getMethod(), resource.get())) {
      // Whatever the body's encoding (kubectl sends protobuf), the path names the pod.
      return evict(resource.get());
    }
    if (resource.isPresent() && "GET".equals(request.getMethod()) && isPodLog(resource.get())) {
      return podLog(resource.get());
    }
    if ("POST".equals(request.getMethod()) && path.startsWith(SELF_SUBJECT_RULES_REVIEWS)) {
      return Responses.json(201, selfSubjectRulesReview());
    }
    String contentType = request.getHeader("Content-Type");
    if (contentType != null && BODY_METHODS.contains(request.getMethod())
        && !contentType.contains("json") && !contentType.contains("yaml")) {
      // The store would fail on it and never answer; kubectl's typed commands (create namespace) send protobuf.
      return Responses.status(415, "the sandbox API server reads JSON and YAML, not " + contentType
          + ": use kubectl apply -f or create -f");
    }
    if (contentType != null && contentType.startsWith(STRATEGIC_MERGE_PATCH)) {
      // Reading the body empties it: the patch is passed on as read.
      String patch = request.getUtf8Body();
      if (!JsonMergePatch.strategicReadsAsMerge(Serialization.unmarshal(patch, JsonNode.class))) {
        return Responses.status(415, "the sandbox API server applies a strategic merge patch only when it reads as "
            + "a JSON merge patch (no list, no $ directive): use kubectl patch --type=merge or --type=json");
      }
      return asApiServer(super.dispatch(asMergePatch(request, patch)), resource);
    }
    if (request.method() == HttpMethod.GET) {
      Optional<MockResponse> discovery = Discovery.respond(ResourcePath.withoutQuery(path), this::crds)
          .or(() -> OpenApi.respond(ResourcePath.withoutQuery(path), request.getHeader("Accept"), this::crds));
      if (discovery.isPresent()) {
        return discovery.get();
      }
      if (resource.isPresent() && !isWatch(path)) {
        MockResponse stored = asApiServer(read(resource.get(), path), resource);
        return stored.code() == 200 && wantsTable(request, resource.get()) ? table(resource.get(), path, stored)
            : stored;
      }
    }
    return asApiServer(super.dispatch(request), resource);
  }

  /**
   * How each event of an HTTP watch is written, or empty when it is not: as the store sends it, with its object made
   * a one-row Table when the request asks for Tables ({@code kubectl get -w}). The store opens every watch with an
   * ADDED event per existing object; those a watch from a resourceVersion (kubectl's, after its list) has already
   * seen are left out, as a real API server would not send them.
   */
  Function<String, Optional<String>> watchEvents(RecordedRequest request) {
    Optional<ResourcePath> resource = ResourcePath.parse(request.getPath());
    long seen = ResourcePath.queryParameter(request.getPath(), "resourceVersion").filter(v -> v.matches("\\d+"))
        .map(Long::parseLong).orElse(0L);
    boolean table = resource.isPresent() && wantsTable(request, resource.get());
    String includeObject = ResourcePath.queryParameter(request.getPath(), "includeObject").orElse("Metadata");
    return event -> {
      ObjectNode parsed = (ObjectNode) Serialization.unmarshal(event, JsonNode.class);
      JsonNode object = parsed.path("object");
      if (parsed.path("type").asText().equals("ADDED")
          && object.at("/metadata/resourceVersion").asLong(Long.MAX_VALUE) <= seen) {
        return Optional.empty();
      }
      if (table) {
        parsed.set("object", Tables.table(resource.get(), object, crds(), includeObject, Instant.now()));
      }
      return Optional.of(parsed.toString());
    };
  }

  /**
   * The sandbox has no authorization: every client may do everything, and a self-review (which a
   * leader-elected operator sends before it takes its Lease) says so, as a real server does for an
   * administrator.
   */
  private static Map<String, Object> selfSubjectRulesReview() {
    return Map.of("apiVersion", "authorization.k8s.io/v1", "kind", "SelfSubjectRulesReview",
        "metadata", Map.of(), "status", Map.of("incomplete", false, "nonResourceRules", List.of(),
            "resourceRules", List.of(Map.of("verbs", List.of("*"), "apiGroups", List.of("*"),
                "resources", List.of("*")))));
  }

  private static boolean isPodLog(ResourcePath resource) {
    return resource.group().isEmpty() && "pods".equals(resource.plural()) && "log".equals(resource.subresource());
  }

  /** {@code GET .../pods/<name>/log}: what its container printed, as text; 404 for a pod that does not exist. */
  private MockResponse podLog(ResourcePath log) {
    String podPath = "/api/v1/namespaces/" + log.namespace() + "/pods/" + log.name();
    if (handleGet(podPath).code() != 200) {
      return Responses.status(404, "pods \"" + log.name() + "\" not found");
    }
    return new MockResponse().setResponseCode(200).setHeader("Content-Type", "text/plain")
        .setBody(podLogs.apply(log.namespace(), log.name()).orElse(""));
  }

  /** {@code POST .../pods/<name>/eviction}: deletes the pod unless a PodDisruptionBudget forbids it. */
  private MockResponse evict(ResourcePath eviction) {
    String podPath = "/api/v1/namespaces/" + eviction.namespace() + "/pods/" + eviction.name();
    MockResponse pod = handleGet(podPath);
    if (pod.code() != 200) {
      return asApiServer(pod, ResourcePath.parse(podPath));
    }
    Optional<MockResponse> refusal = Evictions.refusal(json(pod),
        json(handleGet("/apis/policy/v1/namespaces/" + eviction.namespace() + "/poddisruptionbudgets")).path("items"),
        json(handleGet("/api/v1/namespaces/" + eviction.namespace() + "/pods")).path("items"));
    if (refusal.isPresent()) {
      return refusal.get();
    }
    MockResponse deleted = handleDelete(podPath);
    return deleted.code() == 200 ? Responses.json(201, Evictions.SUCCESS)
        : asApiServer(deleted, ResourcePath.parse(podPath));
  }

  private static JsonNode json(MockResponse response) {
    return Serialization.unmarshal(response.getBody().readUtf8(), JsonNode.class);
  }

  private static RecordedRequest asMergePatch(RecordedRequest request, String patch) {
    Headers headers = request.getHeaders().newBuilder().set("Content-Type", MERGE_PATCH).build();
    return new RecordedRequest(request.getHttpVersion(), request.method(), request.getPath(), headers,
        new Buffer().writeUtf8(patch));
  }

  /** A watch is the store's: over a websocket, or streamed over HTTP by {@link ApiHttpServer}. */
  private static boolean isWatch(String path) {
    String watch = ResourcePath.queryParameter(path, "watch").orElse("false");
    return watch.equals("true") || watch.equals("1");
  }

  /** kubectl get asks for a Table (and accepts plain JSON). */
  private static boolean wantsTable(RecordedRequest request, ResourcePath resource) {
    return Optional.ofNullable(request.getHeader("Accept")).orElse("").contains("as=Table")
        && resource.subresource() == null;
  }

  /**
   * A read from the store, completed where it differs from an API server: a list is typed {@code <Kind>List}
   * (client-go's typed clients, as in kubectl describe, refuse a plain List) and its field selector is applied
   * here (the store matches only metadata.name and metadata.namespace; describe selects events by involvedObject).
   */
  private MockResponse read(ResourcePath resource, String path) {
    Optional<String> selector = ResourcePath.queryParameter(path, "fieldSelector");
    MockResponse stored = handleGet(ResourcePath.withoutQueryParameter(path, "fieldSelector"));
    if (stored.code() != 200 || resource.name() != null) {
      return stored;
    }
    ObjectNode list = (ObjectNode) Serialization.unmarshal(stored.getBody().readUtf8(), JsonNode.class);
    if (selector.isPresent()) {
      ArrayNode selected = JsonNodeFactory.instance.arrayNode();
      list.get("items").forEach(item -> {
        if (FieldSelector.matches(selector.get(), item)) {
          selected.add(item);
        }
      });
      list.set("items", selected);
    }
    Discovery.kind(resource, crds()).ifPresent(kind -> list
        .put("apiVersion", resource.group().isEmpty() ? resource.version() : resource.group() + "/" + resource.version())
        .put("kind", kind + "List"));
    return Responses.json(200, list);
  }

  private MockResponse table(ResourcePath resource, String path, MockResponse stored) {
    JsonNode objects = Serialization.unmarshal(stored.getBody().readUtf8(), JsonNode.class);
    return Responses.json(200, Tables.table(resource, objects, crds(),
        ResourcePath.queryParameter(path, "includeObject").orElse("Metadata"), Instant.now()));
  }

  private List<CustomResourceDefinition> crds() {
    return Serialization.unmarshal(handleGet(CRDS).getBody().readUtf8(), CustomResourceDefinitionList.class)
        .getItems();
  }

  /**
   * The store's answer as an API server gives it: typed JSON (kubectl's typed clients, as in describe, ask for
   * protobuf first and decode an untyped body as protobuf), and errors with the Status body the store leaves out,
   * so that clients say {@code pods "x" not found}.
   */
  private static MockResponse asApiServer(MockResponse response, Optional<ResourcePath> resource) {
    if (response.getWebSocketListener() != null) {
      return response;
    }
    boolean bodyless = response.getBody() == null || response.getBody().size() == 0;
    if (response.code() >= 400 && bodyless) {
      String message = resource.filter(path -> response.code() == 404 && path.name() != null)
          .map(path -> path.groupResource() + " \"" + path.name() + "\" not found")
          .orElse(Responses.reason(response.code()));
      return Responses.status(response.code(), message);
    }
    if (response.header("Content-Type") == null) {
      response.setHeader("Content-Type", "application/json");
    }
    return response;
  }
}
