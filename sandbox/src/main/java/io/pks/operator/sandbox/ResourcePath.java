package io.pks.operator.sandbox;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The parts of a resource path such as {@code /apis/pks.io/v1alpha1/namespaces/ns/pksreplicapairs/pks/status}:
 * the group is empty for the core API, namespace, name and subresource are null when absent.
 */
record ResourcePath(String group, String version, String namespace, String plural, String name, String subresource) {

  /** The resource a request path addresses, or empty for other paths (discovery, {@code /version}). */
  static Optional<ResourcePath> parse(String requestPath) {
    List<String> segments = Arrays.stream(withoutQuery(requestPath).split("/")).filter(s -> !s.isEmpty()).toList();
    int prefix;
    if (segments.size() >= 3 && segments.get(0).equals("api")) {
      prefix = 2;
    } else if (segments.size() >= 4 && segments.get(0).equals("apis")) {
      prefix = 3;
    } else {
      return Optional.empty();
    }
    String group = prefix == 2 ? "" : segments.get(1);
    List<String> rest = segments.subList(prefix, segments.size());
    boolean namespaced = rest.size() >= 3 && rest.get(0).equals("namespaces");
    List<String> resource = namespaced ? rest.subList(2, rest.size()) : rest;
    if (resource.size() > 3) {
      return Optional.empty();
    }
    return Optional.of(new ResourcePath(group, segments.get(prefix - 1), namespaced ? rest.get(1) : null,
        resource.get(0), at(resource, 1), at(resource, 2)));
  }

  /** The path without its query string. */
  static String withoutQuery(String requestPath) {
    int query = requestPath.indexOf('?');
    return query < 0 ? requestPath : requestPath.substring(0, query);
  }

  /** One query parameter of a request path, decoded, or empty when absent. */
  static Optional<String> queryParameter(String requestPath, String parameter) {
    int query = requestPath.indexOf('?');
    if (query < 0) {
      return Optional.empty();
    }
    return Arrays.stream(requestPath.substring(query + 1).split("&"))
        .filter(pair -> pair.startsWith(parameter + "="))
        .map(pair -> URLDecoder.decode(pair.substring(parameter.length() + 1), StandardCharsets.UTF_8))
        .findFirst();
  }

  /** The request path without one query parameter. */
  static String withoutQueryParameter(String requestPath, String parameter) {
    int query = requestPath.indexOf('?');
    if (query < 0) {
      return requestPath;
    }
    String kept = Arrays.stream(requestPath.substring(query + 1).split("&"))
        .filter(pair -> !pair.startsWith(parameter + "="))
        .collect(Collectors.joining("&"));
    return requestPath.substring(0, query) + (kept.isEmpty() ? "" : "?" + kept);
  }

  /** How the API server names the resource in messages: {@code pods}, {@code pksreplicapairs.pks.io}. */
  String groupResource() {
    return group.isEmpty() ? plural : plural + "." + group;
  }

  private static String at(List<String> segments, int index) {
    return index < segments.size() ? segments.get(index) : null;
  }
}
