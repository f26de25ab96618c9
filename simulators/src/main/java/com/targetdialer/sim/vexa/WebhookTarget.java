package com.targetdialer.sim.vexa;

import io.vertx.core.json.JsonObject;

/**
 * The user's webhook settings as frozen onto a meeting at spawn. A PUT /user/webhook afterwards
 * does not change it, as in the real service.
 */
record WebhookTarget(String url, String secret, JsonObject events) {

  /** {@code webhooks/delivery.py is_event_enabled}: a listed key wins; otherwise only meeting.completed. */
  boolean enabled(String eventType) {
    if (events != null && events.containsKey(eventType)) {
      return Boolean.TRUE.equals(events.getValue(eventType));
    }
    return "meeting.completed".equals(eventType);
  }

  boolean signed() {
    return secret != null && !secret.isBlank();
  }
}
