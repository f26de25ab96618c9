package com.targetdialer.webhook;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class VexaEventTest {

  @Test
  @DisplayName("meeting.status_change is matched by connection id, with its new status and reason")
  void statusChange() {
    JsonObject body = new JsonObject().put("event_id", "evt_1").put("event_type", "meeting.status_change").put("data", new JsonObject()
        .put("meeting", new JsonObject().put("connection_id", "conn-1").put("status", "awaiting_admission"))
        .put("status_change", new JsonObject().put("old_status", "joining").put("new_status", "needs_help").put("reason", "host away")));

    VexaEvent.Status status = (VexaEvent.Status) VexaEvent.of(body);

    assertThat(status.change().sessionUid()).isEqualTo("conn-1");
    assertThat(status.change().status()).as("needs_help is a stuck lobby").isEqualTo("awaiting_admission");
    assertThat(status.change().reason()).isEqualTo("host away");
    assertThat(status.change().eventId()).isEqualTo("evt_1");
  }

  @Test
  @DisplayName("typed events carry the meeting row: bot.failed by Vexa id, with completion reason and failure stage")
  void typedEvent() {
    JsonObject body = new JsonObject().put("event_id", "evt_2").put("event_type", "bot.failed").put("data", new JsonObject()
        .put("meeting", new JsonObject().put("id", 11368).put("status", "failed")
            .put("completion_reason", "awaiting_admission_rejected").put("failure_stage", "awaiting_admission")));

    VexaEvent.Status status = (VexaEvent.Status) VexaEvent.of(body);

    assertThat(status.change().vexaMeetingId()).isEqualTo(11368L);
    assertThat(status.change().status()).isEqualTo("failed");
    assertThat(status.change().completionReason()).isEqualTo("awaiting_admission_rejected");
  }

  @Test
  @DisplayName("seed-style segments, ignored and unknown events are told apart")
  void otherShapes() {
    assertThat(VexaEvent.of(new JsonObject().put("vexa_meeting_id", "abc-defg-hij").put("segments", new JsonArray())))
        .isInstanceOfSatisfying(VexaEvent.Segments.class, s -> assertThat(s.nativeMeetingId()).isEqualTo("abc-defg-hij"));
    assertThat(VexaEvent.of(new JsonObject().put("event_type", "recording.completed").put("data", new JsonObject())))
        .isInstanceOf(VexaEvent.Ignored.class);
    assertThat(VexaEvent.of(new JsonObject().put("event_type", "meeting.renamed").put("data", new JsonObject())))
        .isInstanceOf(VexaEvent.Unknown.class);
    assertThat(VexaEvent.of(new JsonObject().put("hello", "world"))).isInstanceOf(VexaEvent.Unknown.class);
    assertThat(VexaEvent.of(new JsonObject().put("event_type", "meeting.status_change").put("data", new JsonObject())))
        .as("status_change without connection id").isInstanceOf(VexaEvent.Unknown.class);
  }
}
