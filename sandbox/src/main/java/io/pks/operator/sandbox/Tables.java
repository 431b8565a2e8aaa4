package io.pks.operator.sandbox;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;

/**
 * The {@code meta.k8s.io/v1} Table that {@code kubectl get} asks for and prints as it comes. Like the real API
 * server: a custom resource gets NAME then its CRD's additionalPrinterColumns (NAME and AGE when it declares none);
 * pods get NAME, READY, STATUS, RESTARTS, AGE, and IP and NODE with {@code -o wide}; events LAST SEEN, TYPE, REASON,
 * OBJECT, MESSAGE; nodes NAME, STATUS, ROLES, AGE, VERSION; other kinds NAME and AGE.
 */
final class Tables {
  private Tables() {
  }

  /** A column's definition and how an object gives its cell. */
  private record Column(String name, String type, String format, int priority, Function<JsonNode, JsonNode> cell) {
  }

  private static final String NODE_ROLE = "node-role.kubernetes.io/";
  private static final Column NAME = new Column("Name", "string", "name", 0, object -> object.at("/metadata/name"));

  /**
   * The Table for {@code stored}, a single object or a list as the store returned it; {@code includeObject} is the
   * request's parameter ({@code None}, {@code Object}, or by default {@code Metadata}).
   */
  static ObjectNode table(ResourcePath path, JsonNode stored, List<CustomResourceDefinition> crds,
      String includeObject, Instant now) {
    List<Column> columns = columns(path, crds, now);
    ObjectNode table = JsonNodeFactory.instance.objectNode().put("kind", "Table").put("apiVersion", "meta.k8s.io/v1");
    table.putObject("metadata").put("resourceVersion", stored.at("/metadata/resourceVersion").asText(""));
    ArrayNode definitions = table.putArray("columnDefinitions");
    columns.forEach(column -> definitions.addObject().put("name", column.name()).put("type", column.type())
        .put("format", column.format()).put("description", "").put("priority", column.priority()));
    ArrayNode rows = table.putArray("rows");
    for (JsonNode object : stored.has("items") ? stored.get("items") : List.of(stored)) {
      ObjectNode row = rows.addObject();
      ArrayNode cells = row.putArray("cells");
      columns.forEach(column -> cells.add(column.cell().apply(object)));
      // kubectl reads the row's object for --show-labels, the NAMESPACE of -A and --sort-by (which asks for Object).
      switch (includeObject) {
        case "None" -> { }
        case "Object" -> row.set("object", object);
        default -> row.putObject("object").put("kind", "PartialObjectMetadata").put("apiVersion", "meta.k8s.io/v1")
            .set("metadata", object.path("metadata"));
      }
    }
    return table;
  }

  /** What kubectl shows as AGE, in the API server's format: 45s, 3m20s, 25m, 2h5m, 30h, 3d4h, 12d. */
  static String humanDuration(Duration age) {
    long seconds = age.toSeconds();
    if (seconds < -1) {
      return "<invalid>";
    }
    if (seconds < 2 * 60) {
      // A second in the future is clock skew, shown as now.
      return Math.max(seconds, 0) + "s";
    }
    long minutes = seconds / 60;
    long hours = minutes / 60;
    if (minutes < 10) {
      return units(minutes, "m", seconds % 60, "s");
    }
    if (minutes < 3 * 60) {
      return minutes + "m";
    }
    if (hours < 8) {
      return units(hours, "h", minutes % 60, "m");
    }
    if (hours < 48) {
      return hours + "h";
    }
    return hours < 8 * 24 ? units(hours / 24, "d", hours % 24, "h") : hours / 24 + "d";
  }

  private static String units(long major, String majorUnit, long minor, String minorUnit) {
    return minor == 0 ? major + majorUnit : major + majorUnit + minor + minorUnit;
  }

  private static List<Column> columns(ResourcePath path, List<CustomResourceDefinition> crds, Instant now) {
    Column age = new Column("Age", "date", "", 0, object -> cell("date", object.at("/metadata/creationTimestamp"), now));
    if (path.group().isEmpty() && path.plural().equals("pods")) {
      return podColumns(age);
    }
    if (path.group().isEmpty() && path.plural().equals("events")) {
      return eventColumns(now);
    }
    if (path.group().isEmpty() && path.plural().equals("nodes")) {
      return nodeColumns(age);
    }
    List<Column> printerColumns = crds.stream()
        .filter(crd -> crd.getSpec().getGroup().equals(path.group())
            && crd.getSpec().getNames().getPlural().equals(path.plural()))
        .flatMap(crd -> crd.getSpec().getVersions().stream())
        .filter(version -> version.getName().equals(path.version()))
        .flatMap(version -> Optional.ofNullable(version.getAdditionalPrinterColumns()).orElse(List.of()).stream())
        .map(column -> printerColumn(column, now))
        .toList();
    return Stream.concat(Stream.of(NAME), printerColumns.isEmpty() ? Stream.of(age) : printerColumns.stream()).toList();
  }

  /** A CRD column; its JSONPath is a simple one ({@code .status.phase}, {@code .spec.members[0].name}). */
  private static Column printerColumn(CustomResourceColumnDefinition column, Instant now) {
    JsonPointer pointer =
        JsonPointer.compile(column.getJsonPath().replace("[", ".").replace("]", "").replace('.', '/'));
    return new Column(column.getName(), column.getType(), Optional.ofNullable(column.getFormat()).orElse(""),
        Optional.ofNullable(column.getPriority()).orElse(0), object -> cell(column.getType(), object.at(pointer), now));
  }

  /** A cell of the column's type, null (printed empty) when the object lacks the value or it has another type. */
  private static JsonNode cell(String type, JsonNode value, Instant now) {
    if (value.isMissingNode() || value.isNull()) {
      return NullNode.instance;
    }
    return switch (type) {
      case "integer" -> value.isNumber() ? LongNode.valueOf(value.asLong()) : NullNode.instance;
      case "number" -> value.isNumber() ? DoubleNode.valueOf(value.asDouble()) : NullNode.instance;
      case "boolean" -> value.isBoolean() ? value : NullNode.instance;
      case "date" -> value.isTextual() ? TextNode.valueOf(age(value.asText(), now)) : NullNode.instance;
      default -> TextNode.valueOf(value.isValueNode() ? value.asText() : value.toString());
    };
  }

  private static String age(String timestamp, Instant now) {
    try {
      return humanDuration(Duration.between(OffsetDateTime.parse(timestamp).toInstant(), now));
    } catch (DateTimeParseException e) {
      return "<invalid>";
    }
  }

  private static List<Column> podColumns(Column age) {
    return List.of(NAME,
        new Column("Ready", "string", "", 0, pod -> TextNode.valueOf(
            sumOverContainers(pod, container -> container.path("ready").asBoolean() ? 1 : 0) + "/"
                + pod.at("/spec/containers").size())),
        new Column("Status", "string", "", 0, pod -> TextNode.valueOf(podStatus(pod))),
        new Column("Restarts", "integer", "", 0, pod -> LongNode.valueOf(
            sumOverContainers(pod, container -> container.path("restartCount").asLong()))),
        age,
        new Column("IP", "string", "", 1, pod -> TextNode.valueOf(pod.at("/status/podIP").asText("<none>"))),
        new Column("Node", "string", "", 1, pod -> TextNode.valueOf(pod.at("/spec/nodeName").asText("<none>"))));
  }

  /** What {@code kubectl get nodes} shows: cordoned shows as {@code Ready,SchedulingDisabled}. */
  private static List<Column> nodeColumns(Column age) {
    return List.of(NAME,
        new Column("Status", "string", "", 0, node -> TextNode.valueOf(nodeStatus(node))),
        new Column("Roles", "string", "", 0, node -> TextNode.valueOf(nodeRoles(node))),
        age,
        new Column("Version", "string", "", 0, node -> TextNode.valueOf(node.at("/status/nodeInfo/kubeletVersion")
            .asText(""))));
  }

  private static String nodeStatus(JsonNode node) {
    String ready = "Unknown";
    for (JsonNode condition : node.at("/status/conditions")) {
      if (condition.path("type").asText().equals("Ready")) {
        ready = condition.path("status").asText().equals("True") ? "Ready" : "NotReady";
      }
    }
    return node.at("/spec/unschedulable").asBoolean() ? ready + ",SchedulingDisabled" : ready;
  }

  /** The roles a node's {@code node-role.kubernetes.io/<role>} labels give it. */
  private static String nodeRoles(JsonNode node) {
    List<String> roles = new ArrayList<>();
    node.at("/metadata/labels").fieldNames().forEachRemaining(label -> {
      if (label.startsWith(NODE_ROLE)) {
        roles.add(label.substring(NODE_ROLE.length()));
      }
    });
    return roles.isEmpty() ? "<none>" : String.join(",", roles);
  }

  /** What {@code kubectl get events} shows: the sandbox's lifecycle is read there. */
  private static List<Column> eventColumns(Instant now) {
    return List.of(
        new Column("Last Seen", "string", "", 0, event -> cell("date", Stream.of("/lastTimestamp", "/eventTime",
            "/metadata/creationTimestamp").map(event::at).filter(JsonNode::isTextual).findFirst()
            .orElse(NullNode.instance), now)),
        new Column("Type", "string", "", 0, event -> cell("string", event.path("type"), now)),
        new Column("Reason", "string", "", 0, event -> cell("string", event.path("reason"), now)),
        new Column("Object", "string", "", 0, event -> TextNode.valueOf(
            event.at("/involvedObject/kind").asText().toLowerCase() + "/" + event.at("/involvedObject/name").asText())),
        new Column("Message", "string", "", 0, event -> cell("string", event.path("message"), now)),
        new Column(NAME.name(), NAME.type(), NAME.format(), 1, NAME.cell()));
  }

  /** The sum of a number over the pod's container statuses. */
  private static long sumOverContainers(JsonNode pod, ToLongFunction<JsonNode> number) {
    long sum = 0;
    for (JsonNode container : pod.at("/status/containerStatuses")) {
      sum += number.applyAsLong(container);
    }
    return sum;
  }

  /** kubectl's STATUS: the phase, or the pod's reason, or a container's waiting or terminated reason. */
  private static String podStatus(JsonNode pod) {
    if (pod.at("/metadata/deletionTimestamp").isTextual()) {
      return "Terminating";
    }
    String status = pod.at("/status/reason").asText(pod.at("/status/phase").asText("Pending"));
    for (JsonNode container : pod.at("/status/containerStatuses")) {
      JsonNode state = container.path("state");
      status = state.at("/waiting/reason").asText(state.at("/terminated/reason").asText(status));
    }
    return status;
  }
}
