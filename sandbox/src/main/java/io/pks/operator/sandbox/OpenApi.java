package io.pks.operator.sandbox;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.crdv2.generator.v1.JsonSchema;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.MockResponse;
import io.pks.operator.sandbox.Discovery.Served;

/**
 * The OpenAPI documents kubectl reads: {@code /openapi/v2}, which client-side validation of {@code kubectl apply}
 * decodes as protobuf (JSON for clients that ask for it), and {@code /openapi/v3} with one document per group
 * version, which {@code kubectl explain} reads. The schemas are each served CRD version's openAPIV3Schema and the
 * built-in kinds' as the Fabric8 CRD generator derives them from the model classes (without descriptions); each
 * carries {@code x-kubernetes-group-version-kind}, by which kubectl finds it.
 *
 * <p>Unlike a real API server's, the documents declare only the paths kubectl looks kinds up by, and no
 * {@code fieldValidation} parameter: kubectl then validates on the client, and reports an unknown field as
 * {@code ValidationError(...): unknown field} before sending anything, where a real server (1.27 and later) would
 * answer {@code strict decoding error}.
 */
final class OpenApi {
  private OpenApi() {
  }

  /** The type of the protobuf v2 document, as the API server names it (client-go asks with an @ for the dot). */
  static final String V2_PROTOBUF = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";
  private static final String PREFIX = "/openapi/";
  private static final String V3_ROOT = "/openapi/v3";
  private static final String GROUP_VERSION_KIND = "x-kubernetes-group-version-kind";

  /** A served kind with its schema, as v3 writes it. */
  private record Definition(Served served, ObjectNode schema) {

    /** Its name as a real API server gives it: {@code io.k8s.api.core.v1.Pod}, {@code io.pks.v1alpha1.X}. */
    String name() {
      return namePrefix(served.group()) + "." + served.version() + "." + served.kind();
    }

    /** The path of its group version's v3 document under {@code /openapi/v3/}: {@code api/v1}, {@code apis/g/v}. */
    String groupVersionPath() {
      return served.group().isEmpty() ? "api/" + served.version() : "apis/" + served.groupVersion();
    }

    ObjectNode groupVersionKind() {
      return groupVersionKindOf(served.group(), served.version(), served.kind());
    }
  }

  /**
   * The built-in kinds' schemas by {@link #key}, derived once per process in the background from the server's start
   * (the generator takes seconds on a cold JVM, and kubectl waits for the document).
   */
  private static final CompletableFuture<Map<String, ObjectNode>> BUILT_IN =
      CompletableFuture.supplyAsync(OpenApi::builtInSchemas);

  /** Starts deriving the built-in schemas (on first use of this class), so that kubectl's first apply waits less. */
  static void prepare() {
    BUILT_IN.isDone();
  }

  /** The response for an {@code /openapi/} path (without query), or empty for other paths. */
  static Optional<MockResponse> respond(String path, String accept, Supplier<List<CustomResourceDefinition>> crds) {
    if (!path.startsWith(PREFIX)) {
      return Optional.empty();
    }
    List<CustomResourceDefinition> stored = crds.get();
    Map<String, ObjectNode> schemas = new HashMap<>(BUILT_IN.join());
    schemas.putAll(crdSchemas(stored));
    List<Definition> definitions = Discovery.served(stored)
        .filter(served -> schemas.containsKey(key(served.group(), served.version(), served.kind())))
        .map(served -> new Definition(served, schemas.get(key(served.group(), served.version(), served.kind()))))
        .toList();
    if (path.equals("/openapi/v2")) {
      ObjectNode document = v2(definitions);
      return Optional.of(accept != null && accept.contains("protobuf")
          ? new MockResponse().setResponseCode(200).setHeader("Content-Type", V2_PROTOBUF)
              .setBody(OpenApiProtobuf.document(document))
          : Responses.json(200, document.toString()));
    }
    if (path.equals(V3_ROOT)) {
      return Optional.of(Responses.json(200, v3Root(definitions).toString()));
    }
    String groupVersionPath = path.substring(Math.min(path.length(), V3_ROOT.length() + 1));
    List<Definition> ofGroupVersion = ofGroupVersion(definitions, groupVersionPath);
    return Optional.of(ofGroupVersion.isEmpty() ? Responses.status(404, "no OpenAPI document at " + path)
        : Responses.json(200, v3(ofGroupVersion).toString()));
  }

  /** Swagger 2.0: v3-only keywords dropped, as the API server publishes a CRD's schema in v2. */
  private static ObjectNode v2(List<Definition> definitions) {
    ObjectNode document = JsonNodeFactory.instance.objectNode().put("swagger", "2.0");
    document.putObject("info").put("title", "Kubernetes").put("version", Discovery.GIT_VERSION);
    document.putObject("paths");
    ObjectNode schemas = document.putObject("definitions");
    definitions.forEach(definition -> schemas.set(definition.name(), withoutV3Keywords(definition.schema())));
    return document;
  }

  /** Where each group version's document is; the hash changes with the document, as kubectl's cache expects. */
  private static ObjectNode v3Root(List<Definition> definitions) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    ObjectNode paths = root.putObject("paths");
    definitions.stream().map(Definition::groupVersionPath).distinct().forEach(groupVersionPath -> {
      String hash = HexFormat.of().toHexDigits(v3(ofGroupVersion(definitions, groupVersionPath)).toString().hashCode());
      paths.putObject(groupVersionPath).put("serverRelativeURL", V3_ROOT + "/" + groupVersionPath + "?hash=" + hash);
    });
    return root;
  }

  /**
   * One group version's document: its schemas, and for each kind the paths kubectl explain looks its kind up by (the
   * list's GET) and the object's PATCH. That PATCH declares no {@code fieldValidation} parameter, so kubectl apply
   * validates on the client, against the v2 document, as with an API server older than 1.27.
   */
  private static ObjectNode v3(List<Definition> definitions) {
    ObjectNode document = JsonNodeFactory.instance.objectNode().put("openapi", "3.0.0");
    document.putObject("info").put("title", "Kubernetes").put("version", Discovery.GIT_VERSION);
    ObjectNode paths = document.putObject("paths");
    ObjectNode schemas = document.putObject("components").putObject("schemas");
    definitions.forEach(definition -> {
      Served served = definition.served();
      String prefix = "/" + definition.groupVersionPath();
      paths.putObject(prefix + "/" + served.plural()).putObject("get")
          .set(GROUP_VERSION_KIND, definition.groupVersionKind());
      ObjectNode object = paths.putObject(prefix + (served.namespaced() ? "/namespaces/{namespace}/" : "/")
          + served.plural() + "/{name}");
      object.putObject("get").set(GROUP_VERSION_KIND, definition.groupVersionKind());
      object.putObject("patch").set(GROUP_VERSION_KIND, definition.groupVersionKind());
      schemas.set(definition.name(), definition.schema());
    });
    return document;
  }

  private static List<Definition> ofGroupVersion(List<Definition> definitions, String groupVersionPath) {
    return definitions.stream().filter(definition -> definition.groupVersionPath().equals(groupVersionPath)).toList();
  }

  /** {@code io.k8s.api.core}, {@code io.k8s.api.apps} for Kubernetes' groups, the reversed group for others. */
  private static String namePrefix(String group) {
    if (group.isEmpty()) {
      return "io.k8s.api.core";
    }
    List<String> labels = new ArrayList<>(List.of(group.split("\\.")));
    if (labels.size() == 1 || group.endsWith(".k8s.io")) {
      return "io.k8s.api." + labels.get(0);
    }
    Collections.reverse(labels);
    return String.join(".", labels);
  }

  private static String key(String group, String version, String kind) {
    return group + "/" + version + "/" + kind;
  }

  private static ObjectNode groupVersionKindOf(String group, String version, String kind) {
    return JsonNodeFactory.instance.objectNode().put("group", group).put("kind", kind).put("version", version);
  }

  private static Map<String, ObjectNode> crdSchemas(List<CustomResourceDefinition> crds) {
    Map<String, ObjectNode> schemas = new HashMap<>();
    crds.forEach(crd -> crd.getSpec().getVersions().stream().filter(version -> version.getSchema() != null)
        .forEach(version -> {
          String group = crd.getSpec().getGroup();
          String kind = crd.getSpec().getNames().getKind();
          schemas.put(key(group, version.getName(), kind), completed(group, version.getName(), kind,
              Serialization.jsonMapper().valueToTree(version.getSchema().getOpenAPIV3Schema())));
        }));
    return schemas;
  }

  private static Map<String, ObjectNode> builtInSchemas() {
    Map<String, ObjectNode> schemas = new HashMap<>();
    // The CRD kind's schema is recursive (JSONSchemaProps), which the generator refuses: it is served without one.
    Discovery.builtInTypes().stream().filter(type -> type != CustomResourceDefinition.class).forEach(type -> {
      String group = Optional.ofNullable(HasMetadata.getGroup(type)).orElse("");
      schemas.put(key(group, HasMetadata.getVersion(type), HasMetadata.getKind(type)),
          completed(group, HasMetadata.getVersion(type), HasMetadata.getKind(type),
              Serialization.jsonMapper().valueToTree(JsonSchema.from(type))));
    });
    return schemas;
  }

  /**
   * The kind's schema completed as the API server publishes it: apiVersion, kind and metadata (ObjectMeta, which
   * the generator leaves out and a CRD declares as a bare object) described, and the kind it is named.
   */
  private static ObjectNode completed(String group, String version, String kind, ObjectNode schema) {
    ObjectNode properties = schema.withObject("/properties");
    properties.putObject("apiVersion").put("type", "string")
        .put("description", "The versioned schema of this representation of an object.");
    properties.putObject("kind").put("type", "string").put("description", "The REST resource this object represents.");
    properties.set("metadata", objectMeta().put("description", "Standard object's metadata."));
    schema.put("type", "object");
    schema.putArray(GROUP_VERSION_KIND).add(groupVersionKindOf(group, version, kind));
    return schema;
  }

  private static ObjectNode objectMeta() {
    return Serialization.jsonMapper().<ObjectNode>valueToTree(JsonSchema.from(ObjectMeta.class)).put("type", "object");
  }

  /** A copy without anyOf, oneOf, not (int-or-string's) and nullable, which Swagger 2.0 lacks. */
  private static JsonNode withoutV3Keywords(JsonNode schema) {
    JsonNode copy = schema.deepCopy();
    strip(copy);
    return copy;
  }

  private static void strip(JsonNode schema) {
    if (schema instanceof ObjectNode object) {
      object.remove(List.of("anyOf", "oneOf", "not", "nullable"));
      object.path("properties").forEach(OpenApi::strip);
      strip(object.path("items"));
      strip(object.path("additionalProperties"));
    }
  }
}
