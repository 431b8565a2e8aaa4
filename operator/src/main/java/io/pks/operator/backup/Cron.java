package io.pks.operator.backup;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;

/**
 * A five-field cron expression (minute hour day-of-month month day-of-week), evaluated in UTC.
 * Each field is '*', a value, a range a-b, any of these with a step /n, or a comma-separated list.
 * As in cron, when both day fields are restricted a day matches either.
 */
public record Cron(String expression, BitSet minutes, BitSet hours, BitSet daysOfMonth, BitSet months,
    BitSet daysOfWeek, boolean daysOfMonthRestricted, boolean daysOfWeekRestricted) {

  private record Field(String name, int min, int max) {
  }

  private static final List<Field> FIELDS = List.of(new Field("minute", 0, 59), new Field("hour", 0, 23),
      new Field("day of month", 1, 31), new Field("month", 1, 12), new Field("day of week", 0, 7));
  /** Long enough to find Feb 29 in any leap year, short enough to end quickly on 31 Feb. */
  private static final long SEARCH_MINUTES = 8L * 366 * 24 * 60;

  /** The expression parsed, or an {@link IllegalArgumentException} saying which field is wrong. */
  public static Cron parse(String expression) {
    String[] parts = expression == null ? new String[0] : expression.trim().split("\\s+");
    if (parts.length != FIELDS.size()) {
      throw new IllegalArgumentException("must have five fields (minute hour day-of-month month"
          + " day-of-week), got " + (expression == null ? "nothing" : "'" + expression + "'"));
    }
    BitSet[] sets = new BitSet[FIELDS.size()];
    for (int i = 0; i < parts.length; i++) {
      sets[i] = field(FIELDS.get(i), parts[i]);
    }
    if (sets[4].get(7)) {
      sets[4].set(0);
    }
    return new Cron(expression, sets[0], sets[1], sets[2], sets[3], sets[4], !parts[2].equals("*"),
        !parts[4].equals("*"));
  }

  /** The first whole minute strictly after {@code after} that the expression names, if any. */
  public Optional<ZonedDateTime> next(ZonedDateTime after) {
    ZonedDateTime time = after.withZoneSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
    for (long i = 0; i < SEARCH_MINUTES; i++, time = time.plusMinutes(1)) {
      if (matches(time)) {
        return Optional.of(time);
      }
    }
    return Optional.empty();
  }

  boolean matches(ZonedDateTime time) {
    return minutes.get(time.getMinute()) && hours.get(time.getHour()) && months.get(time.getMonthValue())
        && dayMatches(time);
  }

  private boolean dayMatches(ZonedDateTime time) {
    boolean dayOfMonth = daysOfMonth.get(time.getDayOfMonth());
    boolean dayOfWeek = daysOfWeek.get(time.getDayOfWeek().getValue() % 7);
    if (daysOfMonthRestricted && daysOfWeekRestricted) {
      return dayOfMonth || dayOfWeek;
    }
    return dayOfMonth && dayOfWeek;
  }

  private static BitSet field(Field field, String text) {
    BitSet values = new BitSet();
    for (String item : text.split(",", -1)) {
      item(field, item, values);
    }
    return values;
  }

  private static void item(Field field, String item, BitSet values) {
    String[] rangeAndStep = item.split("/", -1);
    if (rangeAndStep.length > 2) {
      throw invalid(field, item);
    }
    int step = rangeAndStep.length == 2 ? number(field, rangeAndStep[1], 1, field.max()) : 1;
    String range = rangeAndStep[0];
    int from;
    int to;
    if (range.equals("*")) {
      from = field.min();
      to = field.max();
    } else if (range.contains("-")) {
      String[] bounds = range.split("-", -1);
      if (bounds.length != 2) {
        throw invalid(field, item);
      }
      from = number(field, bounds[0], field.min(), field.max());
      to = number(field, bounds[1], from, field.max());
    } else {
      from = number(field, range, field.min(), field.max());
      to = rangeAndStep.length == 2 ? field.max() : from;
    }
    for (int value = from; value <= to; value += step) {
      values.set(value);
    }
  }

  private static int number(Field field, String text, int min, int max) {
    if (!text.matches("[0-9]{1,2}")) {
      throw invalid(field, text);
    }
    int value = Integer.parseInt(text);
    if (value < min || value > max) {
      throw new IllegalArgumentException(field.name() + " " + value + " is outside " + min + "-" + max);
    }
    return value;
  }

  private static IllegalArgumentException invalid(Field field, String text) {
    return new IllegalArgumentException(field.name() + " field '" + text + "' is not a number, '*', a"
        + " range a-b or a step /n");
  }
}
