package io.pks.operator.validation;

import java.math.BigInteger;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.pks.operator.api.v1alpha1.FailoverSpec;
import io.pks.operator.api.v1alpha1.InheritedMetadata;
import io.pks.operator.api.v1alpha1.Member;
import io.pks.operator.api.v1alpha1.NetworkPolicySpec;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.api.v1alpha1.PksReplicaPairSpec;
import io.pks.operator.api.v1alpha1.PodsSpec;
import io.pks.operator.api.v1alpha1.PostgresSpec;
import io.pks.operator.api.v1alpha1.ReplicationSpec;
import io.pks.operator.api.v1alpha1.SipPort;
import io.pks.operator.api.v1alpha1.SipSpec;
import io.pks.operator.api.v1alpha1.SpecRules;
import io.pks.operator.model.Secrets;

/**
 * The operator's enforcement of the spec rules. The CRD carries the same rules for the API server,
 * but not every API server enforces CEL and a bad value must never reach PostgreSQL, a script or a
 * deletion: this runs before anything is created or changed. It never throws on input.
 */
public final class SpecValidator {
  private SpecValidator() {
  }

  private static final Pattern DNS_LABEL = Pattern.compile(SpecRules.DNS_LABEL);
  private static final Pattern DNS_SUBDOMAIN = Pattern.compile(SpecRules.DNS_SUBDOMAIN);
  private static final Pattern SQL_IDENTIFIER = Pattern.compile(SpecRules.SQL_IDENTIFIER);
  private static final Pattern QUANTITY = Pattern.compile(SpecRules.QUANTITY);
  private static final Pattern RESOURCE_QUANTITY = Pattern.compile(SpecRules.RESOURCE_QUANTITY);
  private static final Pattern PG_SIZE = Pattern.compile(SpecRules.PG_SIZE);
  private static final Pattern PG_SIZE_OR_UNLIMITED = Pattern.compile(SpecRules.PG_SIZE_OR_UNLIMITED);
  private static final Pattern PARAMETER_NAME = Pattern.compile(SpecRules.PARAMETER_NAME);
  private static final Pattern LABEL_KEY = Pattern.compile(SpecRules.LABEL_KEY);
  private static final Pattern LABEL_VALUE = Pattern.compile(SpecRules.LABEL_VALUE);
  private static final Pattern IMAGE = Pattern.compile(SpecRules.IMAGE);
  private static final Pattern CIDR = Pattern.compile(SpecRules.CIDR);
  private static final Pattern CONTROL_CHARACTER = Pattern.compile(SpecRules.CONTROL_CHARACTER);
  private static final Pattern PROTOCOL = Pattern.compile(SpecRules.PROTOCOL);
  private static final Pattern SERVICE_TYPE = Pattern.compile(SpecRules.SERVICE_TYPE);
  private static final Pattern NOT_BLANK = Pattern.compile("\\S");

  public static List<Violation> validate(PksReplicaPair pair, AppliedState applied) {
    List<Violation> violations = new ArrayList<>();
    String name = pair.getMetadata() == null ? null : pair.getMetadata().getName();
    if (name == null || !DNS_LABEL.matcher(name).matches() || name.length() > SpecRules.MAX_PAIR_NAME) {
      violations.add(new Violation("metadata.name", "must be a lowercase DNS label of at most "
          + SpecRules.MAX_PAIR_NAME + " characters, because it prefixes every object of the pair"));
    }
    PksReplicaPairSpec spec = pair.getSpec();
    if (spec == null) {
      violations.add(pair.unreadableSpec()
          .map(unreadable -> ReadErrors.violation(unreadable.error(), "spec", unreadable.asWritten()))
          .orElse(new Violation("spec", "is required")));
      return violations;
    }
    List<String> memberNames = members(spec, violations);
    primary(spec, memberNames, violations);
    postgres(spec.postgres(), violations);
    replication(spec.replication(), violations);
    failover(spec.failover(), violations);
    sip(spec.sip(), memberNames, violations);
    networkPolicy(spec.networkPolicy(), violations);
    pods(spec.pods(), violations);
    BackupValidation.validate(name, spec, violations);
    immutable(spec, applied, violations);
    return violations;
  }

  private static List<String> members(PksReplicaPairSpec spec, List<Violation> violations) {
    List<Member> members = spec.members();
    if (members.size() != 2) {
      violations.add(new Violation("spec.members", "must list exactly two sites, found " + members.size()));
    }
    List<String> names = new ArrayList<>();
    for (int i = 0; i < members.size(); i++) {
      String field = "spec.members[" + i + "]";
      Member member = members.get(i);
      if (member == null) {
        violations.add(new Violation(field, "must be an object with a name"));
        continue;
      }
      if (member.name() == null || member.name().isEmpty()) {
        violations.add(new Violation(field + ".name", "is required"));
      } else if (!DNS_LABEL.matcher(member.name()).matches()
          || member.name().length() > SpecRules.MAX_MEMBER_NAME) {
        violations.add(new Violation(field + ".name", "must be a lowercase DNS label of at most "
            + SpecRules.MAX_MEMBER_NAME + " characters (letters, digits, '-'), got " + quoted(member.name())));
      } else if (names.contains(member.name())) {
        violations.add(new Violation(field + ".name", "must differ from the other member's name "
            + quoted(member.name())));
      } else {
        names.add(member.name());
      }
      labels(field + ".nodeSelector", member.nodeSelector(), violations);
      atMost(field + ".tolerations", member.tolerations().size(), SpecRules.MAX_TOLERATIONS, violations);
      tolerations(field + ".tolerations", member.tolerations(), violations);
      if (member.affinity() != null) {
        unknownFields(field + ".affinity", member.affinity().getAdditionalProperties(), violations);
      }
    }
    return names;
  }

  private static void tolerations(String field, List<Toleration> tolerations, List<Violation> violations) {
    for (int i = 0; i < tolerations.size(); i++) {
      Toleration toleration = tolerations.get(i);
      String item = field + "[" + i + "]";
      if (toleration == null) {
        violations.add(new Violation(item, "must be an object"));
        continue;
      }
      unknownFields(item, toleration.getAdditionalProperties(), violations);
      if (toleration.getOperator() != null && !SpecRules.TOLERATION_OPERATORS.contains(toleration.getOperator())) {
        violations.add(new Violation(item + ".operator", "must be Exists or Equal, got "
            + quoted(toleration.getOperator())));
      }
      if (toleration.getEffect() != null && !SpecRules.TOLERATION_EFFECTS.contains(toleration.getEffect())) {
        violations.add(new Violation(item + ".effect", "must be NoSchedule, PreferNoSchedule or NoExecute, got "
            + quoted(toleration.getEffect())));
      }
      if (toleration.getKey() != null && !toleration.getKey().isEmpty()
          && !isLabelKey(toleration.getKey())) {
        violations.add(new Violation(item + ".key", "must be a label key, got " + quoted(toleration.getKey())));
      }
      if (toleration.getValue() != null) {
        atMost(item + ".value", toleration.getValue().length(), SpecRules.MAX_LABEL_VALUE, violations);
      }
    }
  }

  private static void primary(PksReplicaPairSpec spec, List<String> memberNames, List<Violation> violations) {
    if (spec.primary() == null || spec.primary().isEmpty()) {
      violations.add(new Violation("spec.primary", "is required: the name of the member to run as primary"));
    } else if (!memberNames.contains(spec.primary())) {
      violations.add(new Violation("spec.primary", "must name one of spec.members " + memberNames
          + ", got " + quoted(spec.primary())));
    }
  }

  private static void postgres(PostgresSpec postgres, List<Violation> violations) {
    if (!IMAGE.matcher(postgres.image()).matches()) {
      violations.add(new Violation("spec.postgres.image", "must be a container image reference, got "
          + quoted(postgres.image())));
    }
    range("spec.postgres.port", postgres.port(), SpecRules.MIN_PORT, SpecRules.MAX_PORT, violations);
    if (!QUANTITY.matcher(postgres.storage().size()).matches() || isZero(postgres.storage().size())) {
      violations.add(new Violation("spec.postgres.storage.size", "must be a positive Kubernetes quantity"
          + " such as 10Gi, got " + quoted(postgres.storage().size())));
    }
    resources(postgres.resources(), violations);
    atMost("spec.postgres.parameters", postgres.parameters().size(), SpecRules.MAX_PARAMETERS, violations);
    subdomain("spec.postgres.storage.storageClassName", postgres.storage().storageClassName(), violations);
    subdomain("spec.postgres.superuserSecret", postgres.superuserSecret(), violations);
    for (Map.Entry<String, String> parameter : postgres.parameters().entrySet()) {
      String field = "spec.postgres.parameters." + parameter.getKey();
      if (!PARAMETER_NAME.matcher(parameter.getKey()).matches()) {
        violations.add(new Violation("spec.postgres.parameters", "setting name " + quoted(parameter.getKey())
            + " is not a PostgreSQL setting name (lowercase letters, digits, '_', one optional '.')"));
      } else if (SpecRules.isOwnedParameter(parameter.getKey())) {
        violations.add(new Violation(field, "is set by the operator and cannot be overridden"));
      } else if (!SpecRules.isKnownParameter(parameter.getKey())) {
        violations.add(new Violation("spec.postgres.parameters", "setting name " + quoted(parameter.getKey())
            + " is not a PostgreSQL setting, and PostgreSQL would not start with it (a setting of an"
            + " extension has a dot, such as pg_stat_statements.max)"));
      } else {
        singleLine(field, parameter.getValue(), true, violations);
      }
    }
  }

  /** What the API server would refuse in the StatefulSet, refused here, before anything changes. */
  private static void resources(ResourceRequirements resources, List<Violation> violations) {
    if (resources == null) {
      return;
    }
    String field = "spec.postgres.resources";
    unknownFields(field, resources.getAdditionalProperties(), violations);
    if (!resources.getClaims().isEmpty()) {
      violations.add(new Violation(field + ".claims", "is not supported"));
    }
    boolean readable = quantities(field + ".requests", resources.getRequests(), violations)
        & quantities(field + ".limits", resources.getLimits(), violations);
    if (readable) {
      resources.getRequests().forEach((name, request) -> {
        Quantity limit = resources.getLimits().get(name);
        if (limit != null && request.getNumericalAmount().compareTo(limit.getNumericalAmount()) > 0) {
          violations.add(new Violation(field + ".requests." + name, "must not exceed the limit " + limit
              + ", got " + request));
        }
      });
    }
  }

  /** True when every quantity is well formed. */
  private static boolean quantities(String field, Map<String, Quantity> quantities, List<Violation> violations) {
    int before = violations.size();
    atMost(field, quantities.size(), SpecRules.MAX_RESOURCES, violations);
    quantities.forEach((name, quantity) -> {
      if (!isLabelKey(name)) {
        violations.add(new Violation(field, "resource name " + quoted(name) + " is not a resource name"));
      } else if (quantity == null || !RESOURCE_QUANTITY.matcher(quantity.toString()).matches()) {
        violations.add(new Violation(field + "." + name, "must be a quantity such as 500m or 1Gi, got "
            + (quantity == null ? "nothing" : quoted(quantity.toString()))));
      }
    });
    return violations.size() == before;
  }

  /** Fields Fabric8's model types keep aside because they do not know them, such as a misspelt one. */
  private static void unknownFields(String field, Map<String, Object> unknown, List<Violation> violations) {
    unknown.keySet().stream().sorted().forEach(name ->
        violations.add(new Violation(field + "." + name, "is not a field of " + field)));
  }

  private static void replication(ReplicationSpec replication, List<Violation> violations) {
    if (!SQL_IDENTIFIER.matcher(replication.user()).matches() || replication.user().startsWith("pg_")) {
      violations.add(new Violation("spec.replication.user", "must be a lowercase SQL identifier"
          + " (letters, digits, '_'; not starting with pg_), got " + quoted(replication.user())));
    } else if (replication.user().equals(Secrets.DEFAULT_SUPERUSER)) {
      violations.add(new Violation("spec.replication.user", "must not be the superuser"));
    }
    range("spec.replication.connectionLimit", replication.connectionLimit(),
        SpecRules.MIN_CONNECTION_LIMIT, SpecRules.MAX_CONNECTION_LIMIT, violations);
    subdomain("spec.replication.passwordSecret", replication.passwordSecret(), violations);
    if (replication.tls() != null) {
      if (replication.tls().certificateSecret() == null) {
        violations.add(new Violation("spec.replication.tls.certificateSecret", "is required: the name of a"
            + " kubernetes.io/tls Secret"));
      }
      subdomain("spec.replication.tls.certificateSecret", replication.tls().certificateSecret(), violations);
    }
    if (!PG_SIZE.matcher(replication.walKeepSize()).matches()) {
      violations.add(new Violation("spec.replication.walKeepSize", "must be a size with a unit such as"
          + " 1GB (kB, MB, GB, TB), got " + quoted(replication.walKeepSize())));
    }
    if (!PG_SIZE_OR_UNLIMITED.matcher(replication.maxSlotWalKeepSize()).matches()) {
      violations.add(new Violation("spec.replication.maxSlotWalKeepSize", "must be -1 or a size with a"
          + " unit such as 10GB (kB, MB, GB, TB), got " + quoted(replication.maxSlotWalKeepSize())));
    }
    range("spec.replication.maxWalSenders", replication.maxWalSenders(), SpecRules.MIN_WAL_SENDERS,
        SpecRules.MAX_WAL_SENDERS, violations);
    if (replication.archiveCommand() != null) {
      singleLine("spec.replication.archiveCommand", replication.archiveCommand(), false, violations);
    }
    List<String> cidrs = replication.allowedCidrs();
    atMost("spec.replication.allowedCidrs", cidrs.size(), SpecRules.MAX_ALLOWED_CIDRS, violations);
    for (int i = 0; i < cidrs.size(); i++) {
      if (!isCidr(cidrs.get(i))) {
        violations.add(new Violation("spec.replication.allowedCidrs[" + i + "]",
            "must be an IPv4 or IPv6 network in CIDR notation such as 10.0.3.0/24, got " + quoted(cidrs.get(i))));
      }
    }
  }

  private static void failover(FailoverSpec failover, List<Violation> violations) {
    range("spec.failover.primaryUnavailableSeconds", failover.primaryUnavailableSeconds(),
        SpecRules.MIN_UNAVAILABLE_SECONDS, SpecRules.MAX_UNAVAILABLE_SECONDS, violations);
    range("spec.failover.standbyUnavailableSeconds", failover.standbyUnavailableSeconds(),
        SpecRules.MIN_UNAVAILABLE_SECONDS, SpecRules.MAX_UNAVAILABLE_SECONDS, violations);
    range("spec.failover.crashRecoverySeconds", failover.crashRecoverySeconds(),
        SpecRules.MIN_CRASH_RECOVERY_SECONDS, SpecRules.MAX_CRASH_RECOVERY_SECONDS, violations);
    range("spec.failover.isolationStopSeconds", failover.isolationStopSeconds(),
        SpecRules.MIN_ISOLATION_STOP_SECONDS, SpecRules.MAX_ISOLATION_STOP_SECONDS, violations);
  }

  private static void sip(SipSpec sip, List<String> memberNames, List<Violation> violations) {
    labels("spec.sip.podSelector", sip.podSelector(), violations);
    if (!isLabelKey(sip.siteLabel())) {
      violations.add(new Violation("spec.sip.siteLabel", "must be a label key, got " + quoted(sip.siteLabel())));
    }
    if (!sip.followsPrimary() && !memberNames.contains(sip.active())) {
      violations.add(new Violation("spec.sip.active", "must be " + SipSpec.FOLLOW_PRIMARY
          + " or name one of spec.members " + memberNames + ", got " + quoted(sip.active())));
    }
    String type = sip.service().type();
    if (!SERVICE_TYPE.matcher(type).matches()) {
      violations.add(new Violation("spec.sip.service.type", "must be ClusterIP, NodePort or LoadBalancer,"
          + " got " + quoted(type)));
    }
    List<SipPort> ports = sip.service().ports();
    atMost("spec.sip.service.ports", ports.size(), SpecRules.MAX_SIP_PORTS, violations);
    Set<String> portNames = new HashSet<>();
    for (int i = 0; i < ports.size(); i++) {
      String field = "spec.sip.service.ports[" + i + "]";
      SipPort port = ports.get(i);
      if (port == null) {
        violations.add(new Violation(field, "must be an object with name and port"));
        continue;
      }
      if (port.name() == null || !DNS_LABEL.matcher(port.name()).matches()
          || port.name().length() > SpecRules.MAX_PORT_NAME) {
        violations.add(new Violation(field + ".name", "must be a lowercase DNS label of at most "
            + SpecRules.MAX_PORT_NAME + " characters, got " + quoted(port.name())));
      } else if (!portNames.add(port.name())) {
        violations.add(new Violation(field + ".name", "must be unique, " + quoted(port.name())
            + " is used twice"));
      }
      if (port.port() == null) {
        violations.add(new Violation(field + ".port", "is required"));
      } else {
        range(field + ".port", port.port(), SpecRules.MIN_PORT, SpecRules.MAX_PORT, violations);
      }
      if (!PROTOCOL.matcher(port.protocol()).matches()) {
        violations.add(new Violation(field + ".protocol", "must be UDP, TCP or SCTP, got "
            + quoted(port.protocol())));
      }
    }
  }

  private static void networkPolicy(NetworkPolicySpec policy, List<Violation> violations) {
    labels("spec.networkPolicy.applicationSelector", policy.applicationSelector(), violations);
    labels("spec.networkPolicy.operatorSelector", policy.operatorSelector(), violations);
    String namespace = policy.operatorNamespace();
    if (namespace != null && (!DNS_LABEL.matcher(namespace).matches() || namespace.length() > SpecRules.MAX_NAMESPACE)) {
      violations.add(new Violation("spec.networkPolicy.operatorNamespace", "must be a namespace name (a lowercase"
          + " DNS label of at most " + SpecRules.MAX_NAMESPACE + " characters), got " + quoted(namespace)));
    }
  }

  private static void pods(PodsSpec pods, List<Violation> violations) {
    List<String> pullSecrets = pods.imagePullSecrets();
    atMost("spec.pods.imagePullSecrets", pullSecrets.size(), SpecRules.MAX_IMAGE_PULL_SECRETS, violations);
    for (int i = 0; i < pullSecrets.size(); i++) {
      String field = "spec.pods.imagePullSecrets[" + i + "]";
      if (pullSecrets.get(i) == null) {
        violations.add(new Violation(field, "must be a Secret name"));
      } else {
        subdomain(field, pullSecrets.get(i), violations);
      }
    }
    subdomain("spec.pods.priorityClassName", pods.priorityClassName(), violations);
    List<TopologySpreadConstraint> spread = pods.topologySpreadConstraints();
    atMost("spec.pods.topologySpreadConstraints", spread.size(), SpecRules.MAX_TOPOLOGY_SPREAD_CONSTRAINTS,
        violations);
    for (int i = 0; i < spread.size(); i++) {
      String field = "spec.pods.topologySpreadConstraints[" + i + "]";
      if (spread.get(i) == null) {
        violations.add(new Violation(field, "must be an object"));
      } else {
        unknownFields(field, spread.get(i).getAdditionalProperties(), violations);
      }
    }
    InheritedMetadata inherited = pods.inheritedMetadata();
    labels("spec.pods.inheritedMetadata.labels", inherited.labels(), violations);
    String annotations = "spec.pods.inheritedMetadata.annotations";
    atMost(annotations, inherited.annotations().size(), SpecRules.MAX_ANNOTATIONS, violations);
    inherited.annotations().forEach((key, value) -> {
      if (!isLabelKey(key)) {
        violations.add(new Violation(annotations, "annotation key " + quoted(key) + " is not a valid key"));
      } else if (value == null) {
        violations.add(new Violation(annotations + "." + key, "must be a string"));
      } else {
        atMost(annotations + "." + key, value.length(), SpecRules.MAX_VALUE_LENGTH, violations);
      }
    });
  }

  private static void immutable(PksReplicaPairSpec spec, AppliedState applied, List<Violation> violations) {
    if (applied.isEmpty()) {
      return;
    }
    Set<String> names = new HashSet<>();
    spec.members().stream().filter(Objects::nonNull).map(Member::name).forEach(names::add);
    if (!names.equals(applied.memberNames())) {
      violations.add(new Violation("spec.members", "member names are immutable: the pair runs "
          + applied.memberNames().stream().sorted().toList()
          + "; renaming a member would strand its data"));
    }
    String storageClass = spec.postgres().storage().storageClassName();
    if (!Objects.equals(storageClass, applied.storageClassName().orElse(null))) {
      violations.add(new Violation("spec.postgres.storage.storageClassName", "is immutable: the volumes"
          + " were created with " + applied.storageClassName().map(SpecValidator::quoted).orElse("the default class")));
    }
    String size = spec.postgres().storage().size();
    applied.storageSize().filter(current -> QUANTITY.matcher(size).matches()
        && Quantity.getAmountInBytes(new Quantity(size)).compareTo(Quantity.getAmountInBytes(current)) < 0)
        .ifPresent(current -> violations.add(new Violation("spec.postgres.storage.size", "cannot shrink: the"
            + " volumes have " + current + " and a volume can only grow, got " + quoted(size))));
  }

  private static void labels(String field, Map<String, String> labels, List<Violation> violations) {
    atMost(field, labels.size(), SpecRules.MAX_SELECTOR_LABELS, violations);
    labels.forEach((key, value) -> {
      if (!isLabelKey(key)) {
        violations.add(new Violation(field, "label key " + quoted(key) + " is not a valid label key"));
      } else if (value == null || !LABEL_VALUE.matcher(value).matches()) {
        violations.add(new Violation(field + "." + key, "must be a label value (at most 63 letters,"
            + " digits, '-', '_', '.'), got " + quoted(value)));
      }
    });
  }

  private static boolean isLabelKey(String key) {
    return key.length() <= SpecRules.MAX_LABEL_KEY && LABEL_KEY.matcher(key).matches();
  }

  /** A size bound of the CRD (items, entries or characters), which bounds its rules' cost. */
  private static void atMost(String field, long size, long max, List<Violation> violations) {
    if (size > max) {
      violations.add(new Violation(field, "must hold at most " + max + ", got " + size));
    }
  }

  private static void range(String field, Integer value, long min, long max, List<Violation> violations) {
    if (value < min || value > max) {
      violations.add(new Violation(field, "must be between " + min + " and " + max + ", got " + value));
    }
  }

  static void subdomain(String field, String value, List<Violation> violations) {
    if (value != null && (!DNS_SUBDOMAIN.matcher(value).matches() || value.length() > SpecRules.MAX_OBJECT_NAME)) {
      violations.add(new Violation(field, "must be a Kubernetes object name (lowercase DNS subdomain), got "
          + quoted(value)));
    }
  }

  private static void singleLine(String field, String value, boolean mayBeEmpty, List<Violation> violations) {
    if (value == null || (!mayBeEmpty && !NOT_BLANK.matcher(value).find())) {
      violations.add(new Violation(field, "must be a non-empty string"));
    } else if (value.length() > SpecRules.MAX_VALUE_LENGTH) {
      violations.add(new Violation(field, "must be at most " + SpecRules.MAX_VALUE_LENGTH + " characters, got "
          + value.length()));
    } else if (CONTROL_CHARACTER.matcher(value).find()) {
      violations.add(new Violation(field, "must be a single line without control characters"));
    }
  }

  private static boolean isZero(String quantity) {
    return quantity.replaceAll("[^0-9]", "").chars().allMatch(c -> c == '0');
  }

  private static boolean isCidr(String value) {
    if (value == null || value.length() > SpecRules.MAX_CIDR || !CIDR.matcher(value).matches()) {
      return false;
    }
    String[] parts = value.split("/");
    try {
      // Only literal addresses get here (the pattern allows digits, dots, hex and colons), so no
      // name lookup happens.
      InetAddress address = InetAddress.getByName(parts[0]);
      int bits = Integer.parseInt(parts[1]);
      int max = address.getAddress().length * 8;
      return bits <= max && (!parts[0].contains(".") || validOctets(parts[0]));
    } catch (Exception e) {
      return false;
    }
  }

  private static boolean validOctets(String ipv4) {
    for (String octet : ipv4.split("\\.")) {
      if (new BigInteger(octet).intValue() > 255) {
        return false;
      }
    }
    return true;
  }

  /** Values are quoted with control characters escaped, so a message stays one readable line. */
  static String quoted(String value) {
    if (value == null) {
      return "nothing";
    }
    String shown = value.length() > 64 ? value.substring(0, 64) + "..." : value;
    StringBuilder out = new StringBuilder("\"");
    shown.chars().forEach(c -> out.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", c) : String.valueOf((char) c)));
    return out.append('"').toString();
  }
}
