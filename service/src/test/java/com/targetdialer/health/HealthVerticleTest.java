package com.targetdialer.health;

import com.targetdialer.testing.MetricsText;
import com.targetdialer.TargetDialer;
import com.targetdialer.config.DatabaseUrl;
import com.targetdialer.sim.vexa.BotScript;
import com.targetdialer.sim.vexa.VexaSimulator;
import com.targetdialer.testing.Await;
import com.targetdialer.testing.LogCapture;
import com.targetdialer.testing.RunningService;
import com.targetdialer.testing.ServiceProcess;
import com.targetdialer.testing.SqlProbe;
import com.targetdialer.testing.TestStores;
import com.targetdialer.vexa.WebhookSignature;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deaf-bot guard against the Vexa simulator, with seconds instead of minutes. No webhooks are
 * registered here (no PUBLIC_API_URL): statuses come from the live stream, which the tests cut to
 * make the service miss what Vexa did.
 */
@ExtendWith(TestStores.class)
class HealthVerticleTest {

  private static final String INTERNAL_KEY = "internal-key-for-tests-0123";
  private static final String ALERT_SECRET = "alert-secret-for-tests-0123";

  private static Vertx vertx;
  private static VexaSimulator vexa;
  private static DatabaseUrl database;
  private static String redisPrefix;
  private static final List<TargetDialer> services = new ArrayList<>();
  private static WebClient client;
  private static SqlProbe db;
  private static final List<JsonObject> alertsReceived = new CopyOnWriteArrayList<>();
  private static int alertPort;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    vexa = new VexaSimulator(0);
    vertx.deployVerticle(vexa).await();
    WebhookSignature verifier = new WebhookSignature(ALERT_SECRET, 60);
    HttpServer alertReceiver = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      String problem = verifier.check(request.getHeader("X-TargetDialer-Timestamp"), request.getHeader("X-TargetDialer-Signature"),
          body, System.currentTimeMillis() / 1000);
      if (problem == null) {
        alertsReceived.add(body.toJsonObject());
      }
      request.response().setStatusCode(problem == null ? 204 : 401).end();
    })).listen(0, "127.0.0.1").await();
    alertPort = alertReceiver.actualPort();
    database = TestStores.newDatabase();
    redisPrefix = TestStores.newRedisPrefix();
    services.add(RunningService.start(env()));
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(services.get(0).httpPort()));
    db = new SqlProbe(vertx, database);
  }

  private static Map<String, String> env() throws Exception {
    Map<String, String> env = RunningService.env(database, TestStores.redis());
    env.put("REDIS_KEY_PREFIX", redisPrefix);
    env.put("HTTP_PORT", String.valueOf(ServiceProcess.freePort()));
    env.put("INTERNAL_API_KEY", INTERNAL_KEY);
    RunningService.useVexa(env, vexa);
    env.put("VEXA_TIMEOUT_MS", "3000");
    env.put("HEALTH_SWEEP_INTERVAL_S", "1");
    env.put("DEAF_TIMEOUT_S", "3");
    env.put("MAX_BOT_RESTARTS", "2");
    env.put("JOIN_TIMEOUT_S", "30");
    env.put("LOBBY_TIMEOUT_S", "2");
    env.put("RESTART_STOP_WAIT_S", "10");
    env.put("LIVE_RESYNC_INTERVAL_S", "1");
    env.put("ALERT_WEBHOOK_URL", "http://127.0.0.1:" + alertPort + "/alerts");
    env.put("ALERT_WEBHOOK_SECRET", ALERT_SECRET);
    return env;
  }

  @AfterEach
  void socketsBackOn() {
    vexa.setWebSocketsEnabled(true).await();
  }

  @AfterAll
  static void stop() {
    if (db != null) {
      db.close();
    }
    services.forEach(TargetDialer::stop);
    vertx.close().await();
  }

  @Test
  @DisplayName("a deaf bot is restarted once, the new bot is heard, the transcript continues in the same meeting and the gap is recorded")
  void deafThenHealthy() {
    String code = "dea-fthe-nok";
    vexa.script(code, BotScript.deaf().skipLobby(), BotScript.normal().skipLobby().segments(4));

    LogCapture log = new LogCapture("com.targetdialer.health.Alerts");
    long meetingId = dispatch(code);

    Await.until("restarted and completed", Duration.ofSeconds(40), () -> "completed".equals(status(meetingId)));
    log.close();
    assertThat(db.count("SELECT restart_count FROM td_meetings WHERE id = $1", meetingId)).isEqualTo(1);
    assertThat(vexa.botsStarted(code)).isEqualTo(2);
    assertThat(db.count("SELECT count(*) FROM td_transcript_segments WHERE meeting_id = $1 AND NOT retracted", meetingId)).isEqualTo(4);
    assertThat(db.rows("SELECT attempt, end_reason FROM td_bot_sessions WHERE meeting_id = $1 ORDER BY attempt", meetingId))
        .extracting(row -> row.getString("end_reason")).first().isEqualTo("replaced_by_restart");
    JsonObject deaf = event(meetingId, "deaf_bot");
    assertThat(deaf.getString("message")).isEqualTo("deaf bot, restarting");
    assertThat(deaf.getString("gap_from")).isNotNull();
    assertThat(deaf.getDouble("silent_minutes")).isGreaterThan(0.0);
    Await.until("alert webhook delivered", Duration.ofSeconds(5), () ->
        alertsReceived.stream().anyMatch(a -> a.getLong("meeting_id") == meetingId && "deaf_bot".equals(a.getString("alert"))));
    // People name a meeting by its title and code: the log line, the alert webhook and the UI's event all do.
    JsonObject named = new JsonObject().put("id", meetingId).put("title", "Call " + code).put("platform", "google_meet").put("native_meeting_id", code)
        .put("meet_url", "https://meet.google.com/" + code)
        .put("scheduled_start", ((java.time.OffsetDateTime) db.value("SELECT scheduled_start FROM td_meetings WHERE id = $1", meetingId)).toInstant().toString());
    assertThat(log.linesContaining("deaf bot, restarting")).anySatisfy(line ->
        assertThat(line).startsWith("WARN ALERT").contains("[meeting: " + meetingId + " \"Call " + code + "\" google_meet/" + code + ","));
    assertThat(alertsReceived).filteredOn(a -> a.getLong("meeting_id") == meetingId && "deaf_bot".equals(a.getString("alert")))
        .allSatisfy(a -> {
          assertThat(a.getJsonObject("meeting")).isEqualTo(named);
          assertThat(a.getLong("id")).as("named like every update on meetings.updates").isEqualTo(meetingId);
        });
    assertThat(deaf.getJsonObject("meeting")).isEqualTo(named);
    // Outbound: the alert and the restart are events for the systems downstream, written with the change.
    assertThat(db.rows("SELECT data FROM td_outbound_events WHERE type = 'alert' AND meeting_id = $1", meetingId))
        .extracting(row -> ((JsonObject) row.getValue("data")).getString("alert")).contains("deaf_bot");
    assertThat(db.rows("SELECT data FROM td_outbound_events WHERE type = 'bot.status' AND meeting_id = $1 ORDER BY pk", meetingId))
        .extracting(row -> ((JsonObject) row.getValue("data")).getString("status") + ": " + ((JsonObject) row.getValue("data")).getString("reason"))
        .contains("restarting: deaf bot: restart 1");
    // Whichever instance held the sweep lock counted it.
    String metrics = services.stream()
        .map(service -> client.get(service.httpPort(), "127.0.0.1", "/metrics").send().await().bodyAsString())
        .filter(text -> text.matches("(?s).*td_deaf_detections_total [1-9].*"))
        .findFirst().orElse("");
    assertThat(metrics).containsPattern("td_deaf_detections_total [1-9]").containsPattern("td_bot_restarts_total [1-9]")
        .contains("td_health_sweep_seconds_count");
  }

  @Test
  @DisplayName("a bot deaf three times ends failed with CRITICAL after exactly two restarts")
  void deafThreeTimes() {
    String code = "dea-fdea-fde";
    vexa.script(code, BotScript.deaf().skipLobby());

    long meetingId = dispatch(code);

    Await.until("failed", Duration.ofSeconds(60), () -> "failed".equals(status(meetingId)));
    assertThat(db.value("SELECT failure_reason FROM td_meetings WHERE id = $1", meetingId)).isEqualTo("deaf_bot");
    assertThat(db.count("SELECT restart_count FROM td_meetings WHERE id = $1", meetingId)).isEqualTo(2);
    assertThat(db.count("SELECT count(*) FROM td_bot_sessions WHERE meeting_id = $1", meetingId)).isEqualTo(3);
    assertThat(vexa.botsStarted(code)).isEqualTo(3);
    // The critical alert is raised once the stop (which marks the meeting failed) is done: a step later.
    Await.until("the critical alert", Duration.ofSeconds(10), () ->
        db.count("SELECT count(*) FROM td_meeting_events WHERE meeting_id = $1 AND type = 'deaf_bot_failed'", meetingId) > 0);
    assertThat(db.count("SELECT count(*) FROM td_meeting_events WHERE meeting_id = $1 AND type = 'deaf_bot_failed' AND level = 'critical'", meetingId))
        .isEqualTo(1);
    Await.until("the last bot taken out of the call", Duration.ofSeconds(10), () ->
        "completed".equals(vexa.latestMeeting(code).getString("status")));
  }

  @Test
  @DisplayName("a silent bot that Vexa already reports finished is reconciled, not restarted")
  void alreadyLeft() {
    String code = "alr-eady-lef";
    vexa.script(code, BotScript.deaf().skipLobby());
    long meetingId = dispatch(code);
    Await.until("active", Duration.ofSeconds(10), () -> "active".equals(status(meetingId)));

    vexa.setWebSocketsEnabled(false).await();
    vexa.endMeeting(code);

    Await.until("completed", Duration.ofSeconds(20), () -> "completed".equals(status(meetingId)));
    assertThat(db.count("SELECT restart_count FROM td_meetings WHERE id = $1", meetingId)).isZero();
    assertThat(vexa.botsStarted(code)).isEqualTo(1);
    assertThat(db.count("SELECT count(*) FROM td_meeting_events WHERE meeting_id = $1 AND type = 'deaf_bot'", meetingId)).isZero();
  }

  @Test
  @DisplayName("a bot that goes quiet mid-meeting is restarted")
  void quietMidMeeting() {
    String code = "goe-squi-eta";
    vexa.script(code, BotScript.goesQuietAfter(3).skipLobby(), BotScript.normal().skipLobby().segments(2));

    long meetingId = dispatch(code);

    Await.until("restarted", Duration.ofSeconds(30), () -> db.count("SELECT restart_count FROM td_meetings WHERE id = $1", meetingId) == 1);
    Await.until("completed", Duration.ofSeconds(30), () -> "completed".equals(status(meetingId)));
    assertThat(db.count("SELECT count(*) FROM td_transcript_segments WHERE meeting_id = $1 AND NOT retracted", meetingId)).isEqualTo(5);
  }

  @Test
  @DisplayName("a missed completion is repaired by reconciliation with GET /bots/status")
  void missedCompletion() {
    String code = "mis-sedc-omp";
    vexa.script(code, BotScript.normal().skipLobby().segments(40).segmentInterval(Duration.ofMillis(200)).noEdits());
    long meetingId = dispatch(code);
    Await.until("speaking", Duration.ofSeconds(10), () -> db.count("SELECT segment_count FROM td_meetings WHERE id = $1", meetingId) >= 2);

    vexa.setWebSocketsEnabled(false).await();
    vexa.endMeeting(code);

    Await.until("completed", Duration.ofSeconds(20), () -> "completed".equals(status(meetingId)));
    assertThat(db.count("SELECT restart_count FROM td_meetings WHERE id = $1", meetingId)).isZero();
    Await.until("backfilled", Duration.ofSeconds(10), () ->
        db.count("SELECT count(*) FROM td_bot_sessions WHERE meeting_id = $1 AND backfilled_at IS NOT NULL", meetingId) == 1);
  }

  @Test
  @DisplayName("a healthy bot that keeps speaking past the deaf timeout is never restarted")
  void speakingBotIsLeftAlone() {
    String code = "hea-lthy-spk";
    vexa.script(code, BotScript.normal().skipLobby().segments(16).segmentInterval(Duration.ofMillis(500)).noEdits());

    long meetingId = dispatch(code);

    Await.until("completed", Duration.ofSeconds(30), () -> "completed".equals(status(meetingId)));
    assertThat(db.count("SELECT restart_count FROM td_meetings WHERE id = $1", meetingId)).isZero();
    assertThat(vexa.botsStarted(code)).isEqualTo(1);
  }

  @Test
  @DisplayName("a speaking bot whose live stream we lost is not deaf: the sweep fills the transcript from Vexa instead of restarting")
  void lostStreamIsNotDeafness() {
    String code = "los-tstr-eam";
    vexa.script(code, BotScript.normal().skipLobby().segments(30).segmentInterval(Duration.ofMillis(300)).noEdits().untilStopped());
    long meetingId = dispatch(code);
    Await.until("speaking", Duration.ofSeconds(10), () -> db.count("SELECT segment_count FROM td_meetings WHERE id = $1", meetingId) >= 2);

    vexa.setWebSocketsEnabled(false).await();

    Await.until("all 30 segments stored with the stream down", Duration.ofSeconds(30), () ->
        db.count("SELECT segment_count FROM td_meetings WHERE id = $1", meetingId) == 30);
    assertThat(db.count("SELECT restart_count FROM td_meetings WHERE id = $1", meetingId)).isZero();
    assertThat(vexa.botsStarted(code)).isEqualTo(1);
    assertThat(status(meetingId)).isEqualTo("active");
  }

  @Test
  @DisplayName("a bot left in the lobby is reported once, with no restart")
  void stuckInLobby() throws Exception {
    String code = "stu-ckin-lob";
    vexa.script(code, BotScript.neverAdmitted().lobbyTimeout(Duration.ofSeconds(30)));

    long meetingId = dispatch(code);

    Await.until("lobby alert", Duration.ofSeconds(15), () ->
        db.count("SELECT count(*) FROM td_meeting_events WHERE meeting_id = $1 AND type = 'stuck_in_lobby'", meetingId) == 1);
    long sweeps = sweepsSoFar();
    Await.until("two more sweeps on every node", Duration.ofSeconds(15), () -> sweepsSoFar() >= sweeps + 2L * services.size());
    assertThat(db.count("SELECT count(*) FROM td_meeting_events WHERE meeting_id = $1 AND type = 'stuck_in_lobby'", meetingId)).isEqualTo(1);
    assertThat(status(meetingId)).isEqualTo("awaiting_admission");
    assertThat(vexa.botsStarted(code)).isEqualTo(1);
  }

  @Test
  @DisplayName("two service instances sweeping one database restart a deaf bot once")
  void twoInstances() throws Exception {
    services.add(RunningService.start(env()));
    String code = "two-inst-anc";
    vexa.script(code, BotScript.deaf().skipLobby(), BotScript.normal().skipLobby().segments(2));

    long meetingId = dispatch(code);

    Await.until("completed", Duration.ofSeconds(40), () -> "completed".equals(status(meetingId)));
    assertThat(db.count("SELECT restart_count FROM td_meetings WHERE id = $1", meetingId)).isEqualTo(1);
    assertThat(vexa.botsStarted(code)).isEqualTo(2);
    assertThat(db.count("SELECT count(*) FROM td_meeting_events WHERE meeting_id = $1 AND type = 'deaf_bot'", meetingId)).isEqualTo(1);
  }

  /** Sweeps run so far, on every node (a node that finds another holding the sweep lock counts one too). */
  private static long sweepsSoFar() {
    long total = 0;
    for (TargetDialer service : services) {
      total += (long) MetricsText.value(client.get(service.httpPort(), "127.0.0.1", "/metrics").send().await().bodyAsString(),
          "td_health_sweep_seconds_count");
    }
    return total;
  }

  private static long dispatch(String code) {
    var response = client.post("/dispatch/bot").putHeader("Authorization", "Bearer " + INTERNAL_KEY)
        .sendJsonObject(new JsonObject().put("vexa_meeting_id", code).put("title", "Call " + code)).await();
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject().getLong("meeting_id");
  }

  private static String status(long meetingId) {
    return (String) db.value("SELECT bot_status FROM td_meetings WHERE id = $1", meetingId);
  }

  private static JsonObject event(long meetingId, String type) {
    Object detail = db.value("SELECT detail FROM td_meeting_events WHERE meeting_id = $1 AND type = $2 ORDER BY seq LIMIT 1", meetingId, type);
    assertThat(detail).as("event " + type).isNotNull();
    return (JsonObject) detail;
  }
}
