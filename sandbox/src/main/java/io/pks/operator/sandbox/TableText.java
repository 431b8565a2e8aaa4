package io.pks.operator.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * `kubectl get` without kubectl: asks the API server for the Table it gives kubectl and prints
 * it the way kubectl does (upper-case headers, columns padded, priority 0 columns only).
 */
public final class TableText {
  private TableText() {
  }

  private static final String TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io";

  public static String get(String apiServer, String path) {
    try {
      HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
          apiServer.replaceAll("/$", "") + path)).header("Accept", TABLE).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      return format(new ObjectMapper().readTree(response.body()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  static String format(JsonNode table) {
    List<Integer> shown = new ArrayList<>();
    List<List<String>> lines = new ArrayList<>();
    List<String> header = new ArrayList<>();
    JsonNode columns = table.path("columnDefinitions");
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).path("priority").asInt(0) == 0) {
        shown.add(i);
        header.add(columns.get(i).path("name").asText().toUpperCase(Locale.ROOT));
      }
    }
    lines.add(header);
    for (JsonNode row : table.path("rows")) {
      List<String> line = new ArrayList<>();
      for (int i : shown) {
        JsonNode cell = row.path("cells").path(i);
        line.add(cell.isNull() || cell.isMissingNode() ? "" : cell.asText());
      }
      lines.add(line);
    }
    int[] widths = new int[header.size()];
    for (List<String> line : lines) {
      for (int i = 0; i < line.size(); i++) {
        widths[i] = Math.max(widths[i], line.get(i).length());
      }
    }
    StringBuilder text = new StringBuilder();
    for (List<String> line : lines) {
      for (int i = 0; i < line.size(); i++) {
        text.append(i == line.size() - 1 ? line.get(i) : String.format("%-" + (widths[i] + 3) + "s", line.get(i)));
      }
      text.append('\n');
    }
    return text.toString();
  }
}
