package io.pks.operator.validation;

import java.util.List;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pks.operator.TestPairs;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.model.ClusterNetwork;
import io.pks.operator.model.DesiredObjects;

/**
 * One resource the validator and the CRD must agree on: valid, or refused with the field named.
 * For immutability cases, {@code previous} is the resource as it was before the edit.
 * {@code problem} is a part of the sentence about the field, or null when any sentence will do.
 */
public record SpecCase(String name, ObjectNode resource, ObjectNode previous, String field, String problem) {

  public boolean valid() {
    return field == null;
  }

  @Override
  public String toString() {
    return name;
  }

  /** What the cluster holds before the edit: the previous resource's StatefulSets, or nothing. */
  public AppliedState applied() {
    if (previous == null) {
      return AppliedState.NONE;
    }
    PksReplicaPair pair = TestPairs.fromJson(previous);
    DesiredObjects desired = new DesiredObjects(pair, new ClusterNetwork(ClusterNetwork.DEFAULT_CLUSTER_DOMAIN));
    return AppliedState.of(pair.getSpec().members().stream().map(member -> desired.statefulSet(member, null))
        .toList());
  }

  /** What the validator says of this resource, the sentences the operator and render print. */
  public List<Violation> violations() {
    return SpecValidator.validate(TestPairs.fromJson(resource), applied());
  }

  /** This case with its spec replaced by {@code spec}, a node of any type. */
  SpecCase withSpec(JsonNode spec) {
    ObjectNode json = resource.deepCopy();
    json.set("spec", spec);
    return new SpecCase(name, json, previous, field, problem);
  }

  SpecCase withoutSpec() {
    ObjectNode json = resource.deepCopy();
    json.remove("spec");
    return new SpecCase(name, json, previous, field, problem);
  }

  static SpecCase valid(String name, Consumer<ObjectNode> edit) {
    return new SpecCase(name, edited(edit), null, null, null);
  }

  static SpecCase invalid(String name, Consumer<ObjectNode> edit, String field, String problem) {
    return new SpecCase(name, edited(edit), null, field, problem);
  }

  static SpecCase changed(String name, Consumer<ObjectNode> edit, String field, String problem) {
    return new SpecCase(name, edited(edit), TestPairs.exampleJson(), field, problem);
  }

  /** An update of the example (its objects in place) that is accepted. */
  static SpecCase changedValidly(String name, Consumer<ObjectNode> edit) {
    return new SpecCase(name, edited(edit), TestPairs.exampleJson(), null, null);
  }

  private static ObjectNode edited(Consumer<ObjectNode> edit) {
    ObjectNode json = TestPairs.exampleJson();
    edit.accept(TestPairs.spec(json));
    return json;
  }

  private static ObjectNode path(ObjectNode spec, String name) {
    return (ObjectNode) spec.get(name);
  }

  private static ArrayNode members(ObjectNode spec) {
    return (ArrayNode) spec.get("members");
  }

  /** The valid resources of {@link #all()}: the variety the builders are tested on. */
  public static List<SpecCase> allValid() {
    return all().stream().filter(SpecCase::valid).toList();
  }

  /** The corpus shared by the validator test and the CRD rule test, with each integer at its limits. */
  public static List<SpecCase> all() {
    return java.util.stream.Stream.concat(corpus().stream(), HostileSpecs.atTheLimits().stream()).toList();
  }

  private static List<SpecCase> corpus() {
    return List.of(
        valid("the example", spec -> { }),
        valid("only members and primary", spec -> {
          spec.retain("members", "primary");
          members(spec).forEach(member -> ((ObjectNode) member).retain("name"));
        }),
        valid("SIP pinned to the standby site", spec -> path(spec, "sip").put("active", "site-b")),
        valid("parameter value with quotes and backslashes",
            spec -> path(path(spec, "postgres"), "parameters").put("log_line_prefix", "%m [%p] 'q' \\ ")),
        valid("extension parameter with a dot",
            spec -> path(path(spec, "postgres"), "parameters").put("pg_stat_statements.max", "5000")),
        valid("allowed CIDRs v4 and v6", spec -> path(spec, "replication").putArray("allowedCidrs")
            .add("10.0.3.0/24").add("fd00::/8")),
        valid("asynchronous, manual failover", spec -> {
          path(spec, "replication").put("synchronous", "Off");
          path(spec, "failover").put("mode", "Manual");
        }),
        valid("a real archive command", spec -> path(spec, "replication").put("archiveCommand",
            "test ! -f /archive/%f && cp %p /archive/%f")),
        valid("delete policy and a storage class", spec -> {
          spec.put("deletionPolicy", "Delete");
          path(path(spec, "postgres"), "storage").put("storageClassName", "fast-ssd");
        }),
        valid("a network policy for the applications", spec -> spec.putObject("networkPolicy")
            .put("enabled", true).put("operatorNamespace", "pks-system")
            .putObject("applicationSelector").put("app.kubernetes.io/part-of", "pks")),
        valid("pods fitted to the cluster", spec -> spec.putObject("pods")
            .put("priorityClassName", "telephony-critical").put("platformAssignsUser", true)
            .<ObjectNode>set("imagePullSecrets", spec.arrayNode().add("regcred"))
            .<ObjectNode>set("topologySpreadConstraints", spec.arrayNode().add(spec.objectNode()
                .put("topologyKey", "topology.kubernetes.io/zone").put("maxSkew", 1)
                .put("whenUnsatisfiable", "ScheduleAnyway")))
            .putObject("inheritedMetadata").<ObjectNode>set("labels", spec.objectNode().put("team", "voice"))
            .set("annotations", spec.objectNode().put("example.com/owner", "voice team; call 555-0100"))),
        valid("replication over TLS", spec -> path(spec, "replication").putObject("tls")
            .put("certificateSecret", "pks-db-tls")),
        valid("backups to an object store, restored from another pair's", spec -> {
          spec.putObject("backup").put("schedule", "0 2 * * *").put("retention", "7d").putObject("objectStore")
              .put("endpoint", "https://s3.example.com").put("bucket", "pks-backups").put("path", "telephony/pks")
              .put("credentialsSecret", "pks-s3").put("caSecret", "pks-s3-ca");
          spec.putObject("bootstrap").putObject("recovery").put("source", "old-pks")
              .put("targetTime", "2026-11-30T10:00:00Z").putObject("objectStore")
              .put("endpoint", "https://s3.example.com:9000").put("bucket", "pks-backups").put("path", "telephony/old")
              .put("credentialsSecret", "pks-s3-read").put("caSecret", "pks-s3-ca");
        }),
        valid("backups at the bucket's root, an empty path", spec -> spec.putObject("backup").putObject("objectStore")
            .put("endpoint", "https://s3.example.com").put("bucket", "pks-backups").put("path", "")
            .put("credentialsSecret", "pks-s3")),
        valid("backups under a prefix that starts with a dash", spec -> spec.putObject("backup")
            .putObject("objectStore").put("endpoint", "https://s3.example.com:9000/").put("bucket", "pks.backups")
            .put("path", "-h/x.y").put("region", "eu-west-3").put("credentialsSecret", "pks-s3")),
        changedValidly("storage grown by a byte, in another unit", spec -> path(spec, "postgres").with("storage")
            .put("size", "21474836481")),
        valid("user-supplied secrets", spec -> {
          path(spec, "postgres").put("superuserSecret", "pks-db-admin");
          path(spec, "replication").put("passwordSecret", "pks-db-replication");
        }),
        invalid("one member", spec -> members(spec).remove(1),
            "spec.members", "must list exactly two sites"),
        invalid("three members", spec -> members(spec).addObject().put("name", "site-c"),
            "spec.members", "must list exactly two sites"),
        invalid("duplicate member names", spec -> ((ObjectNode) members(spec).get(1)).put("name", "site-a"),
            "spec.members[1].name", "must differ"),
        invalid("member name in capitals", spec -> {
          ((ObjectNode) members(spec).get(0)).put("name", "Site-A");
          spec.put("primary", "site-b");
        }, "spec.members[0].name", "DNS label"),
        invalid("member name too long", spec -> {
          ((ObjectNode) members(spec).get(1)).put("name", "site-b-far-away-1");
        }, "spec.members[1].name", "at most 15"),
        invalid("no primary", spec -> spec.remove("primary"), "spec.primary", "is required"),
        invalid("primary names no member", spec -> spec.put("primary", "site-c"),
            "spec.primary", "must name one of spec.members"),
        invalid("SIP active names no member", spec -> path(spec, "sip").put("active", "site-c"),
            "spec.sip.active", "FollowPrimary or name one of spec.members"),
        invalid("operator-owned parameter", spec -> path(path(spec, "postgres"), "parameters")
            .put("synchronous_standby_names", "*"),
            "spec.postgres.parameters.synchronous_standby_names", "set by the operator"),
        invalid("operator-owned parameter family", spec -> path(path(spec, "postgres"), "parameters")
            .put("ssl_cert_file", "/tmp/x"),
            "spec.postgres.parameters.ssl_cert_file", "set by the operator"),
        invalid("parameter value with a newline", spec -> path(path(spec, "postgres"), "parameters")
            .put("work_mem", "4MB\narchive_command = 'rm -rf /'"),
            "spec.postgres.parameters.work_mem", "single line"),
        invalid("parameter name with a space", spec -> path(path(spec, "postgres"), "parameters")
            .put("work mem", "4MB"),
            "spec.postgres.parameters", "not a PostgreSQL setting name"),
        invalid("port zero", spec -> path(spec, "postgres").put("port", 0),
            "spec.postgres.port", "between 1 and 65535"),
        invalid("replication user with a dash", spec -> path(spec, "replication").put("user", "rep-user"),
            "spec.replication.user", "SQL identifier"),
        invalid("replication user is the superuser", spec -> path(spec, "replication").put("user", "postgres"),
            "spec.replication.user", "must not be the superuser"),
        invalid("connection limit of one", spec -> path(spec, "replication").put("connectionLimit", 1),
            "spec.replication.connectionLimit", "between 3 and 1000"),
        invalid("the runbook's wal_keep_size = 16", spec -> path(spec, "replication").put("walKeepSize", "16"),
            "spec.replication.walKeepSize", "size with a unit"),
        invalid("two WAL senders", spec -> path(spec, "replication").put("maxWalSenders", 2),
            "spec.replication.maxWalSenders", "between 4 and 1000"),
        invalid("archive command on two lines", spec -> path(spec, "replication")
            .put("archiveCommand", "/bin/date\n/bin/true"),
            "spec.replication.archiveCommand", "single line"),
        invalid("CIDR that is a word", spec -> path(spec, "replication").putArray("allowedCidrs").add("everyone"),
            "spec.replication.allowedCidrs[0]", "CIDR notation"),
        invalid("failover after zero seconds", spec -> path(spec, "failover").put("primaryUnavailableSeconds", 0),
            "spec.failover.primaryUnavailableSeconds", "between 1 and 3600"),
        invalid("SIP selector value with a space", spec -> path(path(spec, "sip"), "podSelector")
            .put("app.kubernetes.io/name", "pks sip"),
            "spec.sip.podSelector.app.kubernetes.io/name", "label value"),
        invalid("secret name with capitals", spec -> path(spec, "postgres").put("superuserSecret", "My_Secret"),
            "spec.postgres.superuserSecret", "object name"),
        invalid("storage size in words", spec -> path(path(spec, "postgres"), "storage").put("size", "ten"),
            "spec.postgres.storage.size", "Kubernetes quantity"),
        invalid("duplicate SIP port names", spec -> ((ObjectNode) path(path(spec, "sip"), "service")
            .withArray("ports").get(1)).put("name", "sip-udp"),
            "spec.sip.service.ports[1].name", "must be unique"),
        changed("a member renamed", spec -> {
          ((ObjectNode) members(spec).get(1)).put("name", "site-c");
        }, "spec.members", "immutable"),
        changed("storage class changed", spec -> path(path(spec, "postgres"), "storage")
            .put("storageClassName", "slow-hdd"),
            "spec.postgres.storage.storageClassName", "immutable"));
  }
}
