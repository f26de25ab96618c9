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

  /** Segments ready to persist, and the raw ones that could not be keyed (to be kept as dead letters). */
  public record Normalized(JsonArray segments, JsonArray unkeyable) {

    /** The dead letter's error for the unkeyable ones. */
    public String unkeyableError(long meetingId) {
      return unkeyable.size() + " of " + (segments.size() + unkeyable.size()) + " segments of meeting " + meetingId
          + " have no segment_id and no start time, the first: " + unkeyable.getValue(0);
    }
  }

  /** As {@link #normalize(JsonObject, String, Instant, boolean)} for a session whose start is not known. */
  public static JsonObject normalize(JsonObject raw, String sessionUid, boolean completedIfUnsaid) {
    return normalize(raw, sessionUid, null, completedIfUnsaid);
  }

  /**
   * The key is Vexa's {@code segment_id}; without one, the session plus the absolute start; without
   * that (the seed's own payloads: relative times only), the session plus the relative start plus the
   * speaker, the seed's rule that the same meeting, start and speaker is the same segment. Relative
   * times are kept, and made absolute from the session's start when it is known.
   *
   * @param sessionUid        the bot session the segment came from, if known; part of the fallback keys
   * @param sessionStart      when that session started hearing, if known
   * @param completedIfUnsaid what to assume when the segment does not say (REST rows are final)
   * @return the normalized segment, or null when it carries no id and no start time to key it by
   */
  public static JsonObject normalize(JsonObject raw, String sessionUid, Instant sessionStart, boolean completedIfUnsaid) {
    Object startValue = raw.getValue("start", raw.getValue("start_time"));
    Object endValue = raw.getValue("end", raw.getValue("end_time"));
    Instant givenStart = Timestamps.parse(raw.getValue("absolute_start_time"));
    if (givenStart == null) {
      givenStart = Timestamps.parse(startValue);
    }
    Instant absoluteEnd = Timestamps.parse(raw.getValue("absolute_end_time"));
    if (absoluteEnd == null) {
      absoluteEnd = Timestamps.parse(endValue);
    }
    Double relativeStart = Timestamps.seconds(startValue);
    Double relativeEnd = Timestamps.seconds(endValue);
    String speaker = blankToNull(raw.getValue("speaker"));
    String session = sessionUid == null ? "" : sessionUid;
    String key = raw.getValue("segment_id") != null ? raw.getValue("segment_id").toString() : null;
    Instant absoluteStart = givenStart;
    if (key == null || key.isBlank()) {
      if (givenStart != null) {
        key = session + "@" + givenStart;
      } else if (relativeStart != null && Double.isFinite(relativeStart)) {
        key = session + "@+" + relativeStart + "/" + (speaker == null ? "" : speaker);
      } else {
        return null;
      }
    }
    if (absoluteStart == null && sessionStart != null && relativeStart != null && Double.isFinite(relativeStart)) {
      absoluteStart = sessionStart.plusMillis(Math.round(relativeStart * 1000));
      if (absoluteEnd == null && relativeEnd != null && Double.isFinite(relativeEnd)) {
        absoluteEnd = sessionStart.plusMillis(Math.round(relativeEnd * 1000));
      }
    }
    String text = raw.getValue("text") == null ? "" : raw.getValue("text").toString().trim();
    Instant updated = Timestamps.parse(raw.getValue("updated_at"));
    return new JsonObject()
        .put("segment_key", key)
        .put("session_uid", sessionUid)
        .put("text", text)
        .put("speaker", speaker)
        .put("language", blankToNull(raw.getValue("language")))
        .put("start_time", relativeStart)
        .put("end_time", relativeEnd)
        .put("absolute_start_time", absoluteStart)
        .put("absolute_end_time", absoluteEnd)
        .put("completed", raw.getValue("completed") instanceof Boolean b ? b : completedIfUnsaid)
        .put("retracted", text.isEmpty())
        .put("source_updated_at", updated);
  }

  /** Normalizes every segment of an array; what cannot be keyed (or is not an object) is returned raw, apart. */
  public static Normalized normalizeAll(JsonArray raw, String sessionUid, Instant sessionStart, boolean completedIfUnsaid) {
    JsonArray segments = new JsonArray();
    JsonArray unkeyable = new JsonArray();
    for (Object item : raw) {
      JsonObject normalized = item instanceof JsonObject segment ? normalize(segment, sessionUid, sessionStart, completedIfUnsaid) : null;
      if (normalized != null) {
        segments.add(normalized);
      } else {
        unkeyable.add(item);
      }
    }
    return new Normalized(segments, unkeyable);
  }

  /** True when some segment has neither an id nor an absolute time: its key and times need the session. */
  public static boolean needsSession(JsonArray raw) {
    for (Object item : raw) {
      if (item instanceof JsonObject segment && segment.getValue("segment_id") == null
          && Timestamps.parse(segment.getValue("absolute_start_time")) == null
          && Timestamps.parse(segment.getValue("start", segment.getValue("start_time"))) == null) {
        return true;
      }
    }
    return false;
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
