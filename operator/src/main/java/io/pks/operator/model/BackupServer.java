package io.pks.operator.model;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.pks.operator.api.v1alpha1.PksReplicaPair;

/**
 * The sidecar of a member of a pair with spec.backup: pgBackRest's TLS server ({@code pgbackrest
 * server}, started by backup-server.sh), through which a base backup run in the primary reads the
 * standby's files. It serves only a client whose certificate the pair's CA signed with the name
 * {@link BackupCertificates#CLIENT_NAME}, and only for the pair's stanza; it holds no object-store
 * key (the primary's pgBackRest writes the repository). A second container, because the member's
 * runs PostgreSQL as its one process; in the member image, which carries pgBackRest.
 */
public final class BackupServer {
  private BackupServer() {
  }

  public static final String CONTAINER = "backup-server";
  /** pgBackRest's own default port for its TLS server. */
  public static final int PORT = 8432;
  public static final String PORT_NAME = "pgbackrest";
  /**
   * What it reads: PGDATA (read-only), the socket and a folder of its own for its configuration
   * (run), the superuser's password (its libpq session to the standby), and its certificate.
   */
  private static final EnumSet<PodVolume> VOLUMES = EnumSet.of(PodVolume.DATA, PodVolume.SCRIPTS,
      PodVolume.SUPERUSER_SECRET, PodVolume.BACKUP_TLS, PodVolume.RUN, PodVolume.TMP);

  static Container container(PksReplicaPair pair) {
    ContainerBuilder container = new ContainerBuilder()
        .withName(CONTAINER)
        .withImage(pair.getSpec().postgres().image())
        .withCommand("/bin/sh", PodLayout.SCRIPTS_DIR + "/" + Scripts.BACKUP_SERVER)
        .withEnv(List.of(
            MemberPods.env(PodLayout.ENV_PGDATA, PodLayout.PGDATA),
            MemberPods.env(PodLayout.ENV_RUN_DIR, PodLayout.RUN_DIR),
            // The pair's pgBackRest stanza: the only one the server admits the client for.
            MemberPods.env(PodLayout.ENV_STANZA, pair.getMetadata().getName()),
            MemberPods.env(PodLayout.ENV_BACKUP_CLIENT_NAME, BackupCertificates.CLIENT_NAME),
            MemberPods.env(PodLayout.ENV_SUPERUSER_SECRET_DIR, PodLayout.SUPERUSER_SECRET_DIR),
            MemberPods.env(PodLayout.ENV_BACKUP_TLS_DIR, PodLayout.BACKUP_TLS_DIR),
            MemberPods.env(PodLayout.ENV_BACKUP_SERVER_PORT, Integer.toString(PORT))))
        .addNewPort().withName(PORT_NAME).withContainerPort(PORT).withProtocol("TCP").endPort()
        .withNewResources()
          .withRequests(Map.of("cpu", new Quantity("10m"), "memory", new Quantity("32Mi")))
        .endResources()
        .withSecurityContext(MemberPods.containerSecurityContext());
    for (PodVolume volume : VOLUMES) {
      container.addToVolumeMounts(new VolumeMountBuilder().withName(volume.volumeName()).withMountPath(volume.path())
          .withReadOnly(volume.readOnly() || volume == PodVolume.DATA ? Boolean.TRUE : null).build());
    }
    return container.build();
  }
}
