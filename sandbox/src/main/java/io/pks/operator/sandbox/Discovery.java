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
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.GroupVersionForDiscovery;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.policy.v1.Eviction;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
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

  /** NAMESPACED and STATUS as in discovery, IN_ALL: listed by {@code kubectl get all}, EVICTION: has pods/eviction. */
  private enum Trait { NAMESPACED, STATUS, IN_ALL, EVICTION }

  /** One kind served under one group version. */
  record Served(String group, String version, String plural, String singular, String kind, boolean namespaced,
      List<String> shortNames, List<String> categories, boolean status, boolean eviction) {

    String groupVersion() {
      return group.isEmpty() ? version : group + "/" + version;
    }
  }

  private static final List<String> VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");
  private static final List<String> SUBRESOURCE_VERBS = List.of("get", "patch", "update");

  /** A kind this server serves besides the CRDs, by its Fabric8 model class (which names its group, version, kind). */
  private record BuiltIn(Class<? extends HasMetadata> type, List<String> shortNames, Set<Trait> traits) {
  }

  private static final List<BuiltIn> BUILT_IN = List.of(
      builtIn(Pod.class, List.of("po"), Trait.NAMESPACED, Trait.STATUS, Trait.IN_ALL, Trait.EVICTION),
      builtIn(Service.class, List.of("svc"), Trait.NAMESPACED, Trait.STATUS, Trait.IN_ALL),
      builtIn(Secret.class, List.of(), Trait.NAMESPACED),
      builtIn(ConfigMap.class, List.of("cm"), Trait.NAMESPACED),
      builtIn(io.fabric8.kubernetes.api.model.Event.class, List.of("ev"), Trait.NAMESPACED),
      builtIn(PersistentVolumeClaim.class, List.of("pvc"), Trait.NAMESPACED, Trait.STATUS),
      builtIn(Endpoints.class, List.of("ep"), Trait.NAMESPACED),
      builtIn(Namespace.class, List.of("ns"), Trait.STATUS),
      builtIn(Node.class, List.of("no"), Trait.STATUS),
      builtIn(StatefulSet.class, List.of("sts"), Trait.NAMESPACED, Trait.STATUS, Trait.IN_ALL),
      builtIn(Job.class, List.of(), Trait.NAMESPACED, Trait.STATUS, Trait.IN_ALL),
      builtIn(PodDisruptionBudget.class, List.of("pdb"), Trait.NAMESPACED, Trait.STATUS),
      builtIn(Lease.class, List.of(), Trait.NAMESPACED),
      builtIn(CustomResourceDefinition.class, List.of("crd", "crds"), Trait.STATUS),
      builtIn(io.fabric8.kubernetes.api.model.events.v1.Event.class, List.of("ev"), Trait.NAMESPACED));

  /** The Kubernetes release whose API the Fabric8 7.5 model (and so this server) speaks. */
  static final String GIT_VERSION = "v1.33.0+pks-sandbox";
  private static final Map<String, String> VERSION =
      Map.of("major", "1", "minor", "33", "gitVersion", GIT_VERSION, "platform", "linux/amd64");

  /** The response for a discovery path, or empty when {@code path} (without query) addresses resources instead. */
  static Optional<MockResponse> respond(String path, Supplier<List<CustomResourceDefinition>> crds) {
    if (path.equals("/version")) {
      return Optional.of(Responses.json(200, VERSION));
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

  /** Every kind served: the built-in ones, then each served version of each CRD. */
  static Stream<Served> served(List<CustomResourceDefinition> crds) {
    return Stream.concat(BUILT_IN.stream().map(Discovery::served), crds.stream().flatMap(Discovery::served));
  }

  private static BuiltIn builtIn(Class<? extends HasMetadata> type, List<String> shortNames, Trait... traits) {
    return new BuiltIn(type, shortNames, Set.of(traits));
  }

  /** The Fabric8 model classes of the built-in kinds served, for their schemas. */
  static List<Class<? extends HasMetadata>> builtInTypes() {
    return BUILT_IN.stream().<Class<? extends HasMetadata>>map(BuiltIn::type).toList();
  }

  private static Served served(BuiltIn builtIn) {
    Class<? extends HasMetadata> type = builtIn.type();
    Set<Trait> has = builtIn.traits();
    return new Served(Optional.ofNullable(HasMetadata.getGroup(type)).orElse(""), HasMetadata.getVersion(type),
        HasMetadata.getPlural(type), HasMetadata.getSingular(type), HasMetadata.getKind(type),
        has.contains(Trait.NAMESPACED), builtIn.shortNames(), has.contains(Trait.IN_ALL) ? List.of("all") : List.of(),
        has.contains(Trait.STATUS), has.contains(Trait.EVICTION));
  }

  private static Stream<Served> served(CustomResourceDefinition crd) {
    CustomResourceDefinitionNames names = crd.getSpec().getNames();
    return crd.getSpec().getVersions().stream()
        .filter(version -> Boolean.TRUE.equals(version.getServed()))
        .map(version -> new Served(crd.getSpec().getGroup(), version.getName(), names.getPlural(),
            names.getSingular(), names.getKind(), "Namespaced".equals(crd.getSpec().getScope()),
            names.getShortNames(), names.getCategories(),
            version.getSubresources() != null && version.getSubresources().getStatus() != null, false));
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
      if (s.eviction()) {
        // kubectl drain looks here for the Eviction kind and its group version before it evicts.
        resources.add(new APIResourceBuilder().withName(s.plural() + "/eviction").withSingularName("")
            .withGroup(HasMetadata.getGroup(Eviction.class)).withVersion(HasMetadata.getVersion(Eviction.class))
            .withKind(HasMetadata.getKind(Eviction.class)).withNamespaced(s.namespaced()).withVerbs("create").build());
      }
    });
    return resources.isEmpty() ? null
        : new APIResourceListBuilder().withGroupVersion(groupVersion).withResources(resources).build();
  }
}
