package io.pks.operator.monitoring;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard's JSON model as Grafana loads it: the schema version the README states, unique
 * panel ids, panels inside the 24-column grid, every query on the data source variable. What each
 * query reads is checked against a real scrape by MetricsScrapeE2E.
 */
class DashboardTest {
  private final JsonNode dashboard = MonitoringFiles.dashboard();

  @Test
  void theModelIsGrafanasSchemaVersion39WithAStableUid() {
    assertThat(dashboard.path("schemaVersion").asInt()).isEqualTo(39);
    assertThat(dashboard.path("uid").asText()).isEqualTo("pks-replica-pair");
    assertThat(dashboard.path("templating").path("list")).extracting(variable -> variable.path("name").asText())
        .containsExactly("datasource", "namespace", "pair");
  }

  @Test
  void panelsHaveUniqueIdsFitTheGridAndQueryTheChosenDataSource() {
    Set<Integer> ids = new HashSet<>();
    for (JsonNode panel : dashboard.path("panels")) {
      assertThat(ids.add(panel.path("id").asInt())).as("panel id %s is unique", panel.path("id")).isTrue();
      JsonNode grid = panel.path("gridPos");
      assertThat(grid.path("x").asInt() + grid.path("w").asInt()).as(panel.path("title").asText()).isLessThanOrEqualTo(24);
      if (!panel.path("type").asText().equals("row")) {
        assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty()
            .allSatisfy(target -> {
              assertThat(target.path("datasource").path("uid").asText()).isEqualTo("${datasource}");
              assertThat(target.path("expr").asText()).isNotBlank();
            });
      }
    }
  }
}
