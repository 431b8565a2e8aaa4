package io.pks.operator.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Asks a member to read its configuration files again (pg_reload_conf()): it applies the settings
 * whose pg_settings.context allows it (sighup, superuser, user...) and marks the others
 * pending_restart, which the probe reports. Idempotent.
 */
public final class ConfigurationReload {
  private final PgConnector connector;

  public ConfigurationReload(PgConnector connector) {
    this.connector = connector;
  }

  public void reload(MemberEndpoint member) throws SQLException {
    try (Connection connection = connector.open(member); Statement statement = connection.createStatement()) {
      statement.execute("SELECT pg_reload_conf()");
    }
  }
}
