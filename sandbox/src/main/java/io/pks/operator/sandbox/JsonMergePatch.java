package io.pks.operator.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * JSON merge patch (RFC 7386), as the API server applies {@code application/merge-patch+json}: a null removes the
 * field and an array replaces the one it patches. The mock's own merge keeps the nulls (so {@code kubectl annotate
 * pod p key-} left the key) and appends to arrays.
 */
final class JsonMergePatch {
  private JsonMergePatch() {
  }

  /** {@code target} patched; {@code target} itself is changed when it is an object. */
  static JsonNode apply(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch;
    }
    ObjectNode result = target != null && target.isObject() ? (ObjectNode) target : JsonNodeFactory.instance.objectNode();
    patch.fields().forEachRemaining(field -> {
      if (field.getValue().isNull()) {
        result.remove(field.getKey());
      } else {
        result.set(field.getKey(), apply(result.get(field.getKey()), field.getValue()));
      }
    });
    return result;
  }

  /**
   * Whether a strategic merge patch means what it would as a JSON merge patch: it holds no list (which a strategic
   * patch merges by key) and no {@code $} directive. kubectl cordon's {@code {"spec":{"unschedulable":true}}} does.
   */
  static boolean strategicReadsAsMerge(JsonNode patch) {
    if (patch.isArray()) {
      return false;
    }
    for (var fields = patch.fields(); fields.hasNext();) {
      var field = fields.next();
      if (field.getKey().startsWith("$") || !strategicReadsAsMerge(field.getValue())) {
        return false;
      }
    }
    return true;
  }
}
