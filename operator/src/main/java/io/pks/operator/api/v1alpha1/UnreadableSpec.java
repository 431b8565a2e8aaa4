package io.pks.operator.api.v1alpha1;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A spec that is not a {@link PksReplicaPairSpec}: a field of the wrong type, an unknown field or
 * enum value. Kept as written, with Jackson's error (which carries the field's path), so the
 * validator can name the field.
 *
 * @param asWritten the spec as the API server returned it
 */
public record UnreadableSpec(JsonNode asWritten, JsonProcessingException error) {
}
