package io.pks.operator.sandbox;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The tests' JVM, where the sandbox runs the operator, keeps names as {@code run} does: a name not
 * found is not remembered. A JVM that kept it 10 s (the JDK's default) took a member re-created at
 * a new address, or any member looked up while the sandbox rewrote the hosts file, for unreachable
 * that long.
 */
class ClusterNameCacheTest {

  @Test
  void aNameNotFoundResolvesAsSoonAsItIsPublished() throws IOException {
    Path hosts = Path.of(System.getProperty(PodNetwork.HOSTS_FILE_PROPERTY));
    String name = "pod-" + UUID.randomUUID() + ".pks-cache-check.invalid";
    assertThatThrownBy(() -> InetAddress.getByName(name)).isInstanceOf(UnknownHostException.class);
    String before = Files.exists(hosts) ? Files.readString(hosts) : "";
    PodNetwork.writeJvmHosts(hosts, "10.244.254.1 " + name + "\n");
    try {
      assertThat(InetAddress.getByName(name).getHostAddress()).isEqualTo("10.244.254.1");
    } finally {
      Files.writeString(hosts, before);
    }
  }
}
