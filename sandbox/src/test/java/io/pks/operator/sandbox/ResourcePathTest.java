package io.pks.operator.sandbox;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ResourcePathTest {

  @Test
  void namespacedObjectWithSubresourceAndQuery() {
    assertThat(ResourcePath.parse("/apis/pks.io/v1alpha1/namespaces/ns/pksreplicapairs/pks/status?timeout=32s"))
        .contains(new ResourcePath("pks.io", "v1alpha1", "ns", "pksreplicapairs", "pks", "status"));
  }

  @Test
  void coreListsInANamespaceOrAcrossAll() {
    assertThat(ResourcePath.parse("/api/v1/namespaces/ns/pods?limit=500"))
        .contains(new ResourcePath("", "v1", "ns", "pods", null, null));
    assertThat(ResourcePath.parse("/api/v1/pods")).contains(new ResourcePath("", "v1", null, "pods", null, null));
  }

  @Test
  void namespacesThemselvesAreClusterScoped() {
    assertThat(ResourcePath.parse("/api/v1/namespaces/telephony"))
        .contains(new ResourcePath("", "v1", null, "namespaces", "telephony", null));
    assertThat(ResourcePath.parse("/api/v1/namespaces/telephony").orElseThrow().groupResource())
        .isEqualTo("namespaces");
  }

  @Test
  void discoveryPathsAreNoResources() {
    assertThat(ResourcePath.parse("/api/v1")).isEmpty();
    assertThat(ResourcePath.parse("/apis/pks.io/v1alpha1")).isEmpty();
    assertThat(ResourcePath.parse("/version")).isEmpty();
  }

  @Test
  void queryParametersAreDecoded() {
    String path = "/api/v1/pods?labelSelector=app%3Dpks&watch=true";
    assertThat(ResourcePath.queryParameter(path, "labelSelector")).contains("app=pks");
    assertThat(ResourcePath.queryParameter(path, "watch")).contains("true");
    assertThat(ResourcePath.queryParameter(path, "limit")).isEmpty();
    assertThat(ResourcePath.withoutQuery(path)).isEqualTo("/api/v1/pods");
    assertThat(ResourcePath.withoutQueryParameter(path, "labelSelector")).isEqualTo("/api/v1/pods?watch=true");
    assertThat(ResourcePath.withoutQueryParameter("/api/v1/pods?watch=true", "watch")).isEqualTo("/api/v1/pods");
  }
}
