package com.targetdialer.webhook;

import com.targetdialer.persist.BotStatusChange;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.Set;

/**
 * What a webhook body means for us. Real Vexa envelopes ({@code meeting.status_change} by
 * connection id, and the typed {@code meeting.started}, {@code meeting.completed}, {@code bot.failed}
 * carrying the meeting row), seed-style payloads with a {@code segments} array, and 0.6's bare
 * meeting object. Anything else is unknown and goes to the dead-letter table.
 */
sealed interface VexaEvent {

  /** Events Vexa may send that carry nothing we track. */
  Set<String> IGNORED_TYPES = Set.of("recording.ready", "recording.completed", "transcription.ready");

  record Status(BotStatusChange change) implements VexaEvent {
  }

  /** Segments for a meeting named by Vexa's id or by its link. */
  record Segments(Long vexaMeetingId, String platform, String nativeMeetingId, String sessionUid, JsonArray segments) implements VexaEvent {
  }

  record Ignored(String why) implements VexaEvent {
  }

  record Unknown(String why) implements VexaEvent {
  }

  static VexaEvent of(JsonObject body) {
    String type = body.getValue("event_type") instanceof String t ? t : null;
    if (type != null && body.getValue("data") instanceof JsonObject data) {
      return envelope(body, type, data);
    }
    if (body.getValue("segments") instanceof JsonArray segments) {
      return seedSegments(body, segments);
    }
    if (body.getValue("id") instanceof Number id && body.getValue("status") instanceof String status && body.containsKey("native_meeting_id")) {
      return status(null, "legacy.meeting", null, id.longValue(), status, body, null);
    }
    return new Unknown(type == null ? "no event_type and no segments" : "event_type " + type + " without a data object");
  }

  private static VexaEvent envelope(JsonObject body, String type, JsonObject data) {
    if (IGNORED_TYPES.contains(type)) {
      return new Ignored("event " + type + " carries nothing we track");
    }
    JsonObject meeting = data.getValue("meeting") instanceof JsonObject m ? m : new JsonObject();
    JsonObject change = data.getValue("status_change") instanceof JsonObject c ? c : new JsonObject();
    String eventId = body.getValue("event_id") instanceof String id ? id : null;
    return switch (type) {
      case "meeting.status_change" -> {
        String status = string(change, "new_status", string(meeting, "status", null));
        String connection = string(meeting, "connection_id", null);
        if (connection == null) {
          yield new Unknown("meeting.status_change without data.meeting.connection_id");
        }
        yield status(eventId, type, connection, null, status, meeting, string(change, "reason", null));
      }
      case "meeting.started", "meeting.completed", "bot.failed" -> {
        Long vexaId = meeting.getValue("id") instanceof Number n ? n.longValue() : null;
        if (vexaId == null) {
          yield new Unknown(type + " without data.meeting.id");
        }
        String fallback = switch (type) {
          case "meeting.started" -> "active";
          case "meeting.completed" -> "completed";
          default -> "failed";
        };
        yield status(eventId, type, null, vexaId, string(meeting, "status", fallback), meeting, string(change, "reason", null));
      }
      default -> new Unknown("unknown event_type " + type);
    };
  }

  private static VexaEvent status(String eventId, String type, String sessionUid, Long vexaId, String vexaStatus, JsonObject meeting, String reason) {
    String status = BotStatusChange.ourStatus(vexaStatus);
    if (status == null) {
      return new Ignored("status " + vexaStatus + " is not one we follow");
    }
    return new Status(new BotStatusChange(eventId, type, sessionUid, vexaId, status, Instant.now(),
        string(meeting, "completion_reason", null), string(meeting, "failure_stage", null), reason, "webhook"));
  }

  private static VexaEvent seedSegments(JsonObject body, JsonArray segments) {
    JsonObject meeting = body.getValue("meeting") instanceof JsonObject m ? m : body;
    Object id = meeting.getValue("meeting_id", meeting.getValue("id"));
    Long vexaId = id instanceof Number n ? n.longValue() : null;
    String platform = string(meeting, "platform", "google_meet");
    String nativeId = string(meeting, "native_meeting_id", string(meeting, "vexa_meeting_id", null));
    if (vexaId == null && nativeId == null) {
      return new Unknown("segments without a meeting id or native_meeting_id");
    }
    return new Segments(vexaId, platform, nativeId, string(body, "session_uid", null), segments);
  }

  private static String string(JsonObject json, String field, String fallback) {
    return json.getValue(field) instanceof String text && !text.isBlank() ? text : fallback;
  }
}
