package io.pks.operator.dependent;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.BulkUpdater;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.KubernetesBulkDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.pks.operator.api.v1alpha1.DeletionPolicy;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.model.DesiredObjects;
import io.pks.operator.model.MemberNetwork;
import io.pks.operator.model.Secrets;

/**
 * The generated Secrets. Created once, never rewritten: an existing Secret always matches, since
 * its password is already in the database (JOSDK's bulk reconciler needs an Updater, which is
 * therefore never called). There is no Deleter, so switching to a user-supplied Secret leaves the
 * generated one in place. Owned by the pair only under {@code deletionPolicy: Delete}: retained
 * volumes keep their credentials.
 */
public class SecretsDependent extends PairDependent<Secret>
    implements KubernetesBulkDependentResource<Secret, PksReplicaPair>, Creator<Secret, PksReplicaPair>,
    BulkUpdater<Secret, PksReplicaPair> {

  private final MemberNetwork network;
  private final Secrets.PasswordSource passwords;

  public SecretsDependent(MemberNetwork network, Secrets.PasswordSource passwords) {
    super(Secret.class);
    this.network = network;
    this.passwords = passwords;
  }

  @Override
  public Map<ResourceID, Secret> desiredResources(PksReplicaPair pair, Context<PksReplicaPair> context) {
    return new DesiredObjects(pair, network).secrets(passwords).stream()
        .collect(Collectors.toMap(ResourceID::fromResource, Function.identity()));
  }

  @Override
  public Matcher.Result<Secret> match(Secret actual, Secret desired, PksReplicaPair pair,
      Context<PksReplicaPair> context) {
    return Matcher.Result.nonComputed(true);
  }

  @Override
  protected void addReferenceHandlingMetadata(Secret secret, PksReplicaPair pair) {
    if (pair.getSpec().deletionPolicy() == DeletionPolicy.Delete) {
      secret.addOwnerReference(pair);
    }
  }
}
