package io.pks.operator;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * One request to the API server as RBAC sees it: the verb on a resource of an API group, in a
 * namespace or (null) cluster-wide. Informers show up as list plus watch.
 *
 * @param namespace the request's namespace; null for a cluster-wide request (also a list across all namespaces)
 * @param group API group, "" for the core group
 * @param resource plural resource, with "/subresource" when there is one
 * @param verb get, list, watch, create, update, patch, delete or deletecollection
 */
public record ApiAccess(String namespace, String group, String resource, String verb) {

  /** The access a request needs; empty for what is not a resource request (discovery, /version). */
  public static Optional<ApiAccess> of(String method, String pathAndQuery) {
    URI uri = URI.create(pathAndQuery);
    List<String> segments = Arrays.stream(uri.getPath().split("/")).filter(s -> !s.isEmpty()).toList();
    List<String> rest;
    String group;
    if (segments.size() > 2 && segments.get(0).equals("api")) {
      group = "";
      rest = segments.subList(2, segments.size());
    } else if (segments.size() > 3 && segments.get(0).equals("apis")) {
      group = segments.get(1);
      rest = segments.subList(3, segments.size());
    } else {
      return Optional.empty();
    }
    String namespace = null;
    if (rest.get(0).equals("namespaces") && rest.size() > 2) {
      namespace = rest.get(1);
      rest = rest.subList(2, rest.size());
    }
    boolean named = rest.size() > 1;
    String resource = rest.size() > 2 ? rest.get(0) + "/" + rest.get(2) : rest.get(0);
    String verb = switch (method) {
      case "GET" -> watch(uri) ? "watch" : named ? "get" : "list";
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> named ? "delete" : "deletecollection";
      default -> throw new IllegalArgumentException("unexpected method " + method + " " + pathAndQuery);
    };
    return Optional.of(new ApiAccess(namespace, group, resource, verb));
  }

  private static boolean watch(URI uri) {
    return uri.getQuery() != null && Arrays.stream(uri.getQuery().split("&"))
        .anyMatch(parameter -> parameter.equals("watch=true") || parameter.equals("watch=1"));
  }

  @Override
  public String toString() {
    return (group.isEmpty() ? "core" : group) + " " + resource + " " + verb
        + (namespace == null ? "" : " in " + namespace);
  }
}
