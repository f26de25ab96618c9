package com.targetdialer.webhook;

import com.targetdialer.meeting.BotStatus;
import com.targetdialer.bus.DeadLetter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class VexaEventTest {

  private static final Instant ARRIVED = Instant.parse("2026-08-20T12:00:00Z");

  @Test
  @DisplayName("meeting.status_change is matched by connection id, with its new status and reason")
  void statusChange() {
    JsonObject body = new JsonObject().put("event_id", "evt_1").put("event_type", "meeting.status_change").put("data", new JsonObject()
        .put("meeting", new JsonObject().put("connection_id", "conn-1").put("status", "awaiting_admission"))
        .put("status_change", new JsonObject().put("old_status", "joining").put("new_status", "needs_help").put("reason", "host away")));

    VexaEvent.Status status = (VexaEvent.Status) VexaEvent.of(body, ARRIVED);

    assertThat(status.change().sessionUid()).isEqualTo("conn-1");
    assertThat(status.change().status()).as("needs_help is a stuck lobby").isEqualTo(BotStatus.AWAITING_ADMISSION);
    assertThat(status.change().why().reason()).isEqualTo("host away");
    assertThat(status.change().eventId()).isEqualTo("evt_1");
    assertThat(status.change().at()).as("no time in the body: the arrival").isEqualTo(ARRIVED);
  }

  @Test
  @DisplayName("a status change happened when Vexa's transition says, not when it (re)arrived; the envelope's created_at is next best")
  void producerTime() {
    // The exact shape of vexa-api.md §5, delivered again two hours later (Vexa's last retry).
    JsonObject body = new JsonObject("""
        {"event_id":"evt_9f","event_type":"meeting.status_change","api_version":"2026-03-01","created_at":"2026-08-20T10:00:05.1Z",
         "data":{"meeting":{"connection_id":"1b346622-f07c-4873-820f-ca50f906ef74","status":"active","completion_reason":null,"failure_stage":null,
                            "data":{"status_transition":[{"from":"requested","to":"joining","timestamp":"2026-08-20T10:00:01.000Z"},
                                                         {"from":"joining","to":"active","timestamp":"2026-08-20T10:00:04.250Z","timestamp_source":"producer","source":"bot_callback"}]}},
                 "status_change":{"old_status":"joining","new_status":"active","reason":null,"transition_source":"bot_callback"}}}""");
    Instant twoHoursLater = Instant.parse("2026-08-20T12:00:06Z");

    VexaEvent.Status status = (VexaEvent.Status) VexaEvent.of(body, twoHoursLater);

    assertThat(status.change().at()).isEqualTo(Instant.parse("2026-08-20T10:00:04.250Z"));
    assertThat(status.change().receivedAt()).isEqualTo(twoHoursLater);
    assertThat(status.change().describe().getInstant("at")).isEqualTo(Instant.parse("2026-08-20T10:00:04.250Z"));
    assertThat(status.change().describe().getInstant("received_at")).isEqualTo(twoHoursLater);

    body.getJsonObject("data").getJsonObject("meeting").remove("data");
    assertThat(((VexaEvent.Status) VexaEvent.of(body, twoHoursLater)).change().at()).isEqualTo(Instant.parse("2026-08-20T10:00:05.100Z"));
    assertThat(((VexaEvent.Status) VexaEvent.of(body, Instant.parse("2026-08-20T09:00:00Z"))).change().at())
        .as("a producer clock ahead of ours is not trusted past the arrival").isEqualTo(Instant.parse("2026-08-20T09:00:00Z"));
  }

  @Test
  @DisplayName("typed events carry the meeting row: bot.failed by Vexa id, with completion reason, failure stage and its own time")
  void typedEvent() {
    // vexa-api.md §5, from the golden Envelope.bot-failed.json.
    JsonObject body = new JsonObject("""
        {"event_id":"evt_a1b2","event_type":"bot.failed","api_version":"2026-03-01","created_at":"2026-06-18T10:03:12.000Z",
         "data":{"meeting":{"id":11368,"user_id":7,"platform":"zoom","native_meeting_id":"98765432101","status":"failed",
           "completion_reason":"awaiting_admission_rejected","failure_stage":"awaiting_admission","start_time":null,"end_time":"2026-06-18T10:03:11.500Z","data":{},
           "created_at":"2026-06-18T09:58:00Z","updated_at":"2026-06-18T10:03:11.600Z"},
          "status_change":{"from":"awaiting_admission","to":"failed","reason":"host denied admission","timestamp":"2026-06-18T10:03:12.000Z","transition_source":"bot_callback"}}}""");

    VexaEvent.Status status = (VexaEvent.Status) VexaEvent.of(body, ARRIVED);

    assertThat(status.change().vexaMeetingId()).isEqualTo(11368L);
    assertThat(status.change().status()).isEqualTo(BotStatus.FAILED);
    assertThat(status.change().completionReason()).isEqualTo("awaiting_admission_rejected");
    assertThat(status.change().why().reason()).isEqualTo("host denied admission");
    assertThat(status.change().at()).isEqualTo(Instant.parse("2026-06-18T10:03:12.000Z"));
  }

  @Test
  @DisplayName("meeting.completed says whether the transcription produced anything (service_provenance.transcription_outcome)")
  void transcriptionOutcome() {
    JsonObject body = new JsonObject().put("event_id", "evt_5").put("event_type", "meeting.completed").put("data", new JsonObject()
        .put("meeting", new JsonObject().put("id", 11369).put("status", "completed").put("completion_reason", "left_alone")
            .put("service_provenance", new JsonObject().put("bot_admitted_at", "2026-06-18T10:00:00Z").put("bot_outcome", "served")
                .put("transcription_provider", "remote").put("transcription_outcome", "no_output").put("lifecycle_contract_version", "v1"))));
    JsonObject nullProvenance = body.copy();
    nullProvenance.getJsonObject("data").getJsonObject("meeting").putNull("service_provenance");

    VexaEvent.Status status = (VexaEvent.Status) VexaEvent.of(body, ARRIVED);
    VexaEvent.Status withoutIt = (VexaEvent.Status) VexaEvent.of(nullProvenance, ARRIVED);

    assertThat(status.change().why().transcriptionOutcome()).isEqualTo("no_output");
    assertThat(status.change().describe().getString("transcription_outcome")).isEqualTo("no_output");
    assertThat(withoutIt.change().why().transcriptionOutcome()).isNull();
  }

  @Test
  @DisplayName("a typed event with Vexa's minimal block (its row write failed) is matched by connection id")
  void typedEventWithMinimalBlock() {
    JsonObject body = new JsonObject().put("event_id", "evt_3").put("event_type", "meeting.completed").put("data", new JsonObject()
        .put("meeting", new JsonObject().put("connection_id", "conn-7").put("status", "completed").put("completion_reason", "left_alone")));

    VexaEvent.Status status = (VexaEvent.Status) VexaEvent.of(body, ARRIVED);

    assertThat(status.change().sessionUid()).isEqualTo("conn-7");
    assertThat(status.change().vexaMeetingId()).isNull();
    assertThat(status.change().status()).isEqualTo(BotStatus.COMPLETED);
  }

  @Test
  @DisplayName("seed-style segments are told apart; untracked, unknown and id-less events are unusable, each with its reason")
  void otherShapes() {
    assertThat(VexaEvent.of(new JsonObject().put("vexa_meeting_id", "abc-defg-hij").put("segments", new JsonArray()), ARRIVED))
        .isInstanceOfSatisfying(VexaEvent.Segments.class, s -> assertThat(s.nativeMeetingId()).isEqualTo("abc-defg-hij"));
    assertThat(reason(new JsonObject().put("event_type", "recording.completed").put("data", new JsonObject())))
        .isEqualTo(DeadLetter.Reason.UNTRACKED);
    assertThat(reason(new JsonObject().put("event_type", "meeting.renamed").put("data", new JsonObject())))
        .isEqualTo(DeadLetter.Reason.UNKNOWN_EVENT);
    assertThat(reason(new JsonObject().put("hello", "world"))).isEqualTo(DeadLetter.Reason.UNKNOWN_EVENT);
    assertThat(reason(new JsonObject().put("event_type", "meeting.status_change").put("data", new JsonObject())))
        .as("status_change without connection id").isEqualTo(DeadLetter.Reason.MISSING_ID);
    assertThat(reason(new JsonObject().put("event_type", "meeting.status_change").put("data", new JsonObject()
        .put("meeting", new JsonObject().put("connection_id", "c").put("status", "requested")))))
        .as("a status we do not follow").isEqualTo(DeadLetter.Reason.UNTRACKED);
  }

  private static DeadLetter.Reason reason(JsonObject body) {
    return ((VexaEvent.Unusable) VexaEvent.of(body, ARRIVED)).reason();
  }
}
