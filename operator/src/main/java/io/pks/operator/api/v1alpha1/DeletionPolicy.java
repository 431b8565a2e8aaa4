package io.pks.operator.api.v1alpha1;

/** What happens to the members' volumes when the PksReplicaPair is deleted. */
public enum DeletionPolicy {
  /** Keep the volumes (and generated Secrets, so the data stays usable). */
  Retain,
  /** Remove the volumes with the pair. */
  Delete
}
