package com.targetdialer.health;

import com.targetdialer.calendar.CalendarHarness;
import com.targetdialer.sim.google.MeetEvent;
import com.targetdialer.sim.vexa.BotScript;
import com.targetdialer.testing.Await;
import com.targetdialer.testing.MetricsText;
import com.targetdialer.testing.TestStores;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bot in the lobby, against both simulators: the nudge names who can admit it (from the calendar
 * event), a bot turned away is followed by one more knock (not after a "no"), and the ledger waits for it.
 */
@ExtendWith(TestStores.class)
class LobbyRescueTest {

  private static CalendarHarness harness;
  private static String calendar;

  @BeforeAll
  static void start() throws Exception {
    harness = CalendarHarness.start(Map.of(
        "DISPATCH_LEAD_S", "2",
        "HEALTH_SWEEP_INTERVAL_S", "1",
        "LEDGER_SWEEP_INTERVAL_S", "1",
        "LOBBY_NUDGE_S", "1",
        "LOBBY_RETRY_DELAY_S", "1",
        "LOBBY_RETRY_MIN_REMAINING_S", "60",
        // The lobby waits here are seconds of meetings that talk for ten: most of each is heard.
        "CAPTURE_MIN_COVERAGE", "0.5"));
    calendar = harness.newUser("lobby");
    harness.connect(calendar);
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  @Test
  @DisplayName("a bot in the lobby raises one lobby_waiting alert naming the organizer first, then the accepted attendees")
  void nudge() {
    String code = meeting("Discovery call", BotScript.neverAdmitted().lobbyTimeout(Duration.ofSeconds(30)));
    long meetingId = meetingId(code);

    JsonObject alert = Await.value("the nudge", Duration.ofSeconds(20), () -> event(meetingId, "lobby_waiting"));
    assertThat(alert.getJsonArray("admitters")).containsExactly("alice@example.com", "bob@example.com");
    assertThat(alert.getString("message")).isEqualTo("TargetDialer Notes is waiting in the lobby of 'Discovery call' — ask alice@example.com to admit it");
    assertThat(alert.getJsonObject("meeting").getString("meet_url")).isEqualTo("https://meet.google.com/" + code);
    assertThat(alert.getJsonObject("meeting").getString("scheduled_start")).isNotNull();
    double sweeps = sweeps();
    Await.until("two more sweeps", Duration.ofSeconds(10), () -> sweeps() >= sweeps + 2);
    assertThat(harness.db.count("SELECT count(*) FROM td_meeting_events WHERE meeting_id = $1 AND type = 'lobby_waiting'", meetingId))
        .isEqualTo(1);
    assertThat(status(meetingId)).as("a lobby wait is not a failure").isEqualTo("awaiting_admission");
  }

  @Test
  @DisplayName("Vexa's needs_help is a lobby wait too: nudged, never taken for a join failure, and captured once let in")
  void needsHelp() {
    String code = meeting("Needs help call", talking(BotScript.normal().viaNeedsHelp().admissionDelay(Duration.ofSeconds(3))));
    long meetingId = meetingId(code);

    Await.value("the nudge", Duration.ofSeconds(20), () -> event(meetingId, "lobby_waiting"));
    Await.until("captured", Duration.ofSeconds(30), () -> "captured".equals(outcome(meetingId)));
    assertThat(harness.vexa.botsStarted(code)).isEqualTo(1);
  }

  @Test
  @DisplayName("a lobby timeout inside the window gets exactly one re-knock; admitted, the meeting is captured as one transcript")
  void reKnockAdmitted() {
    String code = meeting("Re-knock call", BotScript.neverAdmitted().lobbyTimeout(Duration.ofSeconds(2)), talking(BotScript.normal()));
    long meetingId = meetingId(code);

    Await.until("captured", Duration.ofSeconds(40), () -> "captured".equals(outcome(meetingId)));
    assertThat(harness.vexa.botsStarted(code)).isEqualTo(2);
    List<Row> sessions = harness.db.rows("SELECT start_reason, completion_reason FROM td_bot_sessions WHERE meeting_id = $1 ORDER BY attempt", meetingId);
    assertThat(sessions).extracting(row -> row.getString("start_reason")).containsExactly("dispatch", "re_knock");
    assertThat(sessions.get(0).getString("completion_reason")).isEqualTo("awaiting_admission_timeout");
    assertThat(event(meetingId, "re_knock").getString("message")).contains("awaiting_admission_timeout");
    assertThat(harness.db.count("SELECT segment_count FROM td_meetings WHERE id = $1", meetingId)).isEqualTo(10);
    JsonArray bots = Await.value("the second bot's transcription outcome", Duration.ofSeconds(10), () -> {
      JsonArray listed = harness.client().get("/api/meetings/" + meetingId).putHeader("Authorization", "Bearer " + CalendarHarness.UI_TOKEN)
          .send().await().bodyAsJsonObject().getJsonArray("bot_sessions");
      return "served".equals(listed.getJsonObject(1).getString("transcription_outcome")) ? listed : null;
    });
    assertThat(bots.getJsonObject(1).getString("start_reason")).as("GET /api/meetings/{id} says why each bot was sent").isEqualTo("re_knock");
    assertThat(harness.db.count("SELECT count(*) FROM td_meeting_events WHERE meeting_id = $1 AND type = 'outcome'", meetingId))
        .as("no interim not_admitted verdict while the re-knock was due").isEqualTo(1);
  }

  @Test
  @DisplayName("a re-knock that is not admitted either: not_admitted, both attempts in the reason, no third knock")
  void reKnockNotAdmitted() {
    String code = meeting("Closed door call", BotScript.neverAdmitted().lobbyTimeout(Duration.ofSeconds(2)),
        BotScript.neverAdmitted().lobbyTimeout(Duration.ofSeconds(2)), BotScript.normal());
    long meetingId = meetingId(code);

    Await.until("not admitted", Duration.ofSeconds(40), () -> "not_admitted".equals(outcome(meetingId)));
    assertThat(harness.vexa.botsStarted(code)).isEqualTo(2);
    assertThat((String) harness.db.value("SELECT outcome_reason FROM td_meetings WHERE id = $1", meetingId))
        .isEqualTo("Not recorded: nobody let the bot in; it waited in the lobby until it gave up (2 bots tried).");
  }

  @Test
  @DisplayName("a host's rejection is respected: no re-knock by default")
  void rejectedNotRetried() {
    String code = meeting("Rejected call", BotScript.rejected(), BotScript.normal());
    long meetingId = meetingId(code);

    Await.until("not admitted", Duration.ofSeconds(30), () -> "not_admitted".equals(outcome(meetingId)));
    assertThat(harness.vexa.botsStarted(code)).isEqualTo(1);
    assertThat((String) harness.db.value("SELECT outcome_reason FROM td_meetings WHERE id = $1", meetingId))
        .isEqualTo("Not recorded: the host turned the bot away at the door.");
  }

  /** Ten segments, one a second. */
  private static BotScript talking(BotScript script) {
    return script.segments(10).segmentInterval(Duration.ofSeconds(1));
  }

  /** A Meet event 3 s from now, organized by alice, with bob (accepted) and carol (declined); returns its code. */
  private static String meeting(String title, BotScript... scripts) {
    String code = MeetEvent.randomMeetCode();
    harness.vexa.script(code, scripts);
    Instant start = Instant.now().plusSeconds(3);
    harness.google.putEvent(calendar, MeetEvent.meet(code, start, start.plus(Duration.ofMinutes(30))).summary(title)
        .organizer("Alice@example.com").attendee("bob@example.com", "accepted").attendee("carol@example.com", "declined").json());
    return code;
  }

  private static long meetingId(String code) {
    return Await.value("meeting " + code + " synced", Duration.ofSeconds(15), () -> (Long) harness.db.value(
        "SELECT id FROM td_meetings WHERE native_meeting_id = $1", code));
  }

  private static JsonObject event(long meetingId, String type) {
    return (JsonObject) harness.db.value("SELECT detail FROM td_meeting_events WHERE meeting_id = $1 AND type = $2 ORDER BY seq LIMIT 1",
        meetingId, type);
  }

  private static String status(long meetingId) {
    return (String) harness.db.value("SELECT bot_status FROM td_meetings WHERE id = $1", meetingId);
  }

  private static String outcome(long meetingId) {
    return (String) harness.db.value("SELECT outcome FROM td_meetings WHERE id = $1", meetingId);
  }

  private static double sweeps() {
    return MetricsText.value(harness.client().get("/metrics").send().await().bodyAsString(), "td_health_sweep_seconds_count");
  }
}
