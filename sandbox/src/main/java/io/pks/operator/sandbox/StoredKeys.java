package io.pks.operator.sandbox;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor;
import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.crud.AttributeType;

/**
 * The keys of the Fabric8 CRUD store's objects, by resource (plural) and name. The store finds the
 * object a create, update or patch names by testing every key it holds, so each write cost a pass
 * over all objects: with 1000 pairs (some 17,000 objects with their Events) the embedded API
 * server spent 94% of its CPU in that pass, more than the operator it serves used in all
 * (BENCHMARKS.md, session 18). A real API server reads one key. A key without a single plural and
 * name (none is expected) is kept apart and is a candidate for every query, so a lookup here finds
 * whatever a pass would.
 */
final class StoredKeys {
  private static final String ANY = "*";

  private final Map<List<String>, Set<AttributeSet>> byResourceAndName = new ConcurrentHashMap<>();
  private final Set<AttributeSet> unindexed = ConcurrentHashMap.newKeySet();

  void add(AttributeSet key) {
    resourceAndName(key).ifPresentOrElse(
        bucket -> byResourceAndName.computeIfAbsent(bucket, b -> ConcurrentHashMap.newKeySet()).add(key),
        () -> unindexed.add(key));
  }

  void remove(AttributeSet key) {
    resourceAndName(key).ifPresentOrElse(bucket -> byResourceAndName.computeIfPresent(bucket, (b, keys) -> {
      keys.remove(key);
      return keys.isEmpty() ? null : keys;
    }), () -> unindexed.remove(key));
  }

  /** Forgets every key, then holds {@code keys}. */
  void replaceAll(Collection<AttributeSet> keys) {
    byResourceAndName.clear();
    unindexed.clear();
    keys.forEach(this::add);
  }

  /**
   * The keys that can match {@code query}, or empty when the query does not name one resource
   * and one name (a list, a selector on the name): then only a pass over every key answers it.
   */
  Optional<List<AttributeSet>> candidates(AttributeSet query) {
    return resourceAndName(query).map(bucket -> {
      List<AttributeSet> candidates = new ArrayList<>(byResourceAndName.getOrDefault(bucket, Set.of()));
      candidates.addAll(unindexed);
      return candidates;
    });
  }

  /** The plural and the name a key or query holds, when it holds exactly one of each, matched as equal. */
  private static Optional<List<String>> resourceAndName(AttributeSet attributes) {
    return single(attributes, KubernetesAttributesExtractor.PLURAL)
        .flatMap(plural -> single(attributes, KubernetesAttributesExtractor.NAME).map(name -> List.of(plural, name)));
  }

  private static Optional<String> single(AttributeSet attributes, String key) {
    Attribute attribute = attributes.getAttribute(key);
    if (attribute == null || attribute.getType() != AttributeType.WITH || attribute.getValues().size() != 1) {
      return Optional.empty();
    }
    // The store's values match "*" to anything.
    return Optional.of(attribute.getValues().get(0).toString()).filter(value -> !value.equals(ANY));
  }
}
