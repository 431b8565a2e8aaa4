package io.pks.operator.dependent;

import java.util.List;

import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.pks.operator.api.v1alpha1.DeletionPolicy;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.model.BackupCertificates;
import io.pks.operator.model.DesiredObjects;
import io.pks.operator.model.MemberNetwork;
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

  @Override
  List<Secret> desiredObjects(PksReplicaPair pair, Context<PksReplicaPair> context) {
    return new DesiredObjects(pair, network).secrets(passwords, certificates);
  }

  @Override
  boolean ownedByPair(PksReplicaPair pair) {
    return pair.getSpec().deletionPolicy() == DeletionPolicy.Delete;
  }
}
