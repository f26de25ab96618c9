package com.targetdialer.calendar;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Set;

/**
 * A failed Calendar API call, read from Google's error JSON: {@code error.errors[0].reason} decides
 * what to do, since rate limits come as 403 or 429. Status 0 means no answer (connection, timeout).
 */
public final class GoogleApiException extends RuntimeException {

  private static final Set<String> RATE_LIMITS = Set.of("rateLimitExceeded", "userRateLimitExceeded");
  private static final Set<String> QUOTAS = Set.of("quotaExceeded", "dailyLimitExceeded");

  private final int status;
  private final String reason;
  private final Long retryAfterMs;

  GoogleApiException(int status, String reason, String message, Long retryAfterMs) {
    super(message, null, false, false);
    this.status = status;
    this.reason = reason;
    this.retryAfterMs = retryAfterMs;
  }

  static GoogleApiException unreachable(Throwable cause) {
    return new GoogleApiException(0, "unreachable", "Google Calendar unreachable: " + cause.getMessage(), null);
  }

  static GoogleApiException fromResponse(int status, Buffer body, Long retryAfterMs) {
    String reason = null;
    String message = null;
    if (body != null && body.length() > 0) {
      try {
        JsonObject error = new JsonObject(body).getJsonObject("error");
        if (error != null) {
          message = error.getString("message");
          JsonArray errors = error.getJsonArray("errors");
          if (errors != null && !errors.isEmpty() && errors.getValue(0) instanceof JsonObject first) {
            reason = first.getString("reason");
          }
          if (reason == null) {
            reason = error.getString("status");
          }
        }
      } catch (DecodeException | ClassCastException e) {
        message = body.length() > 200 ? body.getString(0, 200) : body.toString();
      }
    }
    String text = status + (reason == null ? "" : " " + reason) + (message == null ? "" : ": " + message);
    return new GoogleApiException(status, reason, text, retryAfterMs);
  }

  public int status() {
    return status;
  }

  public String reason() {
    return reason;
  }

  Long retryAfterMs() {
    return retryAfterMs;
  }

  /** 403 rateLimitExceeded/userRateLimitExceeded, or 429. */
  public boolean rateLimited() {
    return status == 429 || (status == 403 && RATE_LIMITS.contains(reason));
  }

  /** 403 quotaExceeded/dailyLimitExceeded: back off for minutes, not seconds. */
  public boolean quotaExhausted() {
    return status == 403 && QUOTAS.contains(reason);
  }

  /** Worth another attempt soon: no answer, 5xx, or a rate limit. */
  public boolean retryable() {
    return status == 0 || status >= 500 || rateLimited();
  }
}
