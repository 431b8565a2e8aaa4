package io.pks.operator.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads postgresql.conf as PostgreSQL's lexer (guc-file.l) does: one setting per line,
 * {@code name [=] value}, a value quoted with '' and backslash escapes or a bare token, and a #
 * comment only outside quotes. Anything else is a syntax error, on which PostgreSQL refuses to
 * start. HostileValuesIT checks the renderer against PostgreSQL itself.
 */
final class PostgresqlConfFile {
  private PostgresqlConfFile() {
  }

  private static final Pattern LINE = Pattern.compile(
      "\\s*(?<name>[A-Za-z_][A-Za-z0-9_$]*(\\.[A-Za-z_][A-Za-z0-9_$]*)*)\\s*=?\\s*"
          + "(?:'(?<quoted>([^'\\\\\\n]|\\\\.|'')*)'|(?<bare>[A-Za-z0-9_$.+-]+))\\s*(#.*)?");
  private static final Pattern BLANK_OR_COMMENT = Pattern.compile("\\s*(#.*)?");

  /** Settings in file order; a later line for the same name wins, as in PostgreSQL. */
  static Map<String, String> parse(String text) {
    Map<String, String> settings = new LinkedHashMap<>();
    int number = 0;
    for (String line : text.split("\n", -1)) {
      number++;
      if (BLANK_OR_COMMENT.matcher(line).matches()) {
        continue;
      }
      Matcher setting = LINE.matcher(line);
      if (!setting.matches()) {
        throw new IllegalArgumentException("syntax error in line " + number + ": " + line);
      }
      String value = setting.group("quoted") != null ? unescape(setting.group("quoted")) : setting.group("bare");
      settings.put(setting.group("name").toLowerCase(), value);
    }
    return settings;
  }

  /** GUC_scanstr: '' is a quote; \b \f \n \r \t and octal escapes; a backslash keeps any other character. */
  private static String unescape(String quoted) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < quoted.length(); i++) {
      char c = quoted.charAt(i);
      if (c == '\'') {
        out.append('\'');
        i++;
      } else if (c == '\\' && i + 1 < quoted.length()) {
        char next = quoted.charAt(++i);
        switch (next) {
          case 'b' -> out.append('\b');
          case 'f' -> out.append('\f');
          case 'n' -> out.append('\n');
          case 'r' -> out.append('\r');
          case 't' -> out.append('\t');
          default -> {
            if (next >= '0' && next <= '7') {
              int end = i;
              while (end < quoted.length() && end < i + 3 && quoted.charAt(end) >= '0' && quoted.charAt(end) <= '7') {
                end++;
              }
              out.append((char) Integer.parseInt(quoted.substring(i, end), 8));
              i = end - 1;
            } else {
              out.append(next);
            }
          }
        }
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
