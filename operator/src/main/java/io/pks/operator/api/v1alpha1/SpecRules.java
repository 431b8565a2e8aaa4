package io.pks.operator.api.v1alpha1;

import java.util.Arrays;
import java.util.List;

/**
 * The constants behind both enforcers of the spec rules: the CRD (OpenAPI patterns and CEL, read by
 * the API server) and the operator's own validator. Kept in one place so the two cannot drift.
 */
public final class SpecRules {
  private SpecRules() {
  }

  /** Members name StatefulSets, pods, Services and a slot: short enough for every derived name. */
  public static final int MAX_MEMBER_NAME = 15;
  /** A pair name prefixes member names: StatefulSet names must stay within 52 characters. */
  public static final int MAX_PAIR_NAME = 30;
  public static final long MIN_CONNECTION_LIMIT = 3;
  public static final long MIN_WAL_SENDERS = 4;
  /** Bounds what the API server's CEL cost estimate assumes of spec.postgres.parameters. */
  public static final long MAX_PARAMETERS = 200;
  /** A DNS subdomain prefix of 253 characters, a slash, and a name of 63. */
  public static final int MAX_LABEL_KEY = 317;
  public static final int MAX_OBJECT_NAME = 253;
  /** Free text (parameter values, archive_command) is one line of at most this many characters. */
  public static final int MAX_VALUE_LENGTH = 4096;
  /** Control characters other than the tab, which no single line of configuration holds. */
  public static final String CONTROL_CHARACTER = "[\\x00-\\x08\\x0a-\\x1f\\x7f]";

  // Numeric bounds and defaults. An integer default is also written as text ("" + constant is a
  // compile-time constant) because @Default takes the JSON the CRD carries.
  public static final int MIN_PORT = 1;
  public static final int MAX_PORT = 65535;
  public static final int DEFAULT_PORT = 5432;
  static final String DEFAULT_PORT_TEXT = "" + DEFAULT_PORT;
  /** The failover clocks' bounds: a second at least, an hour at most. */
  public static final int MIN_UNAVAILABLE_SECONDS = 1;
  public static final int MAX_UNAVAILABLE_SECONDS = 3600;
  public static final int DEFAULT_PRIMARY_UNAVAILABLE_SECONDS = 5;
  static final String DEFAULT_PRIMARY_UNAVAILABLE_SECONDS_TEXT = "" + DEFAULT_PRIMARY_UNAVAILABLE_SECONDS;
  public static final int DEFAULT_STANDBY_UNAVAILABLE_SECONDS = 10;
  static final String DEFAULT_STANDBY_UNAVAILABLE_SECONDS_TEXT = "" + DEFAULT_STANDBY_UNAVAILABLE_SECONDS;
  /** A primary's crash recovery grace: none at least, an hour at most. */
  public static final int MIN_CRASH_RECOVERY_SECONDS = 0;
  public static final int MAX_CRASH_RECOVERY_SECONDS = 3600;
  public static final int DEFAULT_CRASH_RECOVERY_SECONDS = 60;
  static final String DEFAULT_CRASH_RECOVERY_SECONDS_TEXT = "" + DEFAULT_CRASH_RECOVERY_SECONDS;
  /**
   * An isolated primary's stop: two seconds at least (the member checks every second), an hour at
   * most.
   */
  public static final int MIN_ISOLATION_STOP_SECONDS = 2;
  public static final int MAX_ISOLATION_STOP_SECONDS = 3600;
  public static final int DEFAULT_ISOLATION_STOP_SECONDS = 5;
  static final String DEFAULT_ISOLATION_STOP_SECONDS_TEXT = "" + DEFAULT_ISOLATION_STOP_SECONDS;
  public static final int MAX_CONNECTION_LIMIT = 1000;
  public static final int DEFAULT_CONNECTION_LIMIT = 5;
  static final String DEFAULT_CONNECTION_LIMIT_TEXT = "" + DEFAULT_CONNECTION_LIMIT;
  public static final int MAX_WAL_SENDERS = 1000;
  public static final int DEFAULT_WAL_SENDERS = 10;
  static final String DEFAULT_WAL_SENDERS_TEXT = "" + DEFAULT_WAL_SENDERS;

  // Sizes of the strings, lists and maps the CEL rules reach. The API server estimates a rule's
  // cost from the largest size the schema allows, and refuses the CRD when a rule could exceed its
  // budget; these are far above what a pair needs.
  /** A label value: at most 63 characters. */
  public static final int MAX_LABEL_VALUE = 63;
  /** Labels of one selector (node, SIP pods, applications, operator pods). */
  public static final int MAX_SELECTOR_LABELS = 32;
  public static final int MAX_TOLERATIONS = 32;
  /** A toleration's operator or effect, a word such as PreferNoSchedule. */
  public static final int MAX_TOLERATION_WORD = 32;
  /** Resource names in requests or limits (cpu, memory, hugepages-*, extended resources). */
  public static final int MAX_RESOURCES = 16;
  public static final int MAX_ALLOWED_CIDRS = 64;
  /** The longest CIDR the pattern admits: eight groups of four hex digits, seven colons and /128. */
  public static final int MAX_CIDR = 43;
  public static final int MAX_SIP_PORTS = 16;
  public static final int MAX_IMAGE_PULL_SECRETS = 16;
  public static final int MAX_TOPOLOGY_SPREAD_CONSTRAINTS = 8;
  /** Annotations a pair gives its pods and Jobs. */
  public static final int MAX_ANNOTATIONS = 32;
  /** A Service port name is a DNS label of at most 15 characters, as a member name. */
  public static final int MAX_PORT_NAME = 15;
  public static final int MAX_SQL_IDENTIFIER = 63;
  public static final int MAX_NAMESPACE = 63;

  public static final String DNS_LABEL = "^[a-z]([-a-z0-9]*[a-z0-9])?$";
  public static final String PROTOCOL = "^(UDP|TCP|SCTP)$";
  public static final String DEFAULT_PROTOCOL = "UDP";
  public static final String SERVICE_TYPE = "^(ClusterIP|NodePort|LoadBalancer)$";
  public static final String DEFAULT_SERVICE_TYPE = "ClusterIP";
  /** Written as CEL list literals, so the CRD rule embeds the same text the validator parses. */
  static final String TOLERATION_OPERATOR_LIST = "'Exists', 'Equal'";
  static final String TOLERATION_EFFECT_LIST = "'', 'NoSchedule', 'PreferNoSchedule', 'NoExecute'";
  public static final List<String> TOLERATION_OPERATORS = parseCelList(TOLERATION_OPERATOR_LIST);
  public static final List<String> TOLERATION_EFFECTS = parseCelList(TOLERATION_EFFECT_LIST);
  public static final String SQL_IDENTIFIER = "^[a-z_][a-z0-9_]{0,62}$";
  public static final String QUANTITY = "^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$";
  /** A resource quantity as the API server accepts it for requests and limits, never negative. */
  public static final String RESOURCE_QUANTITY = "^[0-9]+(\\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|[eE][0-9]+)?$";
  public static final String PG_SIZE = "^[0-9]{1,12}(kB|MB|GB|TB)$";
  public static final String PG_SIZE_OR_UNLIMITED = "^(-1|[0-9]{1,12}(kB|MB|GB|TB))$";
  /**
   * An object store's endpoint: https, a host name and an optional port, nothing else (the prefix
   * goes in spec.*.objectStore.path). An address is refused by {@link #CEL_ENDPOINT_NOT_AN_ADDRESS}.
   */
  public static final String S3_ENDPOINT = "^https://[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?(:[0-9]{1,5})?/?$";
  /** An endpoint whose host is an address: pgBackRest verifies the store's certificate by name. */
  public static final String S3_ENDPOINT_ADDRESS = "^https://[0-9.]+(:[0-9]{1,5})?/?$";
  static final String CEL_ENDPOINT_NOT_AN_ADDRESS =
      "!has(self.endpoint) || !self.endpoint.matches('" + S3_ENDPOINT_ADDRESS + "')";
  /** S3's bucket naming rule: 3 to 63 lowercase letters, digits, '.' and '-'. */
  public static final String S3_BUCKET = "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$";
  /**
   * A prefix inside the bucket, written into pgBackRest's configuration: letters, digits, '.',
   * '_', '-' and '/'; never '..' ({@link #CEL_S3_PATH_NO_PARENT}).
   */
  public static final String S3_PATH = "^[A-Za-z0-9._/-]*$";
  public static final int MAX_S3_PATH = 1024;
  static final String CEL_S3_PATH_NO_PARENT = "!has(self.path) || !self.path.contains('..')";
  public static final int MAX_S3_ENDPOINT = 512;
  public static final String S3_REGION = "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$";
  /** Five cron fields of digits, '*', ',', '-' and '/'; {@code Cron} checks the values' ranges. */
  public static final String CRON = "^\\s*[0-9*/,-]+(\\s+[0-9*/,-]+){4}\\s*$";
  /** Days, as pgBackRest's time-based retention counts them. */
  public static final String RETENTION = "^[1-9][0-9]{0,3}d$";
  /** An RFC 3339 time with its offset; the validator also checks that the date exists. */
  public static final String RFC3339_TIME =
      "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,9})?)?(Z|[+-][0-9]{2}:[0-9]{2})$";
  /** A WAL position as PostgreSQL prints it. */
  public static final String LSN = "^[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}$";
  static final String CEL_ONE_RECOVERY_TARGET = "!has(self.targetTime) || !has(self.targetLSN)";
  static final String CEL_NO_ARCHIVE_COMMAND_WITH_BACKUP =
      "!has(self.backup) || !has(self.replication) || !has(self.replication.archiveCommand)";
  public static final String DNS_SUBDOMAIN =
      "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
  public static final String LABEL_KEY = "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
      + "[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$";
  public static final String LABEL_VALUE = "^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$";
  public static final String IMAGE = "^[A-Za-z0-9][A-Za-z0-9._/:@-]{0,254}$";
  public static final String CIDR = "^([0-9]{1,3}(\\.[0-9]{1,3}){3}/[0-9]{1,2}|[0-9A-Fa-f]*:[0-9A-Fa-f:]*/[0-9]{1,3})$";
  /** At most 63 characters on each side of the dot, as PostgreSQL's identifiers. */
  public static final String PARAMETER_NAME = "^[a-z][a-z0-9_]{0,62}(\\.[a-z][a-z0-9_]{0,62})?$";

  /**
   * postgresql.conf settings the operator owns: replication, listening, paths, archiving and
   * authentication. Written as a CEL list literal so the CRD rule below embeds the same text.
   */
  static final String OWNED_PARAMETER_LIST = "'archive_command', 'archive_mode', 'cluster_name',"
      + " 'config_file', 'data_directory', 'external_pid_file', 'hba_file', 'hot_standby',"
      + " 'ident_file', 'listen_addresses', 'max_replication_slots', 'max_slot_wal_keep_size',"
      + " 'max_wal_senders', 'password_encryption', 'port', 'primary_conninfo', 'primary_slot_name',"
      + " 'promote_trigger_file', 'restore_command', 'synchronous_commit',"
      + " 'synchronous_standby_names', 'unix_socket_directories', 'wal_keep_size', 'wal_level',"
      + " 'wal_log_hints'";
  /** Families of owned settings (ssl_cert_file, recovery_target_time, ...). */
  static final String OWNED_PARAMETER_PREFIXES = "'ssl', 'recovery_target'";

  public static final List<String> OWNED_PARAMETERS = parseCelList(OWNED_PARAMETER_LIST);
  public static final List<String> OWNED_PARAMETER_FAMILIES = parseCelList(OWNED_PARAMETER_PREFIXES);

  /** Extensions' settings carry a dot; PostgreSQL accepts those without knowing them. */
  public static boolean isKnownParameter(String name) {
    return name.contains(".") || PostgresSettings.KNOWN.contains(name);
  }

  public static boolean isOwnedParameter(String name) {
    return OWNED_PARAMETERS.contains(name) || OWNED_PARAMETER_FAMILIES.stream().anyMatch(name::startsWith);
  }

  // Rules sit on the enclosing type, guarded by has(): on a record component the generator would
  // emit a field-level rule twice (once for the field, once for the accessor).
  static final String CEL_NO_OWNED_PARAMETER = "!has(self.parameters) || self.parameters.all(k,"
      + " !(k in [" + OWNED_PARAMETER_LIST + "])"
      + " && ![" + OWNED_PARAMETER_PREFIXES + "].exists(p, k.startsWith(p)))";
  static final String CEL_PARAMETER_NAMES =
      "!has(self.parameters) || self.parameters.all(k, k.matches(r'" + PARAMETER_NAME + "'))";
  static final String CEL_KNOWN_PARAMETERS = "!has(self.parameters) || self.parameters.all(k,"
      + " k.contains('.') || k in [" + PostgresSettings.KNOWN_LIST + "])";
  static final String CEL_PARAMETER_VALUES = "!has(self.parameters) || self.parameters.all(k,"
      + " !self.parameters[k].matches(r'" + CONTROL_CHARACTER + "')"
      + " && size(self.parameters[k]) <= " + MAX_VALUE_LENGTH + ")";
  /** CEL: the key {@code k} of a map entry is a label key. */
  private static final String K_IS_LABEL_KEY = "size(k) <= " + MAX_LABEL_KEY + " && k.matches(r'" + LABEL_KEY + "')";
  /** CEL: appended to an expression, the string is a label value. */
  private static final String IS_LABEL_VALUE = ".matches(r'" + LABEL_VALUE + "')";
  static final String CEL_SIP_POD_SELECTOR = "!has(self.podSelector) || self.podSelector.all(k, "
      + K_IS_LABEL_KEY + " && self.podSelector[k]" + IS_LABEL_VALUE + ")";
  static final String CEL_NETWORK_POLICY_SELECTORS = "(!has(self.applicationSelector)"
      + " || self.applicationSelector.all(k, " + K_IS_LABEL_KEY + " && self.applicationSelector[k]"
      + IS_LABEL_VALUE + ")) && (!has(self.operatorSelector) || self.operatorSelector.all(k, "
      + K_IS_LABEL_KEY + " && self.operatorSelector[k]" + IS_LABEL_VALUE + "))";
  static final String CEL_INHERITED_METADATA = "(!has(self.labels) || self.labels.all(k, " + K_IS_LABEL_KEY
      + " && self.labels[k]" + IS_LABEL_VALUE + ")) && (!has(self.annotations) || self.annotations.all(k, "
      + K_IS_LABEL_KEY + "))";
  static final String CEL_NODE_SELECTOR = "!has(self.nodeSelector) || self.nodeSelector.all(k, "
      + K_IS_LABEL_KEY + " && self.nodeSelector[k]" + IS_LABEL_VALUE + ")";
  static final String CEL_TOLERATIONS = "!has(self.tolerations) || self.tolerations.all(t,"
      + " (!has(t.operator) || t.operator in [" + TOLERATION_OPERATOR_LIST + "])"
      + " && (!has(t.effect) || t.effect in [" + TOLERATION_EFFECT_LIST + "])"
      + " && (!has(t.key) || t.key == '' || (size(t.key) <= " + MAX_LABEL_KEY + " && t.key.matches(r'"
      + LABEL_KEY + "'))))";
  /** Resource names only: the schema checks the quantities (see ResourcesSchema). */
  static final String CEL_RESOURCES = "!has(self.resources) || ((!has(self.resources.claims)"
      + " || size(self.resources.claims) == 0)"
      + " && (!has(self.resources.requests) || self.resources.requests.all(k, " + K_IS_LABEL_KEY + "))"
      + " && (!has(self.resources.limits) || self.resources.limits.all(k, " + K_IS_LABEL_KEY + ")))";
  static final String CEL_ARCHIVE_COMMAND_SINGLE_LINE = "!has(self.archiveCommand)"
      + " || (!self.archiveCommand.matches(r'" + CONTROL_CHARACTER + "') && self.archiveCommand.matches(r'\\S'))";
  static final String CEL_ALLOWED_CIDRS =
      "!has(self.allowedCidrs) || self.allowedCidrs.all(c, c.matches(r'" + CIDR + "'))";
  static final String CEL_REPLICATION_USER_NOT_SUPERUSER =
      "!has(self.user) || (self.user != 'postgres' && !self.user.startsWith('pg_'))";
  static final String CEL_UNIQUE_PORT_NAMES =
      "!has(self.ports) || self.ports.all(p, self.ports.exists_one(q, q.name == p.name))";
  static final String CEL_TWO_DISTINCT_MEMBERS =
      "size(self.members) != 2 || self.members[0].name != self.members[1].name";
  static final String CEL_PRIMARY_IS_MEMBER = "self.members.exists(m, m.name == self.primary)";
  static final String CEL_SIP_ACTIVE_IS_MEMBER = "!has(self.sip) || !has(self.sip.active)"
      + " || self.sip.active == '" + SipSpec.FOLLOW_PRIMARY + "'"
      + " || self.members.exists(m, m.name == self.sip.active)";
  static final String CEL_MEMBER_NAMES_IMMUTABLE =
      "self.members.all(m, oldSelf.members.exists(o, o.name == m.name))";
  static final String CEL_STORAGE_CLASS_IMMUTABLE = "!has(self.storage) || !has(oldSelf.storage)"
      + " || (has(self.storage.storageClassName) == has(oldSelf.storage.storageClassName)"
      + " && (!has(self.storage.storageClassName)"
      + " || self.storage.storageClassName == oldSelf.storage.storageClassName))";

  static List<String> parseCelList(String celList) {
    return Arrays.stream(celList.split(","))
        .map(item -> item.strip().replace("'", ""))
        .toList();
  }
}
