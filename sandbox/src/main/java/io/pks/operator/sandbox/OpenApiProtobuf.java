package io.pks.operator.sandbox;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A Swagger 2.0 document in the protobuf form client-go downloads and decodes ({@code openapi.v2.Document} of
 * gnostic's OpenAPIv2.proto): the fields kubectl's validation reads, from the JSON document. Values that are free
 * JSON (default, enum, example, vendor extensions) travel as YAML text, JSON being YAML.
 */
final class OpenApiProtobuf {
  private OpenApiProtobuf() {
  }

  // Field numbers of OpenAPIv2.proto.
  private static final int DOCUMENT_SWAGGER = 1;
  private static final int DOCUMENT_INFO = 2;
  private static final int DOCUMENT_DEFINITIONS = 9;
  private static final int INFO_TITLE = 1;
  private static final int INFO_VERSION = 2;
  private static final int NAMED_NAME = 1;
  private static final int NAMED_VALUE = 2;
  private static final int ANY_YAML = 2;
  private static final int MAP_ENTRIES = 1;
  private static final int ADDITIONAL_PROPERTIES_SCHEMA = 1;
  private static final int ADDITIONAL_PROPERTIES_BOOLEAN = 2;
  private static final int LIST_VALUES = 1;

  private static final int SCHEMA_REF = 1;
  private static final int SCHEMA_DEFAULT = 5;
  private static final int SCHEMA_REQUIRED = 19;
  private static final int SCHEMA_ENUM = 20;
  private static final int SCHEMA_ADDITIONAL_PROPERTIES = 21;
  private static final int SCHEMA_TYPE = 22;
  private static final int SCHEMA_ITEMS = 23;
  private static final int SCHEMA_ALL_OF = 24;
  private static final int SCHEMA_PROPERTIES = 25;
  private static final int SCHEMA_EXAMPLE = 30;
  private static final int SCHEMA_VENDOR_EXTENSION = 31;
  private static final Map<String, Integer> SCHEMA_STRINGS =
      Map.of("format", 2, "title", 3, "description", 4, "pattern", 13, "discriminator", 26);
  private static final Map<String, Integer> SCHEMA_DOUBLES = Map.of("multipleOf", 6, "maximum", 7, "minimum", 9);
  private static final Map<String, Integer> SCHEMA_BOOLEANS =
      Map.of("exclusiveMaximum", 8, "exclusiveMinimum", 10, "uniqueItems", 16, "readOnly", 27);
  private static final Map<String, Integer> SCHEMA_INTEGERS = Map.of("maxLength", 11, "minLength", 12,
      "maxItems", 14, "minItems", 15, "maxProperties", 17, "minProperties", 18);

  private static final int VARINT = 0;
  private static final int FIXED64 = 1;
  private static final int LENGTH_DELIMITED = 2;

  /** The encoded {@code openapi.v2.Document} of a Swagger 2.0 JSON document (its info and definitions). */
  static byte[] document(JsonNode document) {
    Message message = new Message();
    message.string(DOCUMENT_SWAGGER, document.path("swagger").asText());
    message.message(DOCUMENT_INFO, new Message().string(INFO_TITLE, document.at("/info/title").asText())
        .string(INFO_VERSION, document.at("/info/version").asText()));
    message.message(DOCUMENT_DEFINITIONS, namedSchemas(document.path("definitions")));
    return message.bytes();
  }

  private static Message namedSchemas(JsonNode schemas) {
    Message entries = new Message();
    schemas.fields().forEachRemaining(entry -> entries.message(MAP_ENTRIES,
        new Message().string(NAMED_NAME, entry.getKey()).message(NAMED_VALUE, schema(entry.getValue()))));
    return entries;
  }

  private static Message schema(JsonNode schema) {
    Message message = new Message();
    schema.fields().forEachRemaining(entry -> field(message, entry.getKey(), entry.getValue()));
    return message;
  }

  private static void field(Message message, String keyword, JsonNode value) {
    switch (keyword) {
      case "$ref" -> message.string(SCHEMA_REF, value.asText());
      case "default" -> message.message(SCHEMA_DEFAULT, any(value));
      case "example" -> message.message(SCHEMA_EXAMPLE, any(value));
      case "required" -> value.forEach(name -> message.string(SCHEMA_REQUIRED, name.asText()));
      case "enum" -> value.forEach(item -> message.message(SCHEMA_ENUM, any(item)));
      case "type" -> message.message(SCHEMA_TYPE, new Message().string(LIST_VALUES, value.asText()));
      case "items" -> message.message(SCHEMA_ITEMS, new Message().message(LIST_VALUES, schema(value)));
      case "allOf" -> value.forEach(item -> message.message(SCHEMA_ALL_OF, schema(item)));
      case "properties" -> message.message(SCHEMA_PROPERTIES, namedSchemas(value));
      case "additionalProperties" -> message.message(SCHEMA_ADDITIONAL_PROPERTIES, value.isBoolean()
          ? new Message().bool(ADDITIONAL_PROPERTIES_BOOLEAN, value.asBoolean())
          : new Message().message(ADDITIONAL_PROPERTIES_SCHEMA, schema(value)));
      default -> scalar(message, keyword, value);
    }
  }

  private static void scalar(Message message, String keyword, JsonNode value) {
    if (SCHEMA_STRINGS.containsKey(keyword)) {
      message.string(SCHEMA_STRINGS.get(keyword), value.asText());
    } else if (SCHEMA_DOUBLES.containsKey(keyword)) {
      message.decimal(SCHEMA_DOUBLES.get(keyword), value.asDouble());
    } else if (SCHEMA_BOOLEANS.containsKey(keyword)) {
      message.bool(SCHEMA_BOOLEANS.get(keyword), value.asBoolean());
    } else if (SCHEMA_INTEGERS.containsKey(keyword)) {
      message.varint(SCHEMA_INTEGERS.get(keyword), value.asLong());
    } else if (keyword.startsWith("x-")) {
      message.message(SCHEMA_VENDOR_EXTENSION, new Message().string(NAMED_NAME, keyword)
          .message(NAMED_VALUE, any(value)));
    }
  }

  /** gnostic's {@code Any}: the value as YAML. */
  private static Message any(JsonNode value) {
    return new Message().string(ANY_YAML, value.toString());
  }

  /** A protobuf message being written, field by field, in the wire format. */
  private static final class Message {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Message string(int field, String value) {
      return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    Message message(int field, Message value) {
      return bytes(field, value.bytes());
    }

    Message bool(int field, boolean value) {
      return varint(field, value ? 1 : 0);
    }

    Message varint(int field, long value) {
      tag(field, VARINT);
      writeVarint(value);
      return this;
    }

    Message decimal(int field, double value) {
      tag(field, FIXED64);
      long bits = Double.doubleToLongBits(value);
      for (int shift = 0; shift < Long.SIZE; shift += Byte.SIZE) {
        out.write((int) (bits >>> shift));
      }
      return this;
    }

    byte[] bytes() {
      return out.toByteArray();
    }

    private Message bytes(int field, byte[] value) {
      tag(field, LENGTH_DELIMITED);
      writeVarint(value.length);
      out.writeBytes(value);
      return this;
    }

    private void tag(int field, int wireType) {
      writeVarint((long) field << 3 | wireType);
    }

    private void writeVarint(long value) {
      long rest = value;
      while ((rest & ~0x7FL) != 0) {
        out.write((int) (rest & 0x7F) | 0x80);
        rest >>>= 7;
      }
      out.write((int) rest);
    }
  }
}
