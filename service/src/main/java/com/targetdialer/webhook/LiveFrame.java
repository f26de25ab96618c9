package com.targetdialer.webhook;

import com.targetdialer.bus.DeadLetter;
import com.targetdialer.vexa.Timestamps;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;

/**
 * What one text frame of Vexa's live {@code /ws} means (vexa-api.md §7), decided from the frame
 * alone; the stream then finds the meeting and persists. Shapes: the bot's single {@code segment},
 * bundles of {@code confirmed} and {@code pending} segments (bot and collector; the Teams bot's speaker
 * snapshots among them), the bare
 * {@code transcription_segment}, 0.6-0.10's {@code transcript.mutable} / {@code transcript.finalized},
 * {@code transcript_retract}, both {@code meeting.status} shapes, control frames and errors.
 */
sealed interface LiveFrame {

  /**
   * Segments as Vexa sent them, each saying whether it is final: confirmed ones are, pending ones and single ones unless they say so are drafts.
   *
   * @param snapshot the bot's speaker snapshot (Teams): its {@code pending} is every draft of that speaker key, so
   *                 drafts of the key it no longer lists are withdrawn; null for every other frame
   */
  record Transcript(Long vexaMeetingId, JsonArray segments, Snapshot snapshot) implements LiveFrame {
  }

  /** A speaker key's full set of drafts, and the segments it confirmed in the same frame. */
  record Snapshot(String speakerKey, Set<String> pendingIds, Set<String> confirmedIds) {
  }

  record Retract(Long vexaMeetingId, List<String> segmentIds) implements LiveFrame {
  }

  /** @param at when Vexa says it happened ({@code ts}, or the flat shape's {@code when}), null when it does not */
  record Status(Long vexaMeetingId, String vexaStatus, Instant at) implements LiveFrame {
  }

  /** subscribed, unsubscribed, pong, chat messages: nothing to store. */
  record Control(String type) implements LiveFrame {
  }

  record Error(String frame) implements LiveFrame {
  }

  record Unusable(DeadLetter.Reason reason, String why) implements LiveFrame {
  }

  static LiveFrame of(String text) {
    JsonObject frame;
    try {
      frame = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      return new Unusable(DeadLetter.Reason.NOT_JSON, "live stream frame is not a JSON object");
    }
    String type = frame.getValue("type") instanceof String t ? t : "";
    return switch (type) {
      case "transcript", "transcription_segment", "transcript.mutable", "transcript.finalized" -> transcript(frame, type);
      case "transcript_retract" -> {
        List<String> ids = new ArrayList<>();
        if (frame.getValue("segment_ids") instanceof JsonArray given) {
          given.forEach(id -> ids.add(String.valueOf(id)));
        }
        yield new Retract(vexaMeetingId(frame), ids);
      }
      case "meeting.status" -> new Status(vexaMeetingId(frame),
          frame.getValue("payload") instanceof JsonObject payload ? string(payload, "status") : string(frame, "status"),
          Timestamps.parse(frame.getValue("ts", frame.getValue("when"))));
      case "subscribed", "unsubscribed", "pong", "chat_message" -> new Control(type);
      case "error" -> new Error(text);
      default -> new Unusable(DeadLetter.Reason.UNKNOWN_EVENT, "live stream frame of an unknown type: " + type);
    };
  }

  private static Transcript transcript(JsonObject frame, String type) {
    JsonArray segments = new JsonArray();
    if (frame.getValue("segment") instanceof JsonObject single) {
      segments.add(said(single, false));
    }
    if (frame.getValue("confirmed") instanceof JsonArray confirmed) {
      confirmed.forEach(item -> segments.add(said(item, true)));
    }
    if (frame.getValue("pending") instanceof JsonArray pending) {
      pending.forEach(item -> segments.add(said(item, false)));
    }
    if (frame.getValue("payload") instanceof JsonObject payload && payload.getValue("segments") instanceof JsonArray legacy) {
      legacy.forEach(item -> segments.add(said(item, type.equals("transcript.finalized"))));
    }
    if (type.equals("transcription_segment")) {
      segments.add(said(frame, false));
    }
    return new Transcript(vexaMeetingId(frame), segments, snapshot(frame));
  }

  /**
   * The bot's speaker-snapshot envelope ({@code transcript-redis.ts}): a {@code speaker} key with {@code confirmed}
   * and {@code pending}, and no {@code ts}. The collector's frames look alike but carry {@code ts} and list only
   * what changed, so they withdraw nothing.
   */
  private static Snapshot snapshot(JsonObject frame) {
    if (!(frame.getValue("speaker") instanceof String speaker) || frame.containsKey("ts")
        || !(frame.getValue("pending") instanceof JsonArray pending) || !(frame.getValue("confirmed") instanceof JsonArray confirmed)) {
      return null;
    }
    return new Snapshot(speaker, segmentIds(pending), segmentIds(confirmed));
  }

  private static Set<String> segmentIds(JsonArray segments) {
    Set<String> ids = new HashSet<>();
    segments.forEach(item -> {
      if (item instanceof JsonObject segment && segment.getValue("segment_id") instanceof String id) {
        ids.add(id);
      }
    });
    return ids;
  }

  /**
   * The segment with {@code completed} set to what it says, else to the default (set in place: the
   * frame was parsed for this call alone); anything else as it is (it cannot be keyed).
   */
  private static Object said(Object item, boolean completedIfUnsaid) {
    if (item instanceof JsonObject segment && !(segment.getValue("completed") instanceof Boolean)) {
      segment.put("completed", completedIfUnsaid);
    }
    return item;
  }

  /** Vexa's meeting id in either frame shape: {@code {meeting: {id}}} or the flat {@code {meeting_id}}. */
  private static Long vexaMeetingId(JsonObject frame) {
    Object id = frame.getValue("meeting") instanceof JsonObject meeting ? meeting.getValue("id") : frame.getValue("meeting_id");
    return id instanceof Number number ? number.longValue() : null;
  }

  private static String string(JsonObject json, String field) {
    return json.getValue(field) instanceof String text ? text : null;
  }
}
