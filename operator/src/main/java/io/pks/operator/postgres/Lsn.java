package io.pks.operator.postgres;

/** PostgreSQL's WAL positions in their text form (e.g. 0/3000148), compared as numbers. */
public final class Lsn {
  private Lsn() {
  }

  /** The position as an unsigned 64-bit number: high and low 32-bit halves, in hex. */
  public static long parse(String lsn) {
    int slash = lsn.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("not a WAL position: " + lsn);
    }
    return Long.parseLong(lsn.substring(0, slash), 16) << 32 | Long.parseLong(lsn.substring(slash + 1), 16);
  }

  /** Whether {@code lsn} is {@code than} or beyond it; false when either is unknown (null). */
  public static boolean atOrBeyond(String lsn, String than) {
    return lsn != null && than != null && Long.compareUnsigned(parse(lsn), parse(than)) >= 0;
  }

  /** Whether {@code lsn} is strictly beyond {@code than}; false when either is unknown (null). */
  public static boolean beyond(String lsn, String than) {
    return lsn != null && than != null && Long.compareUnsigned(parse(lsn), parse(than)) > 0;
  }
}
