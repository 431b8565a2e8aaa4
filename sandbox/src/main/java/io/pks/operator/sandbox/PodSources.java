package io.pks.operator.sandbox;

import java.nio.file.Path;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;

/**
 * Where a pod's volumes come from: in the sandbox, the API server's objects and the sandbox's
 * volumes; in the tests' local members, the objects the operator's builders make and folders.
 */
public interface PodSources {

  /** The ConfigMap, or null when there is none. */
  ConfigMap configMap(String namespace, String name);

  /** The Secret, or null when there is none. */
  Secret secret(String namespace, String name);

  /** The folder of the claim's volume, or null while it is not bound. */
  Path claim(String namespace, String claim);
}
