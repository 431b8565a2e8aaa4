package io.pks.operator.postgres;

import java.util.Objects;

/**
 * Where one member's PostgreSQL answers: a pod's DNS name and the pair's port in a cluster, a
 * loopback port in the sandbox and the tests.
 *
 * @param member the member's name, which is also its application_name as a standby
 */
public record MemberEndpoint(String member, String host, int port) {

  public MemberEndpoint {
    Objects.requireNonNull(member, "member");
    Objects.requireNonNull(host, "host");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
  }

  /** The JDBC URL of the member's maintenance database; IPv6 literals in brackets. */
  String jdbcUrl() {
    String address = host.contains(":") ? "[" + host + "]" : host;
    return "jdbc:postgresql://" + address + ":" + port + "/postgres";
  }

  @Override
  public String toString() {
    return member + "@" + host + ":" + port;
  }
}
