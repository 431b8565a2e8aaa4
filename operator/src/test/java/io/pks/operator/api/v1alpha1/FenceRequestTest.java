package io.pks.operator.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.pks.operator.TestPairs;

/** The pks.io/fence annotation read and written field by field, and the fence refusals. */
class FenceRequestTest {

  @Test
  void anAbsentOrBlankAnnotationFencesNothing() {
    assertThat(FenceRequest.parse(null).members()).isEmpty();
    assertThat(FenceRequest.parse(" ").value()).isEmpty();
  }

  @Test
  void entriesAreMembersWithAnOptionalForce() {
    FenceRequest fence = FenceRequest.parse("site-a/force, site-b");
    assertThat(fence.entries()).containsExactly(new FenceRequest.Entry("site-a", true),
        new FenceRequest.Entry("site-b", false));
    assertThat(fence.members()).containsExactly("site-a", "site-b");
    assertThat(fence.forced("site-a")).isTrue();
    assertThat(fence.forced("site-b")).isFalse();
    assertThat(fence.value()).isEqualTo("site-a/force,site-b");
  }

  @Test
  void withReplacesAMembersEntryAndWithoutRemovesIt() {
    FenceRequest fence = FenceRequest.parse("site-b").with("site-b", true);
    assertThat(fence.value()).isEqualTo("site-b/force");
    assertThat(fence.with("site-a", false).value()).isEqualTo("site-b/force,site-a");
    assertThat(fence.without("site-b").value()).isEmpty();
    assertThat(fence.without("site-b").members()).isEqualTo(List.of());
  }

  @Test
  void thePrimaryIsRefusedUnlessForced() {
    PksReplicaPairSpec spec = TestPairs.example().getSpec();
    assertThat(FenceRequest.refusal(spec, "site-a", "site-a", false)).get().asString()
        .startsWith("site-a is the primary: fencing it leaves no writable primary");
    assertThat(FenceRequest.refusal(spec, "site-a", "site-a", true)).isEmpty();
  }

  @Test
  void theStandbyIsRefusedUnderRequiredOnlyUnlessForced() {
    PksReplicaPairSpec required = TestPairs.example().getSpec();
    PksReplicaPairSpec preferred = TestPairs.example(json -> TestPairs.spec(json).with("replication")
        .put("synchronous", "Preferred")).getSpec();
    assertThat(required.replication().synchronous()).isEqualTo(SynchronousMode.Required);
    assertThat(FenceRequest.refusal(required, "site-a", "site-b", false)).get().asString()
        .startsWith("synchronous: Required, so every commit would wait for site-b while it is fenced");
    assertThat(FenceRequest.refusal(required, "site-a", "site-b", true)).isEmpty();
    assertThat(FenceRequest.refusal(preferred, "site-a", "site-b", false)).isEmpty();
  }
}
