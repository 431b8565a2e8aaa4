package io.pks.operator;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;

/**
 * Keeps one copy of each short string value read: the informers' caches hold every pair's objects,
 * whose strings are mostly the same from pair to pair (mount paths, probe commands, image, label
 * keys and values). Jackson shares the names of fields already, not their values. A cached
 * StatefulSet took 23.7 KB of heap, and 17.0 KB with its values shared (BENCHMARKS.md, issue 17).
 * The JVM's string table holds the shared strings weakly: one no object refers to any more goes.
 */
final class SharedStrings extends StdScalarDeserializer<String> {
  /**
   * Longer values are the pairs' own (configuration files, certificates) and read rarely: sharing
   * them would cost a table lookup over their length for nothing.
   */
  static final int MAX_LENGTH = 256;

  private SharedStrings() {
    super(String.class);
  }

  /** The module that makes each String value Jackson reads, up to {@link #MAX_LENGTH} characters, a shared one. */
  static SimpleModule module() {
    return new SimpleModule("shared-strings").addDeserializer(String.class, new SharedStrings());
  }

  @Override
  public String deserialize(JsonParser parser, DeserializationContext context) throws IOException {
    return shared(StringDeserializer.instance.deserialize(parser, context));
  }

  static String shared(String value) {
    return value == null || value.length() > MAX_LENGTH ? value : value.intern();
  }
}
