package com.targetdialer.sim.vexa;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One Vexa meeting row (one bot run) and the shapes Vexa renders it in. Mutated on the
 * simulator's context only.
 */
final class SimMeeting {

  static final Set<String> TERMINAL = Set.of("completed", "failed");
  /** Rows that count against the concurrency cap ({@code bot_spawn/adapters.py}). */
  static final Set<String> COUNTED = Set.of("requested", "joining", "awaiting_admission", "active");
  /** Heavy keys {@code GET /meetings} and {@code /bots/status} drop from list rows. */
  private static final Set<String> LIST_OMIT = Set.of(
      "speaker_events", "bot_logs", "recordings", "status_transition", "chat_messages", "error_details", "last_error");
  /** Keys the typed webhooks strip from {@code data} ({@code clean_meeting_data}). */
  private static final Set<String> WEBHOOK_OMIT = Set.of(
      "webhook_url", "webhook_secret", "webhook_events", "bot_container_id", "transcription_provider");

  final long id;
  final long userId;
  final String platform;
  final String nativeId;
  final String sessionUid;
  final String botContainerId;
  final Instant createdAt;
  final BotScript script;
  final int attempt;
  /** The stored {@code meeting.data} blob, including the webhook config frozen at spawn. */
  final JsonObject data;
  final WebhookTarget webhook;
  /** The {@code meeting_url} of the POST /bots, or null when spawned by native id. */
  final String meetingUrl;
  /** The passcode the bot was invoked with: the body's, else the one the URL carries; null for none. */
  final String passcode;
  final Map<String, SimSegment> segments = new LinkedHashMap<>();
  /** Teams bots publish full-replace pending snapshots per speaker key; this is what they hold. */
  final Map<String, Map<String, SimSegment>> pendingBySpeakerKey = new LinkedHashMap<>();

  String status = "requested";
  Instant updatedAt;
  Instant startTime;
  Instant endTime;
  String completionReason;
  String failureStage;
  boolean stopRequested;
  BotRun run;

  SimMeeting(long id, long userId, String platform, String nativeId, String sessionUid, Instant createdAt,
             BotScript script, int attempt, JsonObject data, WebhookTarget webhook, String meetingUrl, String passcode) {
    this.id = id;
    this.userId = userId;
    this.platform = platform;
    this.nativeId = nativeId;
    this.sessionUid = sessionUid;
    this.botContainerId = "mtg-" + id + "-" + sessionUid.substring(0, 8);
    this.createdAt = createdAt;
    this.updatedAt = createdAt;
    this.script = script;
    this.attempt = attempt;
    this.data = data;
    this.webhook = webhook;
    this.meetingUrl = meetingUrl;
    this.passcode = passcode;
  }

  boolean terminal() {
    return TERMINAL.contains(status);
  }

  String link() {
    return platform + "/" + nativeId;
  }

  /** Segments with text, ordered by start, as the REST transcript lists them. */
  List<SimSegment> visibleSegments() {
    List<SimSegment> out = new ArrayList<>();
    for (SimSegment s : segments.values()) {
      if (s.text != null && !s.text.isEmpty()) {
        out.add(s);
      }
    }
    out.sort(Comparator.comparing(s -> s.start));
    return out;
  }

  /**
   * The MeetingResponse ({@code bot_spawn/service.py _meeting_response}). {@code rawData} is the
   * POST /bots form, which returns the stored blob unprojected, webhook secret included.
   */
  JsonObject response(boolean rawData, boolean legacy) {
    JsonObject d = data.copy();
    if (!rawData) {
      d.remove("webhook_secret");
    }
    return new JsonObject()
        .put("id", id)
        .put("user_id", userId)
        .put("platform", platform)
        .put("native_meeting_id", nativeId)
        .put("constructed_meeting_url", data.getString("constructed_meeting_url"))
        .put("status", status)
        .put("bot_container_id", botContainerId)
        .put("start_time", time(startTime, legacy))
        .put("end_time", time(endTime, legacy))
        .put("completion_reason", completionReason)
        .put("failure_stage", failureStage)
        .put("data", d)
        .put("created_at", time(createdAt, legacy))
        .put("updated_at", time(updatedAt, legacy));
  }

  /** A list row: {@code /meetings}, {@code /bots/status} ({@code collector/projection.py}). */
  JsonObject slim(boolean legacy) {
    JsonObject row = response(false, legacy);
    JsonObject d = row.getJsonObject("data");
    LIST_OMIT.forEach(d::remove);
    row.put("shared", false);
    return row;
  }

  /** A 0.10 {@code running_bots} entry: a container, not a meeting row. */
  JsonObject legacyContainer(Instant now) {
    long up = Math.max(0, java.time.Duration.between(createdAt, now).toSeconds());
    return new JsonObject()
        .put("container_id", botContainerId)
        .put("container_name", "vexa-bot-" + id + "-" + sessionUid.substring(0, 8))
        .put("platform", platform)
        .put("native_meeting_id", nativeId)
        .put("status", "Up " + up + " seconds")
        .put("normalized_status", "Up")
        .put("created_at", SimTime.naive(createdAt))
        .put("start_time", SimTime.naive(startTime))
        .put("labels", new JsonObject().put("vexa.meeting_id", String.valueOf(id)))
        .put("meeting_id_from_name", String.valueOf(id))
        .put("meeting_status", status)
        .put("data", new JsonObject());
  }

  /** The row block of the typed webhooks ({@code _meeting_projection_from_row}). */
  JsonObject typedProjection() {
    JsonObject d = data.copy();
    WEBHOOK_OMIT.forEach(d::remove);
    return new JsonObject()
        .put("id", id)
        .put("user_id", userId)
        .put("platform", platform)
        .put("native_meeting_id", nativeId)
        // The row dict behind the typed events has no such key, so real Vexa sends null here;
        // data.constructed_meeting_url carries the URL.
        .put("constructed_meeting_url", null)
        .put("status", status)
        .put("completion_reason", completionReason)
        .put("failure_stage", failureStage)
        .put("service_provenance", data.getJsonObject("service_provenance"))
        .put("start_time", SimTime.iso(startTime))
        .put("end_time", SimTime.iso(endTime))
        .put("data", d)
        .put("created_at", SimTime.iso(createdAt))
        .put("updated_at", SimTime.iso(updatedAt));
  }

  /** The FSM block of {@code meeting.status_change}: no id, platform or native id, only the session. */
  JsonObject minimalProjection() {
    JsonObject d = new JsonObject().put("status_transition", data.getJsonArray("status_transition", new JsonArray()).copy());
    if (completionReason != null) {
      d.put("completion_reason", completionReason);
    }
    if (failureStage != null) {
      d.put("failure_stage", failureStage);
    }
    if (stopRequested) {
      d.put("stop_requested", true);
    }
    return new JsonObject()
        .put("connection_id", sessionUid)
        .put("status", status)
        .put("completion_reason", completionReason)
        .put("failure_stage", failureStage)
        .put("data", d);
  }

  /** {@code GET /transcripts/...}: the row plus its segments (0.12, or 0.10 when {@code legacy}). */
  JsonObject transcript(boolean legacy) {
    JsonObject d = data.copy();
    d.remove("webhook_secret");
    JsonArray segs = new JsonArray();
    for (SimSegment s : visibleSegments()) {
      if (legacy) {
        segs.add(s.legacyRestJson(startTime != null ? startTime : createdAt));
      } else {
        segs.add(s.restJson(terminal()));
      }
    }
    JsonObject out = new JsonObject()
        .put("id", id)
        .put("platform", platform)
        .put("native_meeting_id", nativeId)
        .put("constructed_meeting_url", data.getString("constructed_meeting_url"))
        .put("status", status)
        .put("start_time", time(startTime, legacy))
        .put("end_time", time(endTime, legacy))
        .put("recordings", new JsonArray())
        .put("notes", null)
        .put("data", d)
        .put("segments", segs);
    if (legacy) {
      out.put("speaker_events", new JsonArray());
    }
    return out;
  }

  private static String time(Instant t, boolean legacy) {
    return legacy ? SimTime.naive(t) : SimTime.iso(t);
  }
}
