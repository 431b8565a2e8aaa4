package io.pks.operator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A paused node must stop every process, including those a busy parent forks while it is being stopped. */
class ProcessFreezerTest {
  private Process tree;

  @AfterEach
  void killTree() {
    if (tree != null) {
      // Listed while the shell is stopped, before its end hands its children to init.
      ProcessFreezer.freeze(tree.toHandle());
      List<ProcessHandle> children = tree.descendants().toList();
      tree.destroyForcibly();
      children.forEach(ProcessHandle::destroyForcibly);
    }
  }

  @Test
  void aParentForkingWithoutPauseIsFrozenWithEveryChildItForked() throws Exception {
    // A shell forking long-lived children as fast as it can (about 2,000 a second here, for up to
    // 3,000), as a postmaster accepting connections.
    tree = new ProcessBuilder("bash", "-c", "for i in $(seq 3000); do sleep 60 & done; wait").start();
    Thread.sleep(300);

    ProcessFreezer.freeze(tree.toHandle());
    Thread.sleep(200);

    List<ProcessHandle> running = tree.descendants().filter(child -> !ProcessFreezer.stopped(child)).toList();
    assertThat(ProcessFreezer.stopped(tree.toHandle())).as("the forking parent stopped").isTrue();
    assertThat(running).as("children left running after the freeze").isEmpty();
    long frozenCount = tree.descendants().count();
    Thread.sleep(200);
    assertThat(tree.descendants().count()).as("children forked after the freeze").isEqualTo(frozenCount);
  }

  @Test
  void aThawedTreeRunsAgain() throws Exception {
    tree = new ProcessBuilder("bash", "-c", "sleep 60 & sleep 60 & wait").start();
    Thread.sleep(200);
    ProcessFreezer.freeze(tree.toHandle());

    ProcessFreezer.thaw(tree.toHandle());
    Thread.sleep(100);

    assertThat(ProcessFreezer.stopped(tree.toHandle())).isFalse();
    assertThat(tree.descendants().filter(ProcessFreezer::stopped).toList()).as("children still stopped").isEmpty();
  }
}
