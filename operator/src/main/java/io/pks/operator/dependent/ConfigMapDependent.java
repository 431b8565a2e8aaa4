package io.pks.operator.dependent;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.pks.operator.model.DesiredObjects;
import io.pks.operator.model.MemberNetwork;

/** The pair's configuration: postgresql.conf and pg_hba.conf. */
public class ConfigMapDependent extends OneObjectDependent<ConfigMap> {

  public ConfigMapDependent(MemberNetwork network) {
    super(ConfigMap.class, network, DesiredObjects::configMap);
  }
}
