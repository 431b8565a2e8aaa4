package io.pks.operator.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class PodNetworkTest {

  /** As the JDK's hosts-file lookup reads the file (anew at each lookup) while the sandbox publishes. */
  @Test
  void theJvmsHostsFileIsReadWholeWhileItIsRewritten(@TempDir Path dir) throws Exception {
    Path hosts = dir.resolve("cluster-hosts");
    String member = "10.244.1.8 pks-site-b-0.pks-site-b.drain.svc.cluster.local\n";
    String shorter = member;
    String longer = "10.244.1.10 pks-site-a-0.pks-site-a.drain.svc.cluster.local\n" + member
        + "10.244.1.200 pks-rw.drain.svc.cluster.local\n".repeat(40);
    PodNetwork.writeJvmHosts(hosts, shorter);
    String shorterFile = Files.readString(hosts);
    PodNetwork.writeJvmHosts(hosts, longer);
    Set<String> whole = Set.of(shorterFile, Files.readString(hosts));

    AtomicBoolean writing = new AtomicBoolean(true);
    Thread publisher = new Thread(() -> {
      for (int i = 0; i < 10_000; i++) {
        PodNetwork.writeJvmHosts(hosts, i % 2 == 0 ? shorter : longer);
      }
      writing.set(false);
    });
    publisher.start();
    int reads = 0;
    int partial = 0;
    while (writing.get()) {
      reads++;
      if (!whole.contains(read(hosts))) {
        partial++;
      }
    }
    publisher.join();
    assertThat(reads).as("reads during the rewrites").isGreaterThan(100);
    assertThat(partial).as("reads of %d that saw neither file whole", reads).isZero();
  }

  private static String read(Path file) throws IOException {
    try {
      return Files.readString(file);
    } catch (NoSuchFileException e) {
      return "";
    }
  }
}
