package io.pks.operator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/** The sandbox's provisioner on the embedded API server: a claim bound with its capacity, then grown; a deleted claim's folder. */
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
    client.persistentVolumeClaims().inNamespace("telephony").resource(claim("20Gi")).create();
    LocalVolumes volumes = new LocalVolumes(client, root);
    volumes.sync(claims(), Set.of());
    assertThat(capacity()).isEqualTo(new Quantity("20Gi"));

    client.persistentVolumeClaims().inNamespace("telephony").withName("data-pks-site-a-0").patch(
        PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"resources\":{\"requests\":{\"storage\":\"30Gi\"}}}}");
    volumes.sync(claims(), Set.of());

    assertThat(capacity()).isEqualTo(new Quantity("30Gi"));
    assertThat(volumes.path("telephony", "data-pks-site-a-0")).as("the same folder").exists();
  }

  /**
   * A claim's folder no longer named by the provisioner is gone from the disk: the provisioner
   * once stopped naming it before deleting it, and a benchmark that waited for that to create its
   * next pair found the runtime's thread still deleting 307 MB, in that pair's time.
   */
  @Test
  void aDeletedClaimsFolderIsGoneOnceNoLongerNamed() throws Exception {
    client.persistentVolumeClaims().inNamespace("telephony").resource(claim("10Gi")).create();
    LocalVolumes volumes = new LocalVolumes(client, root);
    volumes.sync(claims(), Set.of());
    Path folder = volumes.path("telephony", "data-pks-site-a-0");
    for (int file = 0; file < 5000; file++) {
      Files.writeString(folder.resolve("file-" + file), "data");
    }
    client.persistentVolumeClaims().inNamespace("telephony").withName("data-pks-site-a-0").delete();
    await().atMost(Duration.ofSeconds(10))
        .until(() -> client.persistentVolumeClaims().inNamespace("telephony").list().getItems().isEmpty());
    AtomicReference<Boolean> onDiskWhenNoLongerNamed = new AtomicReference<>();
    Thread watcher = new Thread(() -> {
      while (volumes.path("telephony", "data-pks-site-a-0") != null) {
        Thread.onSpinWait();
      }
      onDiskWhenNoLongerNamed.set(Files.exists(folder));
    });
    watcher.start();
    volumes.sync(claims(), Set.of());
    watcher.join(Duration.ofSeconds(10).toMillis());
    assertThat(onDiskWhenNoLongerNamed.get()).as("the folder exists once the provisioner no longer names it").isFalse();
  }

  /**
   * A claim the pass's list does not show yet (the runtime's cache a step behind the server, as
   * after a watch reconnects) keeps its folder and its data: the server is asked before deleting.
   */
  @Test
  void aClaimMissingFromThePassesListButOnTheServerKeepsItsFolder() throws Exception {
    client.persistentVolumeClaims().inNamespace("telephony").resource(claim("10Gi")).create();
    LocalVolumes volumes = new LocalVolumes(client, root);
    volumes.sync(claims(), Set.of());
    Path data = volumes.path("telephony", "data-pks-site-a-0").resolve("PG_VERSION");
    Files.writeString(data, "15");

    volumes.sync(List.of(), Set.of());

    assertThat(volumes.path("telephony", "data-pks-site-a-0")).as("still bound").isNotNull();
    assertThat(data).hasContent("15");
  }

  private List<PersistentVolumeClaim> claims() {
    return client.persistentVolumeClaims().inAnyNamespace().list().getItems();
  }

  private static PersistentVolumeClaim claim(String size) {
    return new PersistentVolumeClaimBuilder()
        .withNewMetadata().withName("data-pks-site-a-0").withNamespace("telephony").endMetadata()
        .withNewSpec().withAccessModes("ReadWriteOnce").withNewResources()
        .withRequests(Map.of("storage", new Quantity(size))).endResources().endSpec().build();
  }

  private Quantity capacity() {
    PersistentVolumeClaim claim = client.persistentVolumeClaims().inNamespace("telephony").withName("data-pks-site-a-0").get();
    assertThat(claim.getStatus().getPhase()).isEqualTo("Bound");
    return claim.getStatus().getCapacity().get("storage");
  }
}
