package com.targetdialer.webhook;

import com.targetdialer.bus.DeadLetter;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every frame shape of vexa-api.md §7, as Vexa's gateway forwards it, and what it means. */
class LiveFrameTest {

  static Stream<Arguments> transcripts() {
    return Stream.of(
        Arguments.of("a bot's single segment (non-Teams): a draft unless it says",
            """
            {"type":"transcript","meeting":{"id":42},"segment":{"segment_id":"ch-0:1:1787220012400","speaker":"Jane Liu","speaker_key":"ch-0:1",
             "text":"Let's lock pricing.","start":1787220012.4,"end":1787220015.1,"language":"en",
             "absolute_start_time":"2026-08-20T10:00:12.400Z","absolute_end_time":"2026-08-20T10:00:15.100Z","source":"glow-bound","confidence":0.93,"words":[]}}""",
            42L, List.of("ch-0:1:1787220012400"), List.of(false)),
        Arguments.of("a bot's Teams bundle: confirmed are final, pending drafts",
            """
            {"type":"transcript","meeting":{"id":42},"speaker":"ch-1:7","confirmed":[{"segment_id":"t-1","text":"Hello","start":1787220001.0,"end":1787220002.0}],
             "pending":[{"segment_id":"t-2","text":"and then","start":1787220003.0,"end":1787220004.0}]}""",
            42L, List.of("t-1", "t-2"), List.of(true, false)),
        Arguments.of("the collector's change-only bundle, after it persisted",
            """
            {"type":"transcript","meeting":{"id":42,"native_id":"abc-defg-hij","platform":"google_meet"},"speaker":"Jane",
             "confirmed":[{"segment_id":"c-1","start":1787220012.4,"end":1787220015.1,"text":"Let's lock pricing.","language":"en","speaker":"Jane",
                           "speaker_key":"ch-0:1","completed":true,"source":"glow-bound","absolute_start_time":"2026-08-20T10:00:12.400Z",
                           "absolute_end_time":"2026-08-20T10:00:15.100Z","updated_at":"2026-08-20T10:00:16.000Z"}],
             "pending":[],"ts":"2026-08-20T10:00:16.100Z"}""",
            42L, List.of("c-1"), List.of(true)),
        Arguments.of("a bare transcription_segment (the golden TranscriptionSegment.live.json): no meeting id, mixed time types",
            """
            {"type":"transcription_segment","speaker":"Alice","text":"…","start_time":"2026-03-27T10:00:00Z","end_time":12.5,"language":"en",
             "completed":true,"segment_id":"ch-0:1:abc"}""",
            null, List.of("ch-0:1:abc"), List.of(true)),
        Arguments.of("0.10's transcript.mutable: drafts under payload.segments",
            """
            {"type":"transcript.mutable","meeting":{"id":7},"payload":{"segments":[{"text":"old shape","start_time":3.5,"end_time":5.0,
             "absolute_start_time":"2026-08-20T10:00:03.500Z","updated_at":"2026-08-20T10:00:06Z"}]}}""",
            7L, List.of(), List.of(false)),
        Arguments.of("0.6's transcript.finalized: final segments under payload.segments",
            """
            {"type":"transcript.finalized","meeting":{"id":7},"payload":{"segments":[{"text":"said and done","start_time":9.0,
             "absolute_start_time":"2026-08-20T10:00:09.000Z"}]}}""",
            7L, List.of(), List.of(true)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("transcripts")
  @DisplayName("transcript frames: the meeting, the segments, and whether each is final")
  void transcript(String shape, String text, Long meetingId, List<String> segmentIds, List<Boolean> completed) {
    LiveFrame.Transcript frame = (LiveFrame.Transcript) LiveFrame.of(text);

    assertThat(frame.vexaMeetingId()).isEqualTo(meetingId);
    assertThat(frame.segments().stream().map(JsonObject.class::cast).map(s -> s.getBoolean("completed")).toList()).isEqualTo(completed);
    assertThat(frame.segments().stream().map(JsonObject.class::cast).map(s -> s.getString("segment_id")).filter(id -> id != null).toList())
        .isEqualTo(segmentIds);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("others")
  @DisplayName("the other frames")
  void others(String shape, String text, LiveFrame expected) {
    assertThat(LiveFrame.of(text)).isEqualTo(expected);
  }

  static Stream<Arguments> others() {
    return Stream.of(
        Arguments.of("a retraction", "{\"type\":\"transcript_retract\",\"meeting\":{\"id\":42},\"segment_ids\":[\"a\",\"b\"]}",
            new LiveFrame.Retract(42L, List.of("a", "b"))),
        Arguments.of("a meeting's status, from bm:", """
            {"type":"meeting.status","meeting":{"id":42,"platform":"google_meet","native_id":"abc-defg-hij"},"payload":{"status":"active"},
             "user_id":7,"ts":"2026-08-20T10:00:05.123456+00:00"}""",
            new LiveFrame.Status(42L, "active", Instant.parse("2026-08-20T10:00:05.123Z"))),
        Arguments.of("the user channel's flat status", """
            {"type":"meeting.status","meeting_id":42,"native":"abc-defg-hij","status":"needs_help","when":"2026-08-20T10:01:00Z"}""",
            new LiveFrame.Status(42L, "needs_help", Instant.parse("2026-08-20T10:01:00Z"))),
        Arguments.of("subscribed", "{\"type\":\"subscribed\",\"meetings\":[{\"platform\":\"google_meet\",\"native_id\":\"abc-defg-hij\"}]}",
            new LiveFrame.Control("subscribed")),
        Arguments.of("pong", "{\"type\":\"pong\"}", new LiveFrame.Control("pong")),
        Arguments.of("a chat message", "{\"type\":\"chat_message\",\"sender\":\"Jane\",\"text\":\"link?\"}", new LiveFrame.Control("chat_message")),
        Arguments.of("an error", "{\"type\":\"error\",\"error\":\"invalid_api_key\"}", new LiveFrame.Error("{\"type\":\"error\",\"error\":\"invalid_api_key\"}")),
        Arguments.of("an unknown type", "{\"type\":\"health\",\"ok\":true}",
            new LiveFrame.Unusable(DeadLetter.Reason.UNKNOWN_EVENT, "live stream frame of an unknown type: health")),
        Arguments.of("not JSON", "transcript?", new LiveFrame.Unusable(DeadLetter.Reason.NOT_JSON, "live stream frame is not a JSON object")),
        Arguments.of("a JSON array", "[1]", new LiveFrame.Unusable(DeadLetter.Reason.NOT_JSON, "live stream frame is not a JSON object")));
  }
}
