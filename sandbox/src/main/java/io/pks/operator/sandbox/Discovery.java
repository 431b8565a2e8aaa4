package io.pks.operator.sandbox;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIGroupBuilder;
import io.fabric8.kubernetes.api.model.APIGroupListBuilder;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceBuilder;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.APIVersionsBuilder;
import io.fabric8.kubernetes.api.model.GroupVersionForDiscovery;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionNames;
import io.fabric8.mockwebserver.http.MockResponse;

/**
 * The discovery documents kubectl reads before anything else ({@code /version}, {@code /api}, {@code /apis} and
 * one resource list per group version): the built-in kinds the operator and the sandbox use, and every stored
 * CRD, so a CRD applied later is discoverable too. The Fabric8 mock serves none of them in CRUD mode.
 */
final class Discovery {
  private Discovery() {
  }

  private enum Trait { NAMESPACED, STATUS, IN_ALL }

  /** One kind served under one group version. */
  private record Served(String group, String version, String plural, String singular, String kind, boolean namespaced,
      List<String> shortNames, List<String> categories, boolean status) {

    String groupVersion() {
      return group.isEmpty() ? version : group + "/" + version;
    }
  }

  private static final List<String> VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");
  private static final List<String> SUBRESOURCE_VERBS = List.of("get", "patch", "update");

  private static final List<Served> BUILT_IN = List.of(
      builtIn("v1", "pods", "Pod", List.of("po"), Trait.NAMESPACED, Trait.STATUS, Trait.IN_ALL),
      builtIn("v1", "services", "Service", List.of("svc"), Trait.NAMESPACED, Trait.STATUS, Trait.IN_ALL),
      builtIn("v1", "secrets", "Secret", List.of(), Trait.NAMESPACED),
      builtIn("v1", "configmaps", "ConfigMap", List.of("cm"), Trait.NAMESPACED),
      builtIn("v1", "events", "Event", List.of("ev"), Trait.NAMESPACED),
      builtIn("v1", "persistentvolumeclaims", "PersistentVolumeClaim", List.of("pvc"), Trait.NAMESPACED, Trait.STATUS),
      builtIn("v1", "endpoints", "Endpoints", List.of("ep"), Trait.NAMESPACED),
      builtIn("v1", "namespaces", "Namespace", List.of("ns"), Trait.STATUS),
      builtIn("apps/v1", "statefulsets", "StatefulSet", List.of("sts"), Trait.NAMESPACED, Trait.STATUS, Trait.IN_ALL),
      builtIn("batch/v1", "jobs", "Job", List.of(), Trait.NAMESPACED, Trait.STATUS, Trait.IN_ALL),
      builtIn("coordination.k8s.io/v1", "leases", "Lease", List.of(), Trait.NAMESPACED),
      builtIn("apiextensions.k8s.io/v1", "customresourcedefinitions", "CustomResourceDefinition",
          List.of("crd", "crds"), Trait.STATUS),
      builtIn("events.k8s.io/v1", "events", "Event", List.of("ev"), Trait.NAMESPACED));

  /** The Kubernetes release whose API the Fabric8 7.5 model (and so this server) speaks. */
  private static final Map<String, String> VERSION =
      Map.of("major", "1", "minor", "33", "gitVersion", "v1.33.0+pks-sandbox", "platform", "linux/amd64");

  /**
   * The response for a discovery path, or empty when {@code path} (without query) addresses resources instead.
   * {@code /openapi/*} gets a 404, which kubectl takes as "no schema" (hence {@code apply --validate=false}).
   */
  static Optional<MockResponse> respond(String path, Supplier<List<CustomResourceDefinition>> crds) {
    if (path.equals("/version")) {
      return Optional.of(Responses.json(200, VERSION));
    }
    if (path.startsWith("/openapi/")) {
      return Optional.of(Responses.status(404, "the sandbox API server serves no OpenAPI schema"));
    }
    List<String> segments = Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
    boolean core = !segments.isEmpty() && segments.get(0).equals("api") && segments.size() <= 2;
    boolean groups = !segments.isEmpty() && segments.get(0).equals("apis") && segments.size() <= 3;
    if (!core && !groups) {
      return Optional.empty();
    }
    List<Served> served = served(crds.get()).toList();
    Object document = switch (segments.size()) {
      case 1 -> core ? new APIVersionsBuilder().withVersions("v1").build() : groupList(served);
      case 2 -> core ? resourceList(served, "v1") : group(served, segments.get(1));
      default -> resourceList(served, segments.get(1) + "/" + segments.get(2));
    };
    return Optional.of(document != null ? Responses.json(200, document)
        : Responses.status(404, "the server could not find the requested resource"));
  }

  /** The kind a resource path lists, as discovery names it: lists are typed {@code <Kind>List}. */
  static Optional<String> kind(ResourcePath path, List<CustomResourceDefinition> crds) {
    return served(crds).filter(s -> s.group().equals(path.group()) && s.version().equals(path.version())
        && s.plural().equals(path.plural())).map(Served::kind).findFirst();
  }

  private static Stream<Served> served(List<CustomResourceDefinition> crds) {
    return Stream.concat(BUILT_IN.stream(), crds.stream().flatMap(Discovery::served));
  }

  private static Served builtIn(String groupVersion, String plural, String kind, List<String> shortNames,
      Trait... traits) {
    int slash = groupVersion.indexOf('/');
    Set<Trait> has = Set.of(traits);
    return new Served(slash < 0 ? "" : groupVersion.substring(0, slash), groupVersion.substring(slash + 1), plural,
        kind.toLowerCase(), kind, has.contains(Trait.NAMESPACED), shortNames,
        has.contains(Trait.IN_ALL) ? List.of("all") : List.of(), has.contains(Trait.STATUS));
  }

  private static Stream<Served> served(CustomResourceDefinition crd) {
    CustomResourceDefinitionNames names = crd.getSpec().getNames();
    return crd.getSpec().getVersions().stream()
        .filter(version -> Boolean.TRUE.equals(version.getServed()))
        .map(version -> new Served(crd.getSpec().getGroup(), version.getName(), names.getPlural(),
            names.getSingular(), names.getKind(), "Namespaced".equals(crd.getSpec().getScope()),
            names.getShortNames(), names.getCategories(),
            version.getSubresources() != null && version.getSubresources().getStatus() != null));
  }

  private static Object groupList(List<Served> served) {
    List<APIGroup> groups = served.stream().map(Served::group).filter(group -> !group.isEmpty()).distinct()
        .map(group -> group(served, group)).toList();
    return new APIGroupListBuilder().withGroups(groups).build();
  }

  private static APIGroup group(List<Served> served, String group) {
    List<GroupVersionForDiscovery> versions = served.stream().filter(s -> s.group().equals(group))
        .map(s -> new GroupVersionForDiscovery(s.groupVersion(), s.version())).distinct().toList();
    return versions.isEmpty() ? null
        : new APIGroupBuilder().withName(group).withVersions(versions).withPreferredVersion(versions.get(0)).build();
  }

  private static Object resourceList(List<Served> served, String groupVersion) {
    List<APIResource> resources = new ArrayList<>();
    served.stream().filter(s -> s.groupVersion().equals(groupVersion)).forEach(s -> {
      resources.add(new APIResourceBuilder().withName(s.plural()).withSingularName(s.singular())
          .withKind(s.kind()).withNamespaced(s.namespaced()).withVerbs(VERBS)
          .withShortNames(s.shortNames()).withCategories(s.categories()).build());
      if (s.status()) {
        resources.add(new APIResourceBuilder().withName(s.plural() + "/status").withSingularName("")
            .withKind(s.kind()).withNamespaced(s.namespaced()).withVerbs(SUBRESOURCE_VERBS).build());
      }
    });
    return resources.isEmpty() ? null
        : new APIResourceListBuilder().withGroupVersion(groupVersion).withResources(resources).build();
  }
}
