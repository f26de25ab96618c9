package com.targetdialer.sim.vexa;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The simulated account: meeting rows, the webhook settings, and every FSM advance with its side
 * effects (status trail, /ws frames, webhooks, transcript finalization). Confined to the
 * simulator's context: nothing here is touched from another thread.
 */
final class SimState {

  private static final Logger LOG = LoggerFactory.getLogger(SimState.class);

  static final long USER_ID = 7;
  static final String API_VERSION = "2026-03-01";
  private static final Set<String> SILENT_STATUSES = Set.of("requested", "stopping");

  private final Vertx vertx;
  private final SimSettings settings;
  private final WebhookSender webhooks;
  private final SimWebSockets sockets;
  private final Map<Long, SimMeeting> rows = new LinkedHashMap<>();
  private final Map<String, Integer> started = new HashMap<>();
  private final Map<String, Integer> deletes = new HashMap<>();
  private long nextId = 1;

  private String webhookUrl;
  private String webhookSecret;
  private JsonObject webhookEvents;
  private Instant userCreatedAt = Instant.now();

  SimState(Vertx vertx, SimSettings settings, WebhookSender webhooks) {
    this.vertx = vertx;
    this.settings = settings;
    this.webhooks = webhooks;
    this.sockets = new SimWebSockets(settings, (platform, nativeId) -> {
      SimMeeting m = newest(platform, nativeId);
      return m == null ? null : m.id;
    });
  }

  SimWebSockets sockets() {
    return sockets;
  }

  // ---- rows ----

  List<SimMeeting> all() {
    return new ArrayList<>(rows.values());
  }

  SimMeeting get(long id) {
    return rows.get(id);
  }

  /** The newest row for a link, terminal or not (what {@code /transcripts/{p}/{id}} and /ws subscribe bind to). */
  SimMeeting newest(String platform, String nativeId) {
    SimMeeting found = null;
    for (SimMeeting m : rows.values()) {
      if (m.platform.equals(platform) && m.nativeId.equals(nativeId)) {
        found = m;
      }
    }
    return found;
  }

  /** Non-terminal rows for a link, newest first. */
  List<SimMeeting> live(String platform, String nativeId) {
    List<SimMeeting> out = new ArrayList<>();
    for (SimMeeting m : rows.values()) {
      if (m.platform.equals(platform) && m.nativeId.equals(nativeId) && !m.terminal()) {
        out.add(0, m);
      }
    }
    return out;
  }

  int countedBots() {
    return (int) rows.values().stream().filter(m -> SimMeeting.COUNTED.contains(m.status)).count();
  }

  int botsStarted(String nativeId) {
    return started.getOrDefault(nativeId, 0);
  }

  int deleteCount(String nativeId) {
    return deletes.getOrDefault(nativeId, 0);
  }

  void countDelete(String nativeId) {
    deletes.merge(nativeId, 1, Integer::sum);
  }

  /**
   * A new row for a spawn: frozen webhook config, a fresh session uid, the script for this attempt, and
   * what the bot was handed (the request's {@code meeting_url} and the passcode its invocation carries).
   */
  SimMeeting create(String platform, String nativeId, String meetingUrl, String passcode, JsonObject data) {
    int attempt = started.getOrDefault(nativeId, 0);
    started.put(nativeId, attempt + 1);
    BotScript script = settings.scriptFor(nativeId, attempt);
    String session = UUID.randomUUID().toString();
    data.put("transcription_provider", "vexa");
    WebhookTarget target = null;
    if (webhookUrl != null) {
      data.put("webhook_url", webhookUrl);
      if (webhookSecret != null) {
        data.put("webhook_secret", webhookSecret);
      }
      if (webhookEvents != null) {
        data.put("webhook_events", webhookEvents.copy());
      }
      target = new WebhookTarget(webhookUrl, webhookSecret, webhookEvents == null ? null : webhookEvents.copy());
    }
    data.put("status_transition", new JsonArray());
    SimMeeting m = new SimMeeting(nextId++, USER_ID, platform, nativeId, session, Instant.now(), script, attempt, data, target,
        meetingUrl, passcode);
    rows.put(m.id, m);
    m.run = new BotRun(vertx, this, m);
    m.run.start();
    LOG.info("bot requested [meeting: {}, link: {}, attempt: {}, script: {}]", m.id, m.link(), attempt, script);
    return m;
  }

  // ---- user webhook ----

  /** 0.12 keeps the old secret when the new one is empty; 0.10 cleared it on {@code ""}. */
  void putWebhook(String url, String secret, JsonObject events) {
    webhookUrl = url;
    if (secret != null && !secret.isEmpty()) {
      webhookSecret = secret;
    } else if ("".equals(secret) && settings.legacy010) {
      webhookSecret = null;
    }
    if (events != null) {
      webhookEvents = events.copy();
    }
  }

  /** {@code UserResponse} without the secret. */
  JsonObject user() {
    JsonObject data = new JsonObject();
    if (webhookUrl != null) {
      data.put("webhook_url", webhookUrl);
    }
    if (webhookEvents != null) {
      data.put("webhook_events", webhookEvents.copy());
    }
    return new JsonObject()
        .put("id", USER_ID)
        .put("email", "sim@vexa.local")
        .put("name", "Vexa Simulator")
        .put("image_url", null)
        .put("max_concurrent_bots", settings.maxConcurrentBots)
        .put("created_at", SimTime.iso(userCreatedAt))
        .put("data", data);
  }

  JsonObject webhookView() {
    String masked = null;
    if (webhookSecret != null) {
      masked = "********" + webhookSecret.substring(Math.max(0, webhookSecret.length() - 4));
    }
    return new JsonObject()
        .put("webhook_url", webhookUrl)
        .put("webhook_secret_set", webhookSecret != null)
        .put("webhook_secret", masked)
        .put("webhook_events", webhookEvents == null ? null : webhookEvents.copy());
  }

  // ---- FSM ----

  void advance(SimMeeting m, String to, String reason, String source) {
    transition(m, to, null, null, reason, source);
  }

  /** Terminal failure; the stage is where the bot was, as the server derives it. */
  void fail(SimMeeting m, String completionReason, String reason, String source) {
    String stage = "stopping".equals(m.status) ? "active" : m.status;
    transition(m, "failed", completionReason, stage, reason, source);
  }

  void complete(SimMeeting m, String completionReason, String source) {
    transition(m, "completed", completionReason, null, null, source);
  }

  /** A user stop on an active bot: the DB row moves to stopping; no webhook, no /ws frame (0.12). */
  void markStopping(SimMeeting m) {
    m.stopRequested = true;
    m.data.put("stop_requested", true);
    if ("active".equals(m.status)) {
      transition(m, "stopping", null, null, null, "user_stop");
    } else {
      m.updatedAt = Instant.now();
    }
  }

  private void transition(SimMeeting m, String to, String completionReason, String failureStage, String reason, String source) {
    if (m.terminal()) {
      return;
    }
    String from = m.status;
    Instant now = Instant.now();
    m.status = to;
    m.updatedAt = now;
    if ("active".equals(to)) {
      m.startTime = now;
    }
    boolean terminal = m.terminal();
    if (terminal) {
      m.run.cancel();
      m.endTime = now;
      m.completionReason = m.stopRequested ? "stopped" : completionReason;
      m.failureStage = failureStage;
      m.data.put("completion_reason", m.completionReason);
      if (failureStage != null) {
        m.data.put("failure_stage", failureStage);
      }
      // Completion finalization: live drafts are flushed as completed rows before any webhook goes out.
      int captured = m.visibleSegments().size();
      m.data.put("segments_captured", captured);
      m.data.put("service_provenance", new JsonObject()
          .put("bot_admitted_at", SimTime.iso(m.startTime))
          .put("bot_departed_at", SimTime.iso(now))
          .put("bot_outcome", m.startTime != null ? "served" : "never_admitted")
          .put("transcription_provider", "vexa")
          .put("transcription_outcome", captured > 0 ? "served" : "no_output")
          .put("lifecycle_contract_version", "2026-07-28"));
    }
    JsonObject entry = new JsonObject()
        .put("from", from)
        .put("to", to)
        .put("timestamp", SimTime.iso(now))
        .put("timestamp_source", "producer")
        .put("source", source);
    if (terminal && reason != null) {
      entry.put("reason", reason);
    }
    if (m.completionReason != null) {
      entry.put("completion_reason", m.completionReason);
    }
    if (m.failureStage != null) {
      entry.put("failure_stage", m.failureStage);
    }
    m.data.getJsonArray("status_transition").add(entry);
    LOG.info("bot status [meeting: {}, link: {}, from: {}, to: {}, reason: {}]", m.id, m.link(), from, to,
        m.completionReason == null ? "-" : m.completionReason);

    if ("start_failed".equals(completionReason)) {
      // A spawn failure is written by bot_spawn directly, not through the lifecycle callback: no events.
      return;
    }
    boolean legacy = settings.legacy010;
    if (!SILENT_STATUSES.contains(to)) {
      publishStatus(m, to, now, legacy);
    }
    emitWebhooks(m, from, to, reason, source, now, legacy);
    if (terminal) {
      webhooks.runEnded(m);
    }
  }

  private void publishStatus(SimMeeting m, String status, Instant now, boolean legacy) {
    String ts = SimTime.isoOffset(now);
    sockets.publishToMeeting(m.id, PyJson.dumps(new JsonObject()
        .put("type", "meeting.status")
        .put("meeting", new JsonObject().put("id", m.id).put("platform", m.platform).put("native_id", m.nativeId))
        .put("payload", new JsonObject().put("status", status))
        .put("user_id", m.userId)
        .put("ts", ts)));
    if (!legacy) {
      sockets.publishToUser(PyJson.dumps(new JsonObject()
          .put("type", "meeting.status")
          .put("meeting_id", m.id)
          .put("native", m.nativeId)
          .put("status", status)
          .put("when", ts)));
    }
  }

  /**
   * 0.12: status_change on every advance except requested/stopping, plus the typed event for
   * active/completed/failed. 0.10: the typed event instead of status_change for active and failed,
   * status_change for stopping too, and a random event id.
   */
  private void emitWebhooks(SimMeeting m, String from, String to, String reason, String source, Instant now, boolean legacy) {
    String typed = switch (to) {
      case "active" -> "meeting.started";
      case "completed" -> "meeting.completed";
      case "failed" -> "bot.failed";
      default -> null;
    };
    boolean statusChange = legacy
        ? !"requested".equals(to) && !"active".equals(to) && !"failed".equals(to)
        : !SILENT_STATUSES.contains(to);
    String createdAt = SimTime.iso(now);
    if (statusChange) {
      webhooks.emit(m, new JsonObject()
          .put("event_id", eventId(m, "meeting.status_change", to, legacy))
          .put("event_type", "meeting.status_change")
          .put("api_version", API_VERSION)
          .put("created_at", createdAt)
          .put("data", new JsonObject()
              .put("meeting", m.minimalProjection())
              .put("status_change", new JsonObject()
                  .put("old_status", from)
                  .put("new_status", to)
                  .put("reason", reason)
                  .put("transition_source", source))));
    }
    if (typed != null) {
      JsonObject data = new JsonObject().put("meeting", m.typedProjection());
      if (!"meeting.completed".equals(typed)) {
        data.put("status_change", new JsonObject()
            .put("from", from)
            .put("to", to)
            .put("reason", reason)
            .put("timestamp", createdAt)
            .put("transition_source", source));
      }
      webhooks.emit(m, new JsonObject()
          .put("event_id", eventId(m, typed, to, legacy))
          .put("event_type", typed)
          .put("api_version", API_VERSION)
          .put("created_at", createdAt)
          .put("data", data));
    }
  }

  /** {@code derive_event_id}: stable per (session, event type, new status); random on 0.10. */
  static String eventId(SimMeeting m, String eventType, String newStatus, boolean legacy) {
    if (legacy) {
      return "evt_" + UUID.randomUUID().toString().replace("-", "");
    }
    return "evt_" + sha256Hex(m.sessionUid + "|" + eventType + "|" + newStatus).substring(0, 32);
  }

  static String sha256Hex(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- transcript ----

  boolean hasSubscriber(long meetingId) {
    return sockets.hasSubscriber(meetingId);
  }

  void draft(SimMeeting m, SimSegment seg, String text) {
    Instant now = Instant.now();
    seg.text = text;
    seg.end = now.isAfter(seg.start) ? now : seg.start.plusMillis(1);
    seg.completed = false;
    seg.updatedAt = now;
    m.segments.put(seg.segmentId, seg);
    publishSegment(m, seg);
  }

  /** A second draft under a new id replaces the first, which is dropped without a word (only a Teams snapshot leaves it out). */
  SimSegment supersede(SimMeeting m, SimSegment old, String text) {
    m.segments.remove(old.segmentId);
    Map<String, SimSegment> pending = m.pendingBySpeakerKey.get(old.speakerKey);
    if (pending != null) {
      pending.remove(old.segmentId);
    }
    SimSegment replacement = new SimSegment(old.segmentId + "-2", old.speaker, old.speakerKey, old.language, old.start);
    draft(m, replacement, text);
    return replacement;
  }

  void confirm(SimMeeting m, SimSegment seg, String text) {
    Instant now = Instant.now();
    seg.text = text;
    seg.end = now.isAfter(seg.end) ? now : seg.end.plusMillis(1);
    seg.completed = true;
    seg.updatedAt = now;
    publishSegment(m, seg);
  }

  void retract(SimMeeting m, List<String> segmentIds) {
    segmentIds.forEach(m.segments::remove);
    JsonObject frame = new JsonObject()
        .put("type", "transcript_retract")
        .put("meeting", new JsonObject().put("id", m.id))
        .put("segment_ids", new JsonArray(new ArrayList<>(segmentIds)));
    sockets.publishToMeeting(m.id, frame.encode());
    if (isTeams(m)) {
      // The Teams bot also republishes the pending snapshot of every speaker key the withdrawal touched.
      for (Map.Entry<String, Map<String, SimSegment>> e : new ArrayList<>(m.pendingBySpeakerKey.entrySet())) {
        if (e.getValue().keySet().removeAll(segmentIds)) {
          sockets.publishToMeeting(m.id, teamsSnapshot(m, e.getKey(), new JsonArray()).encode());
        }
      }
    }
    sockets.publishToMeeting(m.id, PyJson.dumps(frame));
  }

  private static boolean isTeams(SimMeeting m) {
    return "teams".equals(m.platform);
  }

  /** The Teams bot's frame: the speaker key's full pending set replaces whatever the client held for it. */
  private static JsonObject teamsSnapshot(SimMeeting m, String speakerKey, JsonArray confirmed) {
    JsonArray pending = new JsonArray();
    m.pendingBySpeakerKey.getOrDefault(speakerKey, Map.of()).values().forEach(p -> pending.add(p.botJson()));
    return new JsonObject()
        .put("type", "transcript")
        .put("meeting", new JsonObject().put("id", m.id))
        .put("speaker", speakerKey)
        .put("confirmed", confirmed)
        .put("pending", pending);
  }

  /**
   * Each version of a segment goes out twice: once from the bot (one segment, compact JSON; on Teams a
   * per-speaker-key snapshot) and once from the collector after it persisted it (a confirmed/pending
   * bundle, Python JSON).
   */
  private void publishSegment(SimMeeting m, SimSegment seg) {
    if (settings.legacy010) {
      sockets.publishToMeeting(m.id, PyJson.dumps(new JsonObject()
          .put("type", "transcript.mutable")
          .put("meeting", new JsonObject().put("id", m.id))
          .put("payload", new JsonObject().put("segments",
              new JsonArray().add(seg.legacyWsJson(m.startTime != null ? m.startTime : m.createdAt, m.sessionUid))))
          .put("ts", SimTime.isoOffset(Instant.now()))));
    } else if (isTeams(m)) {
      Map<String, SimSegment> pending = m.pendingBySpeakerKey.computeIfAbsent(seg.speakerKey, k -> new LinkedHashMap<>());
      if (seg.completed) {
        pending.remove(seg.segmentId);
      } else {
        pending.put(seg.segmentId, seg);
      }
      JsonArray confirmed = seg.completed ? new JsonArray().add(seg.botJson()) : new JsonArray();
      sockets.publishToMeeting(m.id, teamsSnapshot(m, seg.speakerKey, confirmed).encode());
    } else {
      sockets.publishToMeeting(m.id, new JsonObject()
          .put("type", "transcript")
          .put("meeting", new JsonObject().put("id", m.id))
          .put("segment", seg.botJson())
          .encode());
    }
    JsonArray one = new JsonArray().add(seg.collectorJson());
    sockets.publishToMeeting(m.id, PyJson.dumps(new JsonObject()
        .put("type", "transcript")
        .put("meeting", new JsonObject().put("id", m.id).put("native_id", m.nativeId).put("platform", m.platform))
        .put("speaker", seg.speaker)
        .put("confirmed", seg.completed ? one : new JsonArray())
        .put("pending", seg.completed ? new JsonArray() : one)
        .put("ts", SimTime.iso(Instant.now()))));
  }
}
