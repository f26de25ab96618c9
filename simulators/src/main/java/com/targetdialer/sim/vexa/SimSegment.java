package com.targetdialer.sim.vexa;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.time.Instant;

/** One transcript segment in its latest version (draft or confirmed). Touched on the simulator's context only. */
final class SimSegment {

  final String segmentId;
  final String speaker;
  final String speakerKey;
  final String language;
  final Instant start;
  Instant end;
  String text;
  boolean completed;
  Instant updatedAt;

  SimSegment(String segmentId, String speaker, String speakerKey, String language, Instant start) {
    this.segmentId = segmentId;
    this.speaker = speaker;
    this.speakerKey = speakerKey;
    this.language = language;
    this.start = start;
  }

  /** As the bot publishes it on {@code tc:meeting:{id}:mutable}: epoch seconds, ms-precision ISO. */
  JsonObject botJson() {
    return new JsonObject()
        .put("segment_id", segmentId)
        .put("speaker", speaker)
        .put("speaker_key", speakerKey)
        .put("text", text)
        .put("start", SimTime.epochSeconds(start))
        .put("end", SimTime.epochSeconds(end))
        .put("language", language)
        .put("completed", completed)
        .put("absolute_start_time", SimTime.isoMillis(start))
        .put("absolute_end_time", SimTime.isoMillis(end))
        .put("source", "glow-bound")
        .put("confidence", completed ? 0.93 : 0.0)
        .put("words", new JsonArray());
  }

  /** As the collector republishes it after persisting: no words/confidence, plus updated_at. */
  JsonObject collectorJson() {
    return new JsonObject()
        .put("segment_id", segmentId)
        .put("start", SimTime.epochSeconds(start))
        .put("end", SimTime.epochSeconds(end))
        .put("text", text)
        .put("language", language)
        .put("speaker", speaker)
        .put("speaker_key", speakerKey)
        .put("completed", completed)
        .put("source", "glow-bound")
        .put("absolute_start_time", SimTime.isoMillis(start))
        .put("absolute_end_time", SimTime.isoMillis(end))
        .put("updated_at", SimTime.iso(updatedAt));
  }

  /**
   * The REST shape (0.12 {@code _segment_to_api}). Rows flushed to Postgres (the meeting is terminal)
   * carry microsecond ISO strings; live drafts from Redis carry the bot's millisecond strings, so
   * the same segment's timestamp text changes precision between reads, as in the real service.
   */
  JsonObject restJson(boolean persisted) {
    return new JsonObject()
        .put("start", SimTime.epochSeconds(start))
        .put("end", SimTime.epochSeconds(end))
        .put("text", text)
        .put("language", language)
        .put("speaker", speaker)
        .put("speaker_key", speakerKey)
        .put("completed", persisted || completed)
        .put("segment_id", segmentId)
        .put("source", "glow-bound")
        .put("absolute_start_time", persisted ? SimTime.iso(start) : SimTime.isoMillis(start))
        .put("absolute_end_time", persisted ? SimTime.iso(end) : SimTime.isoMillis(end));
  }

  /** The 0.10 REST shape: relative seconds from session start, created_at, naive timestamps. */
  JsonObject legacyRestJson(Instant sessionStart) {
    return new JsonObject()
        .put("start_time", relative(start, sessionStart))
        .put("end_time", relative(end, sessionStart))
        .put("text", text)
        .put("language", language)
        .put("speaker", speaker)
        .put("completed", completed)
        .put("segment_id", segmentId)
        .put("created_at", SimTime.naive(updatedAt))
        .put("absolute_start_time", SimTime.naive(start))
        .put("absolute_end_time", SimTime.naive(end));
  }

  /** The 0.10 {@code transcript.mutable} segment: relative start/end_time plus session_uid. */
  JsonObject legacyWsJson(Instant sessionStart, String sessionUid) {
    return new JsonObject()
        .put("text", text)
        .put("speaker", speaker)
        .put("language", language)
        .put("session_uid", sessionUid)
        .put("speaker_mapping_status", "MAPPED")
        .put("start", relative(start, sessionStart))
        .put("end_time", relative(end, sessionStart))
        .put("absolute_start_time", SimTime.iso(start))
        .put("absolute_end_time", SimTime.iso(end))
        .put("updated_at", SimTime.iso(updatedAt))
        .put("completed", completed)
        .put("segment_id", segmentId);
  }

  private static BigDecimal relative(Instant t, Instant sessionStart) {
    return SimTime.seconds(t.toEpochMilli() - sessionStart.toEpochMilli());
  }
}
