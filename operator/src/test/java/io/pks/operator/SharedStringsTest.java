package io.pks.operator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

class SharedStringsTest {
  private static final KubernetesSerialization JSON = Operators.serialization();

  private static final String STATEFUL_SET = """
      {"apiVersion": "apps/v1", "kind": "StatefulSet",
       "metadata": {"name": "%s", "labels": {"app.kubernetes.io/managed-by": "pks-operator"}},
       "spec": {"template": {"spec": {"containers": [
         {"name": "postgres", "command": ["/scripts/member-entrypoint.sh"],
          "volumeMounts": [{"name": "data", "mountPath": "/var/lib/postgresql/data"}]}]}}}}
      """;

  @Test
  void twoObjectsReadShareTheirEqualShortValues() {
    StatefulSet first = JSON.unmarshal(STATEFUL_SET.formatted("pks-site-a"), StatefulSet.class);
    StatefulSet second = JSON.unmarshal(STATEFUL_SET.formatted("pks-site-b"), StatefulSet.class);

    assertThat(second.getMetadata().getLabels().get("app.kubernetes.io/managed-by"))
        .isSameAs(first.getMetadata().getLabels().get("app.kubernetes.io/managed-by"));
    var firstContainer = first.getSpec().getTemplate().getSpec().getContainers().get(0);
    var secondContainer = second.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(secondContainer.getCommand().get(0)).isSameAs(firstContainer.getCommand().get(0));
    assertThat(secondContainer.getVolumeMounts().get(0).getMountPath())
        .isSameAs(firstContainer.getVolumeMounts().get(0).getMountPath());
    assertThat(first.getMetadata().getName()).isEqualTo("pks-site-a");
    assertThat(second.getMetadata().getName()).isEqualTo("pks-site-b");
  }

  @Test
  void aLongValueIsReadAsItIsNotShared() {
    String file = "x".repeat(SharedStrings.MAX_LENGTH + 1);
    String json = "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"data\": {\"postgresql.conf\": \"" + file + "\"}}";

    String first = JSON.unmarshal(json, ConfigMap.class).getData().get("postgresql.conf");
    String second = JSON.unmarshal(json, ConfigMap.class).getData().get("postgresql.conf");

    assertThat(first).isEqualTo(file).isEqualTo(second).isNotSameAs(second);
  }

  @Test
  void aNumberWhereAStringIsExpectedIsStillReadAsJacksonReadsIt() {
    ConfigMap read = JSON.unmarshal("{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"data\": {\"port\": 5432}}",
        ConfigMap.class);

    assertThat(read.getData()).containsEntry("port", "5432");
  }
}
