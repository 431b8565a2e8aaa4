package io.pks.operator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/** The sandbox's provisioner on the embedded API server: a claim bound with its capacity, then grown. */
class LocalVolumesIT {
  private EmbeddedApiServer server;
  private NamespacedKubernetesClient client;
  private Path root;

  @BeforeEach
  void start() throws Exception {
    server = new EmbeddedApiServer();
    client = server.client();
    root = Files.createTempDirectory("pks-volumes-it");
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    LocalContainer.deleteRecursively(root);
  }

  @Test
  void aLargerRequestBecomesTheClaimsCapacity() {
    client.persistentVolumeClaims().inNamespace("telephony").resource(new PersistentVolumeClaimBuilder()
        .withNewMetadata().withName("data-pks-site-a-0").withNamespace("telephony").endMetadata()
        .withNewSpec().withAccessModes("ReadWriteOnce").withNewResources()
        .withRequests(Map.of("storage", new Quantity("20Gi"))).endResources().endSpec().build()).create();
    LocalVolumes volumes = new LocalVolumes(client, root);
    volumes.sync(Set.of());
    assertThat(capacity()).isEqualTo(new Quantity("20Gi"));

    client.persistentVolumeClaims().inNamespace("telephony").withName("data-pks-site-a-0").patch(
        PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"resources\":{\"requests\":{\"storage\":\"30Gi\"}}}}");
    volumes.sync(Set.of());

    assertThat(capacity()).isEqualTo(new Quantity("30Gi"));
    assertThat(volumes.path("telephony", "data-pks-site-a-0")).as("the same folder").exists();
  }

  private Quantity capacity() {
    PersistentVolumeClaim claim = client.persistentVolumeClaims().inNamespace("telephony").withName("data-pks-site-a-0").get();
    assertThat(claim.getStatus().getPhase()).isEqualTo("Bound");
    return claim.getStatus().getCapacity().get("storage");
  }
}
