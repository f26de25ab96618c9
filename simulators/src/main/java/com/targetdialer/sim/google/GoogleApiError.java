package com.targetdialer.sim.google;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A Calendar API failure in Google's error shape. Thrown by request parsing and lookups,
 * turned into the JSON body by the endpoint.
 */
final class GoogleApiError extends RuntimeException {

  final int code;
  final String reason;

  GoogleApiError(int code, String reason, String message) {
    super(message != null ? message : defaultMessage(reason, code), null, false, false);
    this.code = code;
    this.reason = reason != null ? reason : defaultReason(code);
  }

  static GoogleApiError badRequest(String reason, String message) {
    return new GoogleApiError(400, reason, message);
  }

  static GoogleApiError notFound() {
    return new GoogleApiError(404, "notFound", "Not Found");
  }

  /** {@code {"error":{"code":..,"message":..,"errors":[{"domain":..,"reason":..,"message":..}],"status":..}}}. */
  JsonObject body() {
    JsonObject detail = new JsonObject().put("domain", domain(reason)).put("reason", reason).put("message", getMessage());
    if (code == 401) {
      detail.put("location", "Authorization").put("locationType", "header");
    }
    JsonObject error = new JsonObject()
        .put("code", code)
        .put("message", getMessage())
        .put("errors", new JsonArray().add(detail));
    String status = status(code);
    if (status != null) {
      error.put("status", status);
    }
    return new JsonObject().put("error", error);
  }

  static String domain(String reason) {
    return switch (reason) {
      case "rateLimitExceeded", "userRateLimitExceeded", "quotaExceeded", "dailyLimitExceeded" -> "usageLimits";
      default -> "global";
    };
  }

  static String status(int code) {
    return switch (code) {
      case 400 -> "INVALID_ARGUMENT";
      case 401 -> "UNAUTHENTICATED";
      case 403 -> "PERMISSION_DENIED";
      case 404 -> "NOT_FOUND";
      case 409 -> "ABORTED";
      case 412 -> "FAILED_PRECONDITION";
      case 429 -> "RESOURCE_EXHAUSTED";
      case 500 -> "INTERNAL";
      case 503 -> "UNAVAILABLE";
      case 504 -> "DEADLINE_EXCEEDED";
      default -> null;
    };
  }

  static String defaultReason(int code) {
    return switch (code) {
      case 400 -> "badRequest";
      case 401 -> "authError";
      case 403 -> "forbidden";
      case 404 -> "notFound";
      case 410 -> "fullSyncRequired";
      case 429 -> "rateLimitExceeded";
      default -> code >= 500 ? "backendError" : "invalid";
    };
  }

  static String defaultMessage(String reason, int code) {
    String r = reason != null ? reason : defaultReason(code);
    return switch (r) {
      case "rateLimitExceeded" -> "Rate Limit Exceeded";
      case "userRateLimitExceeded" -> "User Rate Limit Exceeded";
      case "quotaExceeded" -> "Calendar usage limits exceeded.";
      case "dailyLimitExceeded" -> "Daily Limit Exceeded";
      case "backendError" -> "Backend Error";
      case "fullSyncRequired" -> "Sync token is no longer valid, a full sync is required.";
      case "authError" -> "Invalid Credentials";
      case "notFound" -> "Not Found";
      case "forbidden" -> "Forbidden";
      case "insufficientPermissions" -> "Request had insufficient authentication scopes.";
      case "badRequest" -> "Bad Request";
      default -> r;
    };
  }
}
