package com.targetdialer.vexa;

import com.targetdialer.meeting.BotStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * One Vexa meeting row as far as we need it: its numeric id, the bot's status, the session uid
 * ({@code connection_id} in {@code meeting.status_change} webhooks; only {@code POST /bots} answers
 * carry it) and the workload id {@code mtg-{id}-{connection_id[:8]}} (status rows carry that).
 */
public record VexaBot(long id, String platform, String nativeMeetingId, String status, String sessionUid, String botContainerId,
                      String completionReason, String failureStage, Instant startTime, Instant endTime, String transcriptionOutcome) {

  /** Our status for Vexa's, or null for one we do not follow. */
  public BotStatus ourStatus() {
    return BotStatus.fromVexa(status);
  }

  /** Vexa reports the bot finished (completed or failed). */
  public boolean finished() {
    BotStatus ours = ourStatus();
    return ours != null && ours.terminal();
  }

  /** {@code service_provenance.transcription_outcome}, at the row's top or in its {@code data}; set once the bot finished. */
  private static String transcriptionOutcome(Object... provenances) {
    for (Object provenance : provenances) {
      if (provenance instanceof JsonObject p && p.getValue("transcription_outcome") instanceof String outcome) {
        return outcome;
      }
    }
    return null;
  }

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
        row.getValue("bot_container_id") instanceof String workload && workload.startsWith("mtg-") ? workload : null,
        row.getString("completion_reason"),
        row.getString("failure_stage"),
        Timestamps.parse(row.getValue("start_time")),
        Timestamps.parse(row.getValue("end_time")),
        transcriptionOutcome(row.getValue("service_provenance"), data.getValue("service_provenance")));
  }
}
