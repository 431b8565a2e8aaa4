package io.pks.operator.model;

import java.util.LinkedHashMap;
import java.util.Map;

/** Labels on every object of a pair; the role label is set on pods by the operator only. */
public final class Labels {
  private Labels() {
  }

  public static final String NAME = "app.kubernetes.io/name";
  public static final String INSTANCE = "app.kubernetes.io/instance";
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String COMPONENT = "app.kubernetes.io/component";
  public static final String PAIR = "pks.io/pair";
  public static final String MEMBER = "pks.io/member";
  public static final String ROLE = "pks.io/role";
  /** On Jobs and their pods: what the Job does to a member's data (initdb, seed). */
  public static final String JOB = "pks.io/job";
  /**
   * On Job pods, the member whose volume the Job works on. Not {@link #MEMBER}: a Job's pod must
   * not match the member's StatefulSet or Services.
   */
  public static final String JOB_MEMBER = "pks.io/job-member";

  /** {@link #JOB} of the seed Jobs. */
  public static final String SEED_JOB = "seed";
  public static final String NAME_VALUE = "pks-db";
  public static final String MANAGED_BY_VALUE = "pks-operator";
  public static final String ROLE_PRIMARY = "primary";
  public static final String ROLE_STANDBY = "standby";
  /** {@link #COMPONENT} of the scripts' ConfigMaps, which belong to a namespace, not to one pair. */
  public static final String COMPONENT_SCRIPTS = "scripts";

  /** Selects every object this operator manages; informers watch only these. */
  public static final String MANAGED_SELECTOR = MANAGED_BY + "=" + MANAGED_BY_VALUE;
  /** Selects the scripts' ConfigMaps of every namespace and version. */
  public static final String SCRIPTS_SELECTOR = MANAGED_SELECTOR + "," + COMPONENT + "=" + COMPONENT_SCRIPTS;

  /** The scripts' ConfigMap: no pair label, as every pair of the namespace mounts it. */
  public static Map<String, String> scripts() {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(NAME, NAME_VALUE);
    labels.put(MANAGED_BY, MANAGED_BY_VALUE);
    labels.put(COMPONENT, COMPONENT_SCRIPTS);
    return labels;
  }

  public static Map<String, String> pair(String pair) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(NAME, NAME_VALUE);
    labels.put(INSTANCE, pair);
    labels.put(MANAGED_BY, MANAGED_BY_VALUE);
    labels.put(PAIR, pair);
    return labels;
  }

  public static Map<String, String> member(String pair, String member) {
    Map<String, String> labels = pair(pair);
    labels.put(MEMBER, member);
    return labels;
  }

  /** Pod selector of a member's StatefulSet and headless Service: stable, never the role. */
  public static Map<String, String> memberSelector(String pair, String member) {
    Map<String, String> selector = new LinkedHashMap<>();
    selector.put(PAIR, pair);
    selector.put(MEMBER, member);
    return selector;
  }

  /** A Job object: its member's labels, so it maps to the pair and the member like the rest. */
  public static Map<String, String> job(String pair, String member, String job) {
    Map<String, String> labels = member(pair, member);
    labels.put(JOB, job);
    return labels;
  }

  /** A Job's pod: the pair's labels, the Job and its member, but never {@link #MEMBER}. */
  public static Map<String, String> jobPod(String pair, String member, String job) {
    Map<String, String> labels = pair(pair);
    labels.put(JOB, job);
    labels.put(JOB_MEMBER, member);
    return labels;
  }

  /** Pod selector of the seed Service: every seed Job pod of the pair. */
  public static Map<String, String> seedSelector(String pair) {
    Map<String, String> selector = new LinkedHashMap<>();
    selector.put(PAIR, pair);
    selector.put(JOB, SEED_JOB);
    return selector;
  }

  /** Pod selector of the -rw and -ro Services. */
  public static Map<String, String> roleSelector(String pair, String role) {
    Map<String, String> selector = new LinkedHashMap<>();
    selector.put(PAIR, pair);
    selector.put(ROLE, role);
    return selector;
  }
}
