package io.pks.operator.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import io.pks.operator.api.v1alpha1.ObjectStore;
import io.pks.operator.api.v1alpha1.PksReplicaPair;

/**
 * The Secrets an object store names (spec.backup, spec.bootstrap.recovery) exist in the pair's
 * namespace with the keys the members read. Checked before a pair's first objects are made: a pod
 * or a restore Job mounting a missing Secret would wait for it without a word, as Kubernetes does.
 */
public final class StoreSecrets {
  private StoreSecrets() {
  }

  /**
   * What is missing, field by field.
   *
   * @param keysOf the keys of the Secret of that name in the pair's namespace; empty when it does not exist
   */
  public static List<Violation> missing(PksReplicaPair pair, Function<String, Optional<Set<String>>> keysOf) {
    List<Violation> violations = new ArrayList<>();
    String namespace = pair.getMetadata().getNamespace();
    if (pair.getSpec().backup() != null) {
      check("spec.backup.objectStore", pair.getSpec().backup().objectStore(), namespace, keysOf, violations);
    }
    pair.getSpec().recovery().ifPresent(recovery -> check("spec.bootstrap.recovery.objectStore",
        recovery.objectStore(), namespace, keysOf, violations));
    return violations;
  }

  private static void check(String field, ObjectStore store, String namespace,
      Function<String, Optional<Set<String>>> keysOf, List<Violation> violations) {
    secret(field + ".credentialsSecret", store.credentialsSecret(), namespace,
        List.of(ObjectStore.ACCESS_KEY_ID, ObjectStore.SECRET_ACCESS_KEY), keysOf, violations);
    if (store.caSecret() != null) {
      secret(field + ".caSecret", store.caSecret(), namespace, List.of(ObjectStore.CA_CERT), keysOf, violations);
    }
  }

  private static void secret(String field, String name, String namespace, List<String> keys,
      Function<String, Optional<Set<String>>> keysOf, List<Violation> violations) {
    Optional<Set<String>> found = keysOf.apply(name);
    if (found.isEmpty()) {
      violations.add(new Violation(field, "Secret " + name + " does not exist in namespace " + namespace
          + "; create it with the keys " + String.join(" and ", keys)));
      return;
    }
    List<String> absent = keys.stream().filter(key -> !found.get().contains(key)).toList();
    if (!absent.isEmpty()) {
      violations.add(new Violation(field, "Secret " + name + " has no key " + String.join(" or ", absent)));
    }
  }
}
