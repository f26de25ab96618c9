package com.targetdialer.vexa;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * One Vexa meeting row as far as we need it: its numeric id, the bot's status, and the session
 * uid ({@code connection_id} in {@code meeting.status_change} webhooks).
 */
public record VexaBot(long id, String platform, String nativeMeetingId, String status, String sessionUid,
                      String completionReason, String failureStage) {

  /** Reads a 0.12 meeting row, or a 0.10 {@code running_bots} container entry. */
  public static VexaBot fromJson(JsonObject row) {
    JsonObject data = row.getJsonObject("data", new JsonObject());
    JsonArray sessions = data.getJsonArray("sessions", new JsonArray());
    String sessionUid = sessions.isEmpty() ? null : String.valueOf(sessions.getValue(sessions.size() - 1));
    Object id = row.getValue("id", row.getValue("meeting_id_from_name", row.getValue("meeting_id")));
    // 0.10 containers carry "Up 3 minutes" in status and the meeting's own status separately.
    String status = row.getString("meeting_status", row.getString("status"));
    return new VexaBot(
        id == null ? 0 : Long.parseLong(id.toString()),
        row.getString("platform"),
        row.getString("native_meeting_id"),
        status,
        sessionUid,
        row.getString("completion_reason"),
        row.getString("failure_stage"));
  }
}
