package io.pks.operator.sandbox;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.MockResponse;

/** JSON responses as a Kubernetes API server writes them. */
final class Responses {
  private Responses() {
  }

  static MockResponse json(int code, Object body) {
    return new MockResponse().setResponseCode(code)
        .setHeader("Content-Type", "application/json")
        .setBody(body instanceof String text ? text : Serialization.asJson(body));
  }

  /** A failure with a {@code Status} body, which kubectl and the Fabric8 client turn into their error message. */
  static MockResponse status(int code, String message) {
    return json(code, new StatusBuilder()
        .withStatus("Failure")
        .withMessage(message)
        .withReason(reason(code))
        .withCode(code)
        .build());
  }

  /** The {@code StatusReason} a real API server gives with each code (clients branch on it, e.g. on Conflict). */
  static String reason(int code) {
    return switch (code) {
      case 400 -> "BadRequest";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "NotFound";
      case 405 -> "MethodNotAllowed";
      case 409 -> "Conflict";
      case 410 -> "Expired";
      case 415 -> "UnsupportedMediaType";
      case 422 -> "Invalid";
      case 429 -> "TooManyRequests";
      case 500 -> "InternalError";
      case 503 -> "ServiceUnavailable";
      case 504 -> "Timeout";
      default -> "";
    };
  }
}
