package com.targetdialer.sim.vexa;

import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * One webhook POST attempt, as the simulator made it.
 *
 * @param statusCode the receiver's HTTP status, or 0 when the request failed in transport (refused, timed out)
 * @param outcome    {@code delivered} (status below 300), {@code retrying} (5xx, 429 or transport error,
 *                   another attempt is scheduled), {@code dead_letter} (retryable, but the schedule is used
 *                   up) or {@code failed} (any other status: permanent, no retry)
 * @param body       the exact bytes sent (and signed), as a string
 */
public record WebhookDelivery(String eventId, String eventType, long meetingId, String url, int attempt,
                              int statusCode, String outcome, String body, Instant at) {

  public JsonObject envelope() {
    return new JsonObject(body);
  }

  public boolean delivered() {
    return "delivered".equals(outcome);
  }
}
