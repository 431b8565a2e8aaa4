package io.pks.operator.dependent;

import java.util.List;

import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.pks.operator.api.v1alpha1.DeletionPolicy;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.model.BackupCertificates;
import io.pks.operator.model.DesiredObjects;
import io.pks.operator.model.MemberNetwork;
import io.pks.operator.model.Names;
import io.pks.operator.model.Secrets;

/**
 * The generated Secrets: created once, never rewritten, since their passwords are already in the
 * database (and the backups' certificates are in the members' files). Switching to a user-supplied Secret leaves the generated one in place. Owned by the
 * pair only under {@code deletionPolicy: Delete}: retained volumes keep their credentials.
 */
public class SecretsDependent extends CreateOnceDependent<Secret> {

  private final MemberNetwork network;
  private final Secrets.PasswordSource passwords;
  private final BackupCertificates.Issuer certificates;

  public SecretsDependent(MemberNetwork network, Secrets.PasswordSource passwords,
      BackupCertificates.Issuer certificates) {
    super(Secret.class);
    this.network = network;
    this.passwords = passwords;
    this.certificates = certificates;
  }

  /**
   * The backups' certificates are issued only while their Secret does not exist: an existing one is
   * never rewritten, and its desired copy only serves to match its owner reference, so three new
   * key pairs and certificates at every reconcile would be thrown away.
   */
  @Override
  List<Secret> desiredObjects(PksReplicaPair pair, Context<PksReplicaPair> context) {
    boolean issued = getSecondaryResources(pair, context)
        .containsKey(new ResourceID(Names.backupTlsSecret(pair.getMetadata().getName()), pair.getMetadata().getNamespace()));
    return new DesiredObjects(pair, network).secrets(passwords, issued ? BackupCertificates.Issuer.NONE : certificates);
  }

  @Override
  boolean ownedByPair(PksReplicaPair pair) {
    return pair.getSpec().deletionPolicy() == DeletionPolicy.Delete;
  }
}
