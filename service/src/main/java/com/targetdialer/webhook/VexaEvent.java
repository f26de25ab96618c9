package com.targetdialer.webhook;

import com.targetdialer.meeting.BotStatus;
import com.targetdialer.bus.BotStatusChange;
import com.targetdialer.bus.DeadLetter;
import com.targetdialer.vexa.Timestamps;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.Set;

/**
 * What a webhook body means for us. Real Vexa envelopes ({@code meeting.status_change} by
 * connection id, and the typed {@code meeting.started}, {@code meeting.completed}, {@code bot.failed}
 * carrying the meeting row), seed-style payloads with a {@code segments} array, and 0.6's bare
 * meeting object. Anything else is {@link Unusable}, with the reason it is kept as a dead letter.
 */
sealed interface VexaEvent {

  /** Events Vexa may send that carry nothing we track. */
  Set<String> UNTRACKED_TYPES = Set.of("recording.ready", "recording.completed", "transcription.ready");

  record Status(BotStatusChange change) implements VexaEvent {
  }

  /** Segments for a meeting named by Vexa's id or by its link. */
  record Segments(Long vexaMeetingId, String platform, String nativeMeetingId, String sessionUid, JsonArray segments) implements VexaEvent {
  }

  record Unusable(DeadLetter.Reason reason, String why) implements VexaEvent {
  }

  /** @param receivedAt when the body reached us; a status change's time when the body does not say */
  static VexaEvent of(JsonObject body, Instant receivedAt) {
    String type = body.getValue("event_type") instanceof String t ? t : null;
    if (type != null && body.getValue("data") instanceof JsonObject data) {
      return envelope(body, type, data, receivedAt);
    }
    if (body.getValue("segments") instanceof JsonArray segments) {
      return seedSegments(body, segments);
    }
    if (body.getValue("id") instanceof Number id && body.getValue("status") instanceof String status && body.containsKey("native_meeting_id")) {
      return status(null, "legacy.meeting", null, id.longValue(), status, body, null, producerTime(body, status, null, null), receivedAt);
    }
    return new Unusable(DeadLetter.Reason.UNKNOWN_EVENT, type == null ? "no event_type and no segments" : "event_type " + type + " without a data object");
  }

  private static VexaEvent envelope(JsonObject body, String type, JsonObject data, Instant receivedAt) {
    if (UNTRACKED_TYPES.contains(type)) {
      return new Unusable(DeadLetter.Reason.UNTRACKED, "event " + type + " carries nothing we track");
    }
    JsonObject meeting = data.getValue("meeting") instanceof JsonObject m ? m : new JsonObject();
    JsonObject change = data.getValue("status_change") instanceof JsonObject c ? c : new JsonObject();
    String eventId = body.getValue("event_id") instanceof String id ? id : null;
    String createdAt = string(body, "created_at", null);
    // Typed events carry the meeting row, or Vexa's minimal block with the connection id when its row write failed.
    String connection = string(meeting, "connection_id", null);
    Long vexaId = meeting.getValue("id") instanceof Number n ? n.longValue() : null;
    return switch (type) {
      case "meeting.status_change" -> {
        if (connection == null) {
          yield new Unusable(DeadLetter.Reason.MISSING_ID, "meeting.status_change without data.meeting.connection_id");
        }
        String status = string(change, "new_status", string(meeting, "status", null));
        yield status(eventId, type, connection, null, status, meeting, string(change, "reason", null),
            producerTime(meeting, status, null, createdAt), receivedAt);
      }
      case "meeting.started", "meeting.completed", "bot.failed" -> {
        if (vexaId == null && connection == null) {
          yield new Unusable(DeadLetter.Reason.MISSING_ID, type + " without data.meeting.id or data.meeting.connection_id");
        }
        String fallback = switch (type) {
          case "meeting.started" -> BotStatus.ACTIVE.value();
          case "meeting.completed" -> BotStatus.COMPLETED.value();
          default -> BotStatus.FAILED.value();
        };
        String status = string(meeting, "status", fallback);
        yield status(eventId, type, connection, vexaId, status, meeting, string(change, "reason", null),
            producerTime(meeting, status, string(change, "timestamp", null), createdAt), receivedAt);
      }
      default -> new Unusable(DeadLetter.Reason.UNKNOWN_EVENT, "unknown event_type " + type);
    };
  }

  private static VexaEvent status(String eventId, String type, String sessionUid, Long vexaId, String vexaStatus, JsonObject meeting,
                                  String reason, Instant producerTime, Instant receivedAt) {
    BotStatus status = BotStatus.fromVexa(vexaStatus);
    if (status == null) {
      return new Unusable(DeadLetter.Reason.UNTRACKED, "status " + vexaStatus + " is not one we follow");
    }
    return new Status(new BotStatusChange(eventId, type, sessionUid, vexaId, status, BotStatusChange.happenedAt(producerTime, receivedAt),
        receivedAt, new BotStatusChange.Why(string(meeting, "completion_reason", null), string(meeting, "failure_stage", null), reason,
            transcriptionOutcome(meeting)), "webhook"));
  }

  /** {@code meeting.completed} says whether the transcription produced anything; other events do not. */
  private static String transcriptionOutcome(JsonObject meeting) {
    Object provenance = meeting == null ? null : meeting.getValue("service_provenance");
    return provenance instanceof JsonObject p && p.getValue("transcription_outcome") instanceof String outcome ? outcome : null;
  }

  /**
   * When the change happened by Vexa's clock: the bot's own transition to this status in
   * {@code data.status_transition}, else the typed event's {@code status_change.timestamp}, else a
   * finished row's {@code end_time}, else when Vexa built the envelope.
   */
  private static Instant producerTime(JsonObject meeting, String vexaStatus, String changeTimestamp, String envelopeCreatedAt) {
    if (meeting.getValue("data") instanceof JsonObject data && data.getValue("status_transition") instanceof JsonArray transitions) {
      for (int i = transitions.size() - 1; i >= 0; i--) {
        if (transitions.getValue(i) instanceof JsonObject transition && vexaStatus != null && vexaStatus.equals(transition.getValue("to"))) {
          Instant at = Timestamps.parse(transition.getValue("timestamp"));
          if (at != null) {
            return at;
          }
        }
      }
    }
    Instant at = Timestamps.parse(changeTimestamp);
    BotStatus status = BotStatus.fromVexa(vexaStatus);
    if (at == null && status != null && status.terminal()) {
      at = Timestamps.parse(meeting.getValue("end_time"));
    }
    return at != null ? at : Timestamps.parse(envelopeCreatedAt);
  }

  private static VexaEvent seedSegments(JsonObject body, JsonArray segments) {
    JsonObject meeting = body.getValue("meeting") instanceof JsonObject m ? m : body;
    Object id = meeting.getValue("meeting_id", meeting.getValue("id"));
    Long vexaId = id instanceof Number n ? n.longValue() : null;
    String platform = string(meeting, "platform", null); // unsaid: the native id alone names the call
    String nativeId = string(meeting, "native_meeting_id", string(meeting, "vexa_meeting_id", null));
    if (vexaId == null && nativeId == null) {
      return new Unusable(DeadLetter.Reason.MISSING_ID, "segments without a meeting id or native_meeting_id");
    }
    return new Segments(vexaId, platform, nativeId, string(body, "session_uid", null), segments);
  }

  private static String string(JsonObject json, String field, String fallback) {
    return json.getValue(field) instanceof String text && !text.isBlank() ? text : fallback;
  }
}
