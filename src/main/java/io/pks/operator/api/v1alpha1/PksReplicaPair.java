package io.pks.operator.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

import static io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type.DATE;
import static io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type.INTEGER;
import static io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type.STRING;

/**
 * An active/passive pair of PostgreSQL sites behind a SIP platform: one primary, one streaming
 * standby, and the Service that sends SIP traffic to the active site.
 */
@Group(PksReplicaPair.GROUP)
@Version(PksReplicaPair.VERSION)
@Kind("PksReplicaPair")
@Plural("pksreplicapairs")
@Singular("pksreplicapair")
@ShortNames({"pksrp", "pkspair"})
@Categories("pks")
@AdditionalPrinterColumn(name = "PRIMARY", jsonPath = ".status.currentPrimary", type = STRING)
@AdditionalPrinterColumn(name = "STANDBY", jsonPath = ".status.standby", type = STRING)
@AdditionalPrinterColumn(name = "SIP", jsonPath = ".status.activeSip", type = STRING)
@AdditionalPrinterColumn(name = "PHASE", jsonPath = ".status.phase", type = STRING)
@AdditionalPrinterColumn(name = "SYNC", jsonPath = ".status.replication.syncState", type = STRING)
@AdditionalPrinterColumn(name = "LAG", jsonPath = ".status.replication.lagBytes", type = INTEGER)
@AdditionalPrinterColumn(name = "AGE", jsonPath = ".metadata.creationTimestamp", type = DATE)
public class PksReplicaPair extends CustomResource<PksReplicaPairSpec, PksReplicaPairStatus>
    implements Namespaced {

  public static final String GROUP = "pks.io";
  public static final String VERSION = "v1alpha1";
  public static final String CRD_NAME = "pksreplicapairs." + GROUP;

  /** namespace/name, the prefix of every log line about this pair. */
  public String ref() {
    return getMetadata().getNamespace() + "/" + getMetadata().getName();
  }
}
