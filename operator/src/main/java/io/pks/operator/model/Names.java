package io.pks.operator.model;

import io.pks.operator.api.v1alpha1.PksReplicaPair;

/** Every object name derived from a pair, in one place (docs/architecture.md, "Objects of a pair"). */
public final class Names {
  private Names() {
  }

  public static String statefulSet(String pair, String member) {
    return pair + "-" + member;
  }

  /** The headless Service of a member has the StatefulSet's name, as its serviceName. */
  public static String memberService(String pair, String member) {
    return statefulSet(pair, member);
  }

  public static String pod(String pair, String member) {
    return statefulSet(pair, member) + "-0";
  }

  /** The claim the StatefulSet's template "data" gives its pod; created ahead of it by the operator. */
  public static String dataClaim(String pair, String member) {
    return "data-" + pod(pair, member);
  }

  public static String initdbJob(String pair, String member) {
    return statefulSet(pair, member) + "-initdb";
  }

  public static String restoreJob(String pair, String member) {
    return statefulSet(pair, member) + "-restore";
  }

  /** Seeds are numbered: a failed one is kept for its logs and the next has a new name. */
  public static String seedJob(String pair, String member, int attempt) {
    return statefulSet(pair, member) + "-seed-" + attempt;
  }

  /**
   * The headless Service naming the pods of the pair's seed Jobs, so a seed's pg_basebackup comes
   * from an address with a name pg_hba.conf can allow (reverse then forward lookup).
   */
  public static String seedService(String pair) {
    return pair + "-seed";
  }

  /** The host name of a member's seed Job pods: one per member, as one seed runs at a time. */
  public static String seedHost(String pair, String member) {
    return statefulSet(pair, member) + "-seed";
  }

  public static String readWriteService(String pair) {
    return pair + "-rw";
  }

  public static String readOnlyService(String pair) {
    return pair + "-ro";
  }

  public static String sipService(String pair) {
    return pair + "-sip";
  }

  public static String configMap(String pair) {
    return pair + "-config";
  }

  /** What every scripts' ConfigMap's name starts with, whatever its version. */
  public static final String SCRIPTS_CONFIG_MAP_PREFIX = "pks-scripts-";

  /** The scripts' ConfigMap, shared by the pairs of a namespace: one per version of the scripts. */
  public static String scriptsConfigMap() {
    return SCRIPTS_CONFIG_MAP_PREFIX + Scripts.VERSION;
  }

  public static String networkPolicy(String pair) {
    return pair + "-postgres";
  }

  public static String podDisruptionBudget(String pair) {
    return pair + "-primary";
  }

  public static String generatedSuperuserSecret(String pair) {
    return pair + "-superuser";
  }

  public static String generatedReplicationSecret(String pair) {
    return pair + "-replication";
  }

  /** The CA, certificates and keys of the backups' TLS between members (BackupCertificates). */
  public static String backupTlsSecret(String pair) {
    return pair + "-backup-tls";
  }

  /** The Secret the pods read the superuser credentials from: the user's, or the generated one. */
  public static String superuserSecret(PksReplicaPair pair) {
    String supplied = pair.getSpec().postgres().superuserSecret();
    return supplied != null ? supplied : generatedSuperuserSecret(pair.getMetadata().getName());
  }

  public static String replicationSecret(PksReplicaPair pair) {
    String supplied = pair.getSpec().replication().passwordSecret();
    return supplied != null ? supplied : generatedReplicationSecret(pair.getMetadata().getName());
  }

  /** Physical replication slot kept on the primary for {@code member} as standby. */
  public static String replicationSlot(String member) {
    return "pks_" + member.replace('-', '_');
  }
}
