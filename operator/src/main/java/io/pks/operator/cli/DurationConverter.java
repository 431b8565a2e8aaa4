package io.pks.operator.cli;

import java.time.Duration;

import picocli.CommandLine;

/** Durations as people write them: 500ms, 1s, 2m. */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    String text = value.strip().toLowerCase();
    try {
      if (text.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
      }
      if (text.endsWith("s")) {
        return Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)));
      }
      if (text.endsWith("m")) {
        return Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1)));
      }
    } catch (NumberFormatException e) {
      // fall through to the message below
    }
    throw new CommandLine.TypeConversionException("'" + value + "' is not a duration such as 500ms, 1s or 2m");
  }
}
