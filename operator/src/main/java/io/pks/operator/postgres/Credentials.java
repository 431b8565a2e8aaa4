package io.pks.operator.postgres;

import java.util.Objects;

/**
 * A PostgreSQL user and its password. Not a record, so that the password never reaches a
 * toString, and is handed out only as a copy.
 */
public final class Credentials {
  private final String user;
  private final char[] password;

  public Credentials(String user, char[] password) {
    this.user = Objects.requireNonNull(user, "user");
    this.password = Objects.requireNonNull(password, "password").clone();
  }

  public String user() {
    return user;
  }

  /** A fresh copy of the password on each call: pgjdbc clears the arrays it is handed. */
  public char[] password() {
    return password.clone();
  }

  @Override
  public String toString() {
    return "Credentials[user=" + user + ", password=<hidden>]";
  }
}
