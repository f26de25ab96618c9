package com.targetdialer.bus;

import com.targetdialer.meeting.BotStatus;
import com.targetdialer.vexa.Timestamps;
import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * A bot status change, from a webhook, the live stream or reconciliation, in our vocabulary.
 * {@code at} is when it happened, by Vexa's own clock where the message says so; {@code receivedAt}
 * is when it reached us (a redelivery can come hours later). {@code why} is what Vexa said about it.
 */
public record BotStatusChange(String eventId, String eventType, String sessionUid, Long vexaMeetingId, BotStatus status,
                              Instant at, Instant receivedAt, Why why, String source) {

  /**
   * Vexa's own words on a change, each possibly null: the row's {@code completion_reason} and
   * {@code failure_stage}, the status change's {@code reason}, and {@code meeting.completed}'s
   * {@code service_provenance.transcription_outcome} ({@code served}, {@code no_output}, ...).
   */
  public record Why(String completionReason, String failureStage, String reason, String transcriptionOutcome) {

    public static final Why NONE = new Why(null, null, null, null);

    /** Says something a status alone does not: a later, fuller message about a status already applied adds it. */
    public boolean explains() {
      return completionReason != null || failureStage != null || transcriptionOutcome != null;
    }
  }

  public String completionReason() {
    return why.completionReason();
  }

  public String failureStage() {
    return why.failureStage();
  }

  /** The producer's time when it is known and not later than the arrival (a skewed clock), else the arrival. */
  public static Instant happenedAt(Instant producerTime, Instant receivedAt) {
    return producerTime == null || producerTime.isAfter(receivedAt) ? receivedAt : producerTime;
  }

  public static BotStatusChange fromJson(JsonObject json) {
    // A change carries one of the statuses Vexa reports, in our words.
    BotStatus status = BotStatus.fromVexa(json.getString("status"));
    if (status == null) {
      throw new IllegalArgumentException("not a bot status we track: " + json.getString("status"));
    }
    if (json.getString("session_uid") == null && json.getLong("vexa_meeting_id") == null) {
      throw new IllegalArgumentException("a status change needs session_uid or vexa_meeting_id");
    }
    Instant receivedAt = time(json, "received_at", Instant.now());
    Instant at = time(json, "at", receivedAt);
    return new BotStatusChange(json.getString("event_id"), json.getString("event_type"), json.getString("session_uid"),
        json.getLong("vexa_meeting_id"), status, at, receivedAt,
        new Why(json.getString("completion_reason"), json.getString("failure_stage"), json.getString("reason"),
            json.getString("transcription_outcome")),
        json.getString("source", "unknown"));
  }

  private static Instant time(JsonObject json, String field, Instant fallback) {
    Object given = json.getValue(field);
    Instant time = given instanceof Instant instant ? instant : given == null ? fallback : Timestamps.parse(given);
    if (time == null) {
      throw new IllegalArgumentException("not a time: " + field + " " + given);
    }
    return time;
  }

  public JsonObject toJson() {
    return describe()
        .put("event_id", eventId)
        .put("event_type", eventType)
        .put("session_uid", sessionUid)
        .put("vexa_meeting_id", vexaMeetingId);
  }

  /** Says why a change could not be applied when we hold no session for its bot (yet). */
  public String unknownBot() {
    return "no bot session for " + (sessionUid != null ? "connection_id " + sessionUid : "") + (sessionUid != null && vexaMeetingId != null ? " / " : "")
        + (vexaMeetingId != null ? "vexa meeting " + vexaMeetingId : "");
  }

  public boolean terminal() {
    return status.terminal();
  }

  /** The part that goes into the meeting's event log. */
  public JsonObject describe() {
    JsonObject detail = new JsonObject().put("status", status.value()).put("source", source).put("at", at).put("received_at", receivedAt);
    if (why.completionReason() != null) {
      detail.put("completion_reason", why.completionReason());
    }
    if (why.failureStage() != null) {
      detail.put("failure_stage", why.failureStage());
    }
    if (why.reason() != null) {
      detail.put("reason", why.reason());
    }
    if (why.transcriptionOutcome() != null) {
      detail.put("transcription_outcome", why.transcriptionOutcome());
    }
    return detail;
  }
}
