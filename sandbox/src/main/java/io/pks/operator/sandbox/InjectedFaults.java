package io.pks.operator.sandbox;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Predicate;

/** Rules that answer matching requests with an error status instead of serving them, each for a count or a time. */
final class InjectedFaults {

  private static final class Rule {
    private final String method;
    private final Predicate<String> path;
    private final int status;
    private final Instant until;
    private int remaining;

    private Rule(String method, Predicate<String> path, int status, int count, Instant until) {
      this.method = method;
      this.path = path;
      this.status = status;
      this.remaining = count;
      this.until = until;
    }

    private boolean matches(String requestMethod, String requestPath) {
      return (method.equals(EmbeddedApiServer.ANY_METHOD) || method.equalsIgnoreCase(requestMethod))
          && path.test(requestPath);
    }
  }

  private final List<Rule> rules = new ArrayList<>();

  synchronized void add(String method, Predicate<String> path, int status, int count, Instant until) {
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("a fault answers 4xx or 5xx, not " + status);
    }
    if (count < 1) {
      throw new IllegalArgumentException("a fault must apply to at least one request, not " + count);
    }
    rules.add(new Rule(method, path, status, count, until));
  }

  /** The status to answer this request with, consuming one use of the first rule that matches it. */
  synchronized OptionalInt take(String method, String path, Instant now) {
    rules.removeIf(rule -> rule.remaining == 0 || now.isAfter(rule.until));
    for (Rule rule : rules) {
      if (rule.matches(method, path)) {
        rule.remaining--;
        return OptionalInt.of(rule.status);
      }
    }
    return OptionalInt.empty();
  }

  synchronized void clear() {
    rules.clear();
  }
}
