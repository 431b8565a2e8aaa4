package io.pks.operator.api.v1alpha1;

import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Streaming replication from the primary to the standby. */
@ValidationRule(value = SpecRules.CEL_ALLOWED_CIDRS,
    message = "spec.replication.allowedCidrs: items must be networks in CIDR notation")
@ValidationRule(value = SpecRules.CEL_REPLICATION_USER_NOT_SUPERUSER,
    message = "spec.replication.user: must not be the superuser or a reserved pg_ role")
@ValidationRule(value = SpecRules.CEL_ARCHIVE_COMMAND_SINGLE_LINE,
    message = "spec.replication.archiveCommand: must be a single line, not blank")
// Only empty collections are left out when written: an empty string must stay one, or a copy made
// through JSON (JOSDK clones each resource) would read it as absent, take the default and accept
// what the resource refuses.
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReplicationSpec(
    @Default(ReplicationSpec.DEFAULT_USER)
    @Pattern(SpecRules.SQL_IDENTIFIER)
    @Size(max = SpecRules.MAX_SQL_IDENTIFIER)
    @JsonPropertyDescription("Replication role (LOGIN REPLICATION), a lowercase SQL identifier.")
    String user,
    @Default(SpecRules.DEFAULT_CONNECTION_LIMIT_TEXT)
    @Min(SpecRules.MIN_CONNECTION_LIMIT)
    @Max(SpecRules.MAX_CONNECTION_LIMIT)
    @JsonPropertyDescription("CONNECTION LIMIT of the replication role; a seed uses two connections"
        + " and a streaming standby one, so at least 3.")
    Integer connectionLimit,
    @Pattern(SpecRules.DNS_SUBDOMAIN)
    @Size(max = SpecRules.MAX_OBJECT_NAME)
    @JsonPropertyDescription("Existing Secret with key password for the replication role;"
        + " generated as <pair>-replication when absent.")
    String passwordSecret,
    @Default("Preferred")
    @JsonPropertyDescription("Required: every commit waits for the standby (writes wait while it is"
        + " down). Preferred: synchronous while the standby streams, asynchronous otherwise."
        + " Off: asynchronous.")
    SynchronousMode synchronous,
    @Default("true")
    @JsonPropertyDescription("Keep a physical replication slot for the standby on the primary.")
    Boolean slot,
    @Default(ReplicationSpec.DEFAULT_WAL_KEEP_SIZE)
    @Pattern(SpecRules.PG_SIZE)
    @JsonPropertyDescription("wal_keep_size: WAL kept for a standby without a slot, e.g. 1GB.")
    String walKeepSize,
    @Default(ReplicationSpec.DEFAULT_MAX_SLOT_WAL_KEEP_SIZE)
    @Pattern(SpecRules.PG_SIZE_OR_UNLIMITED)
    @JsonPropertyDescription("max_slot_wal_keep_size: the most WAL a slot may hold back, e.g. 10GB;"
        + " -1 for no limit (a standby that never returns can then fill the primary's disk).")
    String maxSlotWalKeepSize,
    @Default(SpecRules.DEFAULT_WAL_SENDERS_TEXT)
    @Min(SpecRules.MIN_WAL_SENDERS)
    @Max(SpecRules.MAX_WAL_SENDERS)
    @JsonPropertyDescription("max_wal_senders on both members.")
    Integer maxWalSenders,
    @Size(max = SpecRules.MAX_VALUE_LENGTH)
    @JsonPropertyDescription("archive_command; WAL archiving (archive_mode) is on only when set.")
    String archiveCommand,
    @JsonPropertyDescription("Extra client networks (CIDR) allowed to use the replication role,"
        + " beyond the pair's own pods.")
    @Size(max = SpecRules.MAX_ALLOWED_CIDRS)
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    List<@Size(max = SpecRules.MAX_CIDR) String> allowedCidrs,
    @JsonPropertyDescription("TLS for replication; off when absent.")
    TlsSpec tls) {

  static final String DEFAULT_USER = "repuser";
  static final String DEFAULT_WAL_KEEP_SIZE = "1GB";
  static final String DEFAULT_MAX_SLOT_WAL_KEEP_SIZE = "10GB";

  /** The Secret holding the members' certificate, when replication uses TLS. */
  public Optional<String> tlsSecret() {
    return Optional.ofNullable(tls).map(TlsSpec::certificateSecret);
  }

  public ReplicationSpec {
    user = user == null ? DEFAULT_USER : user;
    connectionLimit = connectionLimit == null ? SpecRules.DEFAULT_CONNECTION_LIMIT : connectionLimit;
    synchronous = synchronous == null ? SynchronousMode.Preferred : synchronous;
    slot = slot == null ? Boolean.TRUE : slot;
    walKeepSize = walKeepSize == null ? DEFAULT_WAL_KEEP_SIZE : walKeepSize;
    maxSlotWalKeepSize = maxSlotWalKeepSize == null ? DEFAULT_MAX_SLOT_WAL_KEEP_SIZE : maxSlotWalKeepSize;
    maxWalSenders = maxWalSenders == null ? SpecRules.DEFAULT_WAL_SENDERS : maxWalSenders;
    allowedCidrs = Values.list(allowedCidrs);
  }

  public static ReplicationSpec defaults() {
    return new ReplicationSpec(null, null, null, null, null, null, null, null, null, null, null);
  }
}
