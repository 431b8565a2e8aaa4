package io.pks.operator.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The sandbox's storage provisioner: each claim is bound to a folder under the work folder, a
 * larger request is recorded as the claim's new capacity (a folder has no size: as a class with
 * allowVolumeExpansion that expands online), and the folder is deleted with the claim (reclaim policy Delete, as most dynamic provisioners), but
 * only once no pod uses it any more, as Kubernetes' pvc-protection finalizer holds a claim.
 * Whether a claim goes with its pair is the operator's decision (deletionPolicy), made through
 * owner references; this class only follows the claims that exist.
 */
final class LocalVolumes {
  private static final Logger LOG = LoggerFactory.getLogger(LocalVolumes.class);

  private final KubernetesClient client;
  private final Path root;
  private final Map<String, Path> bound = new ConcurrentHashMap<>();

  LocalVolumes(KubernetesClient client, Path root) {
    this.client = client;
    this.root = root;
  }

  /** The folder of a bound claim; null while the claim does not exist and its folder is deleted. */
  Path path(String namespace, String claim) {
    return bound.get(namespace + "/" + claim);
  }

  /** Whether a bound claim requests more than its recorded capacity. */
  private static boolean grown(PersistentVolumeClaim claim) {
    Quantity requested = claim.getSpec().getResources().getRequests().get("storage");
    Quantity capacity = claim.getStatus() == null || claim.getStatus().getCapacity() == null ? null
        : claim.getStatus().getCapacity().get("storage");
    return requested != null && capacity != null
        && Quantity.getAmountInBytes(requested).compareTo(Quantity.getAmountInBytes(capacity)) > 0;
  }

  /**
   * @param claims the claims as the runtime's cache has them: a pass lists none from the API
   *     server (the list took 24 ms of a loaded machine's pass, and kube-proxy's endpoints and every
   *     pod start waited for it). A bound claim missing from them is read from the server before
   *     its folder is deleted, so a cache a step behind deletes no data.
   * @param inUse namespace/claim of every claim a pod still mounts
   */
  void sync(List<PersistentVolumeClaim> claims, Set<String> inUse) {
    Set<String> present = new HashSet<>();
    for (PersistentVolumeClaim claim : claims) {
      String namespace = claim.getMetadata().getNamespace();
      String key = namespace + "/" + claim.getMetadata().getName();
      present.add(key);
      if (!bound.containsKey(key)) {
        Path dir = root.resolve(namespace).resolve(claim.getMetadata().getName());
        try {
          Files.createDirectories(dir);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        ScriptLauncher.own(dir);
        bound.put(key, dir);
        client.persistentVolumeClaims().inNamespace(namespace).withName(claim.getMetadata().getName())
            .editStatus(c -> new PersistentVolumeClaimBuilder(c).withNewStatus().withPhase("Bound")
                .withAccessModes(c.getSpec().getAccessModes()).withCapacity(c.getSpec().getResources().getRequests())
                .endStatus().build());
        LOG.info("volume {} bound to {}", key, dir);
      } else if (grown(claim)) {
        client.persistentVolumeClaims().inNamespace(namespace).withName(claim.getMetadata().getName())
            .editStatus(c -> new PersistentVolumeClaimBuilder(c).editStatus()
                .withCapacity(c.getSpec().getResources().getRequests()).endStatus().build());
        LOG.info("volume {} expanded to {}", key, claim.getSpec().getResources().getRequests().get("storage"));
      }
    }
    for (String key : Set.copyOf(bound.keySet())) {
      if (!present.contains(key) && !inUse.contains(key) && !onTheServer(key)) {
        // Named until gone from the disk: whoever waits for the volume to go waits for its deletion.
        try {
          LocalContainer.deleteRecursively(bound.get(key));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        bound.remove(key);
        LOG.info("volume {} deleted with its claim", key);
      }
    }
  }

  private boolean onTheServer(String key) {
    String[] namespaceAndName = key.split("/", 2);
    return client.persistentVolumeClaims().inNamespace(namespaceAndName[0]).withName(namespaceAndName[1]).get() != null;
  }
}
