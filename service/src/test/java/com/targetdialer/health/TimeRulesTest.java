package com.targetdialer.health;

import com.targetdialer.Arguments;
import com.targetdialer.TargetDialer;
import com.targetdialer.config.DatabaseUrl;
import com.targetdialer.sim.vexa.BotScript;
import com.targetdialer.sim.vexa.VexaSimulator;
import com.targetdialer.testing.Await;
import com.targetdialer.testing.MetricsText;
import com.targetdialer.testing.MovedClock;
import com.targetdialer.testing.RunningService;
import com.targetdialer.testing.SqlProbe;
import com.targetdialer.testing.TestStores;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The time rules at their shipped defaults (deaf after 180 s, lobby reported after 600 s, a calendar
 * meeting's bot sent 120 s before its start), each checked by moving the service's clock past the
 * threshold instead of waiting it out. Each test runs its own service, database and clock.
 */
@ExtendWith(TestStores.class)
class TimeRulesTest {

  private static final String INTERNAL_KEY = "internal-key-for-tests-0123";

  private static Vertx vertx;
  private static VexaSimulator vexa;
  private final MovedClock clock = new MovedClock();
  private TargetDialer service;
  private SqlProbe db;

  @BeforeAll
  static void simulator() {
    vertx = Vertx.vertx();
    vexa = new VexaSimulator(0);
    vertx.deployVerticle(vexa).await();
  }

  @AfterAll
  static void closeSimulator() {
    vertx.close().await();
  }

  private void startService() {
    DatabaseUrl database = TestStores.newDatabase();
    Map<String, String> env = RunningService.env(database, TestStores.redis());
    env.put("INTERNAL_API_KEY", INTERNAL_KEY);
    RunningService.useVexa(env, vexa);
    env.put("HEALTH_SWEEP_INTERVAL_S", "1");
    env.put("CALENDAR_POLL_INTERVAL_S", "1");
    env.put("RESTART_STOP_WAIT_S", "5");
    service = TargetDialer.start(new Arguments(null, false), env, clock);
    db = new SqlProbe(vertx, database);
  }

  @AfterEach
  void stopService() {
    if (db != null) {
      db.close();
    }
    if (service != null) {
      service.stop();
    }
  }

  @Test
  @DisplayName("a silent bot is left alone until DEAF_TIMEOUT_S has passed on the clock, then restarted twice and failed")
  void deafAtTheDefaultTimeout() {
    startService();
    String code = "clk-deaf-bot";
    vexa.script(code, BotScript.deaf().skipLobby(), BotScript.deaf().skipLobby(), BotScript.deaf().skipLobby());
    long meetingId = dispatch(code);
    Await.until("active", Duration.ofSeconds(10), () -> "active".equals(status(meetingId)));

    long sweeps = sweeps();
    Await.until("two sweeps with the bot active", Duration.ofSeconds(10), () -> sweeps() >= sweeps + 2);
    assertThat(db.count("SELECT restart_count FROM td_meetings WHERE id = $1", meetingId)).isZero();

    clock.advance(Duration.ofSeconds(181));
    Await.until("failed after two restarts", Duration.ofSeconds(60), () -> "failed".equals(status(meetingId)));
    assertThat(db.count("SELECT restart_count FROM td_meetings WHERE id = $1", meetingId)).isEqualTo(2);
    assertThat(db.value("SELECT failure_reason FROM td_meetings WHERE id = $1", meetingId)).isEqualTo("deaf_bot");
    assertThat(vexa.botsStarted(code)).isEqualTo(3);
    JsonObject first = (JsonObject) db.value(
        "SELECT detail FROM td_meeting_events WHERE meeting_id = $1 AND type = 'deaf_bot' ORDER BY seq LIMIT 1", meetingId);
    assertThat(first.getDouble("silent_minutes")).isGreaterThanOrEqualTo(3.0);
  }

  @Test
  @DisplayName("a bot in the lobby is reported once LOBBY_TIMEOUT_S has passed on the clock, not before")
  void lobbyAtTheDefaultTimeout() {
    startService();
    String code = "clk-lobb-ywt";
    vexa.script(code, BotScript.neverAdmitted().lobbyTimeout(Duration.ofMinutes(5)));
    long meetingId = dispatch(code);
    Await.until("in the lobby", Duration.ofSeconds(10), () -> "awaiting_admission".equals(status(meetingId)));

    long sweeps = sweeps();
    Await.until("two sweeps with the bot waiting", Duration.ofSeconds(10), () -> sweeps() >= sweeps + 2);
    assertThat(events(meetingId, "stuck_in_lobby")).isZero();

    clock.advance(Duration.ofSeconds(601));
    Await.until("lobby reported", Duration.ofSeconds(10), () -> events(meetingId, "stuck_in_lobby") == 1);
    assertThat(status(meetingId)).isEqualTo("awaiting_admission");
    assertThat(vexa.botsStarted(code)).isEqualTo(1);
  }

  @Test
  @DisplayName("a calendar meeting's bot is sent DISPATCH_LEAD_S before its start on the clock; one that ended unsent is missed")
  void leadTimeAndMissed() {
    startService();
    Instant start = Instant.now().plus(Duration.ofMinutes(30));
    long sent = calendarMeeting("clk-lead-tim", start, start.plus(Duration.ofMinutes(30)));
    long unsent = calendarMeeting("clk-miss-edm", Instant.now().plus(Duration.ofMinutes(5)), Instant.now().plus(Duration.ofMinutes(20)));

    long sweeps = sweeps();
    Await.until("two sweeps (and scans) with both waiting", Duration.ofSeconds(10), () -> sweeps() >= sweeps + 2);
    assertThat(status(sent)).isEqualTo("scheduled");
    assertThat(status(unsent)).isEqualTo("scheduled");

    // 28.5 minutes on: 'sent' is due (120 s lead) and has not started; 'unsent' ended 10 minutes ago unsent.
    clock.advance(Duration.ofSeconds(28 * 60 + 30));
    Await.until("the due meeting dispatched", Duration.ofSeconds(10), () -> vexa.botsStarted("clk-lead-tim") == 1);
    Await.until("the ended meeting missed", Duration.ofSeconds(10), () -> "failed".equals(status(unsent)));
    assertThat((String) db.value("SELECT failure_reason FROM td_meetings WHERE id = $1", unsent)).startsWith("missed");
    assertThat(events(unsent, "dispatch_missed")).isEqualTo(1);
    assertThat(events(sent, "dispatch_due")).isEqualTo(1);
    assertThat(vexa.botsStarted("clk-miss-edm")).isZero();
  }

  private long calendarMeeting(String code, Instant start, Instant end) {
    OffsetDateTime from = start.atOffset(ZoneOffset.UTC);
    return (long) db.value("""
        INSERT INTO td_meetings (native_meeting_id, title, scheduled_start, scheduled_end, source, dispatch_at)
        VALUES ($1, $2, $3, $4, 'calendar', $5) RETURNING id
        """, code, "Call " + code, from, end.atOffset(ZoneOffset.UTC), from.minusSeconds(120));
  }

  private long dispatch(String code) {
    WebClient client = WebClient.create(vertx);
    try {
      var response = client.post(service.httpPort(), "127.0.0.1", "/dispatch/bot").putHeader("Authorization", "Bearer " + INTERNAL_KEY)
          .sendJsonObject(new JsonObject().put("vexa_meeting_id", code).put("title", "Call " + code)).await();
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
      return response.bodyAsJsonObject().getLong("meeting_id");
    } finally {
      client.close();
    }
  }

  private long sweeps() {
    WebClient client = WebClient.create(vertx);
    try {
      return (long) MetricsText.value(client.get(service.httpPort(), "127.0.0.1", "/metrics").send().await().bodyAsString(),
          "td_health_sweep_seconds_count");
    } finally {
      client.close();
    }
  }

  private String status(long meetingId) {
    return (String) db.value("SELECT bot_status FROM td_meetings WHERE id = $1", meetingId);
  }

  private long events(long meetingId, String type) {
    return db.count("SELECT count(*) FROM td_meeting_events WHERE meeting_id = $1 AND type = $2", meetingId, type);
  }
}
