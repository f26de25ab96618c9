package com.targetdialer.vexa;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class VexaSegmentsTest {

  @Test
  @DisplayName("a 0.12 segment keeps its id as key and its epoch times as absolute times")
  void current() {
    JsonObject segment = VexaSegments.normalize(new JsonObject().put("segment_id", "ch-0:1:1787220012400").put("text", " Let's lock pricing. ")
        .put("speaker", "Jane Liu").put("start", 1787220012.4).put("end", 1787220015.1).put("completed", true)
        .put("updated_at", "2026-08-20T10:00:16.123456Z"), "sess", false);

    assertThat(segment.getString("segment_key")).isEqualTo("ch-0:1:1787220012400");
    assertThat(segment.getString("text")).isEqualTo("Let's lock pricing.");
    assertThat(segment.getString("absolute_start_time")).isEqualTo("2026-08-20T10:00:12.400Z");
    assertThat(segment.getString("absolute_end_time")).isEqualTo("2026-08-20T10:00:15.100Z");
    assertThat(segment.getString("source_updated_at")).isEqualTo("2026-08-20T10:00:16.123Z");
    assertThat(segment.getBoolean("completed")).isTrue();
    assertThat(segment.getBoolean("retracted")).isFalse();
  }

  @Test
  @DisplayName("without an id the key is the session plus the start, the same whatever the string's precision or zone form")
  void fallbackKeyIsStable() {
    JsonObject micro = new JsonObject().put("text", "hi").put("absolute_start_time", "2026-08-20T10:00:12.400000Z");
    JsonObject milli = new JsonObject().put("text", "hi").put("absolute_start_time", "2026-08-20T10:00:12.400Z");
    JsonObject naive = new JsonObject().put("text", "hi").put("absolute_start_time", "2026-08-20T10:00:12.4");

    assertThat(VexaSegments.normalize(micro, "s1", true).getString("segment_key")).isEqualTo("s1@2026-08-20T10:00:12.400Z")
        .isEqualTo(VexaSegments.normalize(milli, "s1", true).getString("segment_key"))
        .isEqualTo(VexaSegments.normalize(naive, "s1", true).getString("segment_key"));
  }

  @Test
  @DisplayName("0.10 relative times stay relative; empty text is a retraction; no key means no segment")
  void legacyAndEdgeCases() {
    JsonObject legacy = VexaSegments.normalize(new JsonObject().put("segment_id", "x").put("start_time", "3.5").put("end_time", 5).put("text", ""), null, true);

    assertThat(legacy.getDouble("start_time")).isEqualTo(3.5);
    assertThat(legacy.getString("absolute_start_time")).isNull();
    assertThat(legacy.getBoolean("retracted")).isTrue();
    assertThat(VexaSegments.normalize(new JsonObject().put("text", "no time, no id"), "s", true)).isNull();
  }

  @Test
  @DisplayName("the seed's own segment (relative times as strings, no id) is keyed by session, relative start and speaker")
  void seedShape() {
    // The plan's example body: {"native_meeting_id","platform","segments":[{"text","speaker","start_time":"0.0","end_time":"2.5","language"}]}
    JsonObject seed = new JsonObject("{\"text\":\"Hello world\",\"speaker\":\"Speaker 1\",\"start_time\":\"0.0\",\"end_time\":\"2.5\",\"language\":\"en\"}");
    Instant sessionStart = Instant.parse("2026-11-26T10:00:00Z");

    JsonObject segment = VexaSegments.normalize(seed, "s1", sessionStart, true);

    assertThat(segment).isNotNull();
    assertThat(segment.getString("segment_key")).isEqualTo("s1@+0.0/Speaker 1");
    assertThat(segment.getDouble("start_time")).isEqualTo(0.0);
    assertThat(segment.getDouble("end_time")).isEqualTo(2.5);
    assertThat(segment.getString("absolute_start_time")).as("from the session's start").isEqualTo("2026-11-26T10:00:00Z");
    assertThat(segment.getString("absolute_end_time")).isEqualTo("2026-11-26T10:00:02.500Z");
    assertThat(VexaSegments.normalize(seed.copy().put("start_time", 0), "s1", null, true).getString("segment_key"))
        .as("the same start written as a number, session start unknown").isEqualTo(segment.getString("segment_key"));
    assertThat(VexaSegments.normalize(seed.copy().put("speaker", "Speaker 2"), "s1", sessionStart, true).getString("segment_key"))
        .as("another speaker at the same moment is another segment").isNotEqualTo(segment.getString("segment_key"));
    assertThat(VexaSegments.needsSession(new JsonArray().add(seed))).isTrue();
    assertThat(VexaSegments.needsSession(new JsonArray().add(seed.copy().put("segment_id", "x")))).isFalse();
  }

  @Test
  @DisplayName("normalizeAll keeps what cannot be keyed apart, raw, instead of dropping it")
  void unkeyableKeptApart() {
    JsonObject keyed = new JsonObject().put("segment_id", "a").put("text", "kept");
    JsonObject timeless = new JsonObject().put("text", "no time, no id");

    VexaSegments.Normalized normalized = VexaSegments.normalizeAll(new JsonArray().add(keyed).add(timeless).add("not a segment"), "s", null, true);

    assertThat(normalized.segments()).hasSize(1);
    assertThat(normalized.unkeyable()).containsExactly(timeless, "not a segment");
  }
}
