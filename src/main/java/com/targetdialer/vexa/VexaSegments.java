package com.targetdialer.vexa;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * Turns a segment in any of Vexa's shapes (0.12 REST, bot and collector frames, the single
 * {@code transcription_segment}, 0.10 REST, seed-style webhooks) into the one shape the service
 * persists: {@code segment_key, session_uid, text, speaker, language, start_time, end_time,
 * absolute_start_time, absolute_end_time, completed, retracted, source_updated_at}. Times are kept
 * as {@link Instant}s (JSON encoding writes them as ISO strings), so persisting reads them without
 * parsing again.
 */
public final class VexaSegments {

  private VexaSegments() {
  }

  /**
   * @param sessionUid     the bot session the segment came from, if known; part of the fallback key
   * @param completedIfUnsaid what to assume when the segment does not say (REST rows are final)
   * @return the normalized segment, or null when it carries neither an id nor a start time to key it by
   */
  public static JsonObject normalize(JsonObject raw, String sessionUid, boolean completedIfUnsaid) {
    Object startValue = raw.getValue("start", raw.getValue("start_time"));
    Object endValue = raw.getValue("end", raw.getValue("end_time"));
    Instant absoluteStart = Timestamps.parse(raw.getValue("absolute_start_time"));
    if (absoluteStart == null) {
      absoluteStart = Timestamps.parse(startValue);
    }
    Instant absoluteEnd = Timestamps.parse(raw.getValue("absolute_end_time"));
    if (absoluteEnd == null) {
      absoluteEnd = Timestamps.parse(endValue);
    }
    String key = raw.getValue("segment_id") != null ? raw.getValue("segment_id").toString() : null;
    if (key == null || key.isBlank()) {
      if (absoluteStart == null) {
        return null;
      }
      key = (sessionUid == null ? "" : sessionUid) + "@" + absoluteStart;
    }
    String text = raw.getValue("text") == null ? "" : raw.getValue("text").toString().trim();
    Instant updated = Timestamps.parse(raw.getValue("updated_at"));
    return new JsonObject()
        .put("segment_key", key)
        .put("session_uid", sessionUid)
        .put("text", text)
        .put("speaker", blankToNull(raw.getValue("speaker")))
        .put("language", blankToNull(raw.getValue("language")))
        .put("start_time", Timestamps.seconds(startValue))
        .put("end_time", Timestamps.seconds(endValue))
        .put("absolute_start_time", absoluteStart)
        .put("absolute_end_time", absoluteEnd)
        .put("completed", raw.getValue("completed") instanceof Boolean b ? b : completedIfUnsaid)
        .put("retracted", text.isEmpty())
        .put("source_updated_at", updated);
  }

  /** Normalizes every segment of an array, dropping the ones that cannot be keyed. */
  public static JsonArray normalizeAll(JsonArray raw, String sessionUid, boolean completedIfUnsaid) {
    JsonArray segments = new JsonArray();
    for (Object item : raw) {
      if (item instanceof JsonObject segment) {
        JsonObject normalized = normalize(segment, sessionUid, completedIfUnsaid);
        if (normalized != null) {
          segments.add(normalized);
        }
      }
    }
    return segments;
  }

  /** A tombstone for a retracted segment id. */
  public static JsonObject retraction(String segmentKey, String sessionUid) {
    return new JsonObject()
        .put("segment_key", segmentKey)
        .put("session_uid", sessionUid)
        .put("text", "")
        .put("completed", false)
        .put("retracted", true);
  }

  private static String blankToNull(Object value) {
    if (value == null) {
      return null;
    }
    String text = value.toString().trim();
    return text.isEmpty() ? null : text;
  }
}
