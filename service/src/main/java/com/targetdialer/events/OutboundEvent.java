package com.targetdialer.events;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

/** An event as subscribers and the replay API see it: the body of each delivery. */
public final class OutboundEvent {

  private OutboundEvent() {
  }

  /** A row of {@link EventsSql#COLUMNS}. */
  public static JsonObject json(Row row) {
    return new JsonObject()
        .put("seq", row.getLong("seq"))
        .put("id", row.getString("id"))
        .put("type", row.getString("type"))
        .put("occurred_at", row.getOffsetDateTime("occurred_at").toInstant().toString())
        .put("meeting_id", row.getLong("meeting_id"))
        .put("data", row.getJsonObject("data"));
  }
}
