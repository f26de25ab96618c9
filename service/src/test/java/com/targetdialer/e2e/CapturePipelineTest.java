package com.targetdialer.e2e;

import com.targetdialer.testing.InboxProbe;
import com.targetdialer.TargetDialer;
import com.targetdialer.config.DatabaseUrl;
import com.targetdialer.sim.vexa.BotScript;
import com.targetdialer.sim.vexa.VexaSimulator;
import com.targetdialer.sim.vexa.WebhookDelivery;
import com.targetdialer.testing.Await;
import com.targetdialer.testing.RunningService;
import com.targetdialer.testing.ServiceProcess;
import com.targetdialer.testing.SqlProbe;
import com.targetdialer.testing.TestStores;
import com.targetdialer.vexa.WebhookSignature;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Dispatch → joining → active → live segments → completed → backfill, against the Vexa simulator. */
@ExtendWith(TestStores.class)
class CapturePipelineTest {

  private static final String INTERNAL_KEY = "internal-key-for-tests-0123";

  private static Vertx vertx;
  private static String redisPrefix;
  private static VexaSimulator vexa;
  private static TargetDialer service;
  private static WebClient client;
  private static SqlProbe db;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    vexa = new VexaSimulator(0);
    vertx.deployVerticle(vexa).await();
    DatabaseUrl database = TestStores.newDatabase();
    int port = ServiceProcess.freePort();
    Map<String, String> env = RunningService.env(database, TestStores.redis());
    redisPrefix = env.get("REDIS_KEY_PREFIX");
    env.put("HTTP_PORT", String.valueOf(port));
    env.put("PUBLIC_API_URL", "http://127.0.0.1:" + port);
    env.put("INTERNAL_API_KEY", INTERNAL_KEY);
    RunningService.useVexa(env, vexa);
    env.put("VEXA_MAX_ATTEMPTS", "2");
    env.put("VEXA_TIMEOUT_MS", "3000");
    env.put("INBOX_CLAIM_IDLE_MS", "500");
    service = RunningService.start(env);
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
    db = new SqlProbe(vertx, database);
    Await.until("webhook registered with Vexa", Duration.ofSeconds(10), () -> webhookUrl() != null);
  }

  @AfterAll
  static void stop() {
    if (db != null) {
      db.close();
    }
    if (service != null) {
      service.stop();
    }
    vertx.close().await();
  }

  @Test
  @DisplayName("a dispatched bot's transcript lands in Postgres while it speaks, is completed by the backfill, and replays change nothing")
  void normalMeeting() {
    String code = "abc-defg-hij";
    vexa.script(code, BotScript.normal().segments(6).withRetract().duplicateWebhooks().outOfOrderWebhooks());

    HttpResponse<Buffer> first = dispatch(new JsonObject().put("vexa_meeting_id", code).put("platform", "google_meet"));
    HttpResponse<Buffer> second = dispatch(new JsonObject().put("meeting_url", "https://meet.google.com/" + code));

    assertThat(first.statusCode()).isEqualTo(200);
    JsonObject dispatched = first.bodyAsJsonObject();
    assertThat(dispatched.getString("status")).isEqualTo("dispatched");
    assertThat(dispatched.getString("bot_status")).isEqualTo("joining");
    long meetingId = dispatched.getLong("meeting_id");
    assertThat(second.bodyAsJsonObject().getString("status")).isEqualTo("already_dispatched");
    assertThat(second.bodyAsJsonObject().getLong("meeting_id")).isEqualTo(meetingId);
    assertThat(vexa.botsStarted(code)).as("no second bot").isEqualTo(1);
    assertThat(db.value("SELECT bot_joined_at FROM td_meetings WHERE id = $1", meetingId)).isNotNull();

    Await.until("segments stored while the bot is active", Duration.ofSeconds(20), () ->
        db.count("SELECT count(*) FROM td_transcript_segments s JOIN td_meetings m ON m.id = s.meeting_id "
            + "WHERE m.id = $1 AND m.bot_status = 'active'", meetingId) > 0);
    Await.until("meeting completed and backfilled", Duration.ofSeconds(30), () ->
        "completed".equals(db.value("SELECT bot_status FROM td_meetings WHERE id = $1", meetingId))
            && db.count("SELECT count(*) FROM td_bot_sessions WHERE meeting_id = $1 AND backfilled_at IS NOT NULL", meetingId) == 1);

    long vexaId = ((Number) db.value("SELECT vexa_meeting_id FROM td_bot_sessions WHERE meeting_id = $1", meetingId)).longValue();
    Map<String, String> finalTranscript = new TreeMap<>();
    vexa.transcript(vexaId).getJsonArray("segments").forEach(item -> {
      JsonObject segment = (JsonObject) item;
      finalTranscript.put(segment.getString("segment_id"), segment.getString("text"));
    });
    assertThat(finalTranscript).isNotEmpty();
    assertThat(stored(meetingId)).isEqualTo(finalTranscript);
    assertThat(db.count("SELECT count(*) FROM td_transcript_segments WHERE meeting_id = $1 AND NOT retracted AND NOT completed", meetingId))
        .as("no draft left behind").isZero();
    assertThat(db.count("SELECT segment_count FROM td_meetings WHERE id = $1", meetingId)).isEqualTo(finalTranscript.size());
    assertThat(db.value("SELECT first_segment_at FROM td_meetings WHERE id = $1", meetingId)).isNotNull();
    assertThat(db.count("SELECT count(*) FROM td_meeting_events WHERE meeting_id = $1 AND type = 'status_change'", meetingId))
        .as("active and completed at least, each once").isBetween(2L, 4L);

    // Settled: Vexa's later, fuller messages applied, the transcript read back, the outcome decided.
    Await.until("judged", Duration.ofSeconds(30), () -> "captured".equals(db.value("SELECT outcome FROM td_meetings WHERE id = $1", meetingId)));
    List<String> before = snapshot(meetingId);
    replayWebhooksTwiceShuffled(code);
    assertThat(snapshot(meetingId)).isEqualTo(before);
  }

  @Test
  @DisplayName("when the live socket drops, the service reconnects and fills what it missed from the REST transcript")
  void liveStreamGapIsFilled() {
    String code = "fgh-ijkl-mno";
    vexa.script(code, BotScript.normal().segments(8).segmentInterval(Duration.ofMillis(250)).noEdits().untilStopped());
    long meetingId = dispatch(new JsonObject().put("vexa_meeting_id", code)).bodyAsJsonObject().getLong("meeting_id");
    Await.until("first segments live", Duration.ofSeconds(15), () ->
        db.count("SELECT count(*) FROM td_transcript_segments WHERE meeting_id = $1 AND completed", meetingId) >= 2);

    vexa.setWebSocketsEnabled(false).await();
    long duringOutage = db.count("SELECT count(*) FROM td_transcript_segments WHERE meeting_id = $1", meetingId);
    Await.until("the bot finished speaking", Duration.ofSeconds(15), () -> {
      long vexaId = ((Number) db.value("SELECT vexa_meeting_id FROM td_bot_sessions WHERE meeting_id = $1", meetingId)).longValue();
      return vexa.transcript(vexaId).getJsonArray("segments").size() == 8;
    });
    vexa.setWebSocketsEnabled(true).await();

    Await.until("all 8 segments stored while the bot is still in the call", Duration.ofSeconds(20), () ->
        db.count("SELECT count(*) FROM td_transcript_segments WHERE meeting_id = $1 AND NOT retracted", meetingId) == 8);
    assertThat(duringOutage).isLessThan(8);
    assertThat(db.value("SELECT bot_status FROM td_meetings WHERE id = $1", meetingId)).isEqualTo("active");
  }

  @Test
  @DisplayName("Vexa refusing the bot fails the meeting with the reason and answers 502, never 500")
  void vexaRefuses() {
    vexa.failNext("POST", "/bots", 422, 1, null);

    HttpResponse<Buffer> response = dispatch(new JsonObject().put("vexa_meeting_id", "bcd-efgh-ijk"));

    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(response.bodyAsJsonObject().getString("error")).isEqualTo("bad_gateway");
    assertThat(response.bodyAsJsonObject().getString("detail")).contains("vexa_refused: 422");
    Row meeting = db.rows("SELECT bot_status, failure_reason FROM td_meetings WHERE native_meeting_id = 'bcd-efgh-ijk'").get(0);
    assertThat(meeting.getString("bot_status")).isEqualTo("failed");
    assertThat(meeting.getString("failure_reason")).startsWith("vexa_refused: 422");
  }

  @Test
  @DisplayName("5xx from Vexa is retried; when it persists the answer is 502 with the reason")
  void vexaErrorsAreRetried() {
    vexa.failNext("POST", "/bots", 503, 1, "0");
    HttpResponse<Buffer> recovered = dispatch(new JsonObject().put("vexa_meeting_id", "cde-fghi-jkl").put("scheduled_start", "2026-11-26T10:00:00Z"));
    assertThat(recovered.statusCode()).isEqualTo(200);

    vexa.failNext("POST", "/bots", 503, 2, "0");
    HttpResponse<Buffer> failed = dispatch(new JsonObject().put("vexa_meeting_id", "def-ghij-klm"));
    assertThat(failed.statusCode()).isEqualTo(502);
    assertThat(failed.bodyAsJsonObject().getString("detail")).contains("vexa_refused: 503");
  }

  @Test
  @DisplayName("bad requests to /dispatch/bot get 4xx with the error shape and send no bot")
  void badDispatchRequests() {
    JsonObject valid = new JsonObject().put("vexa_meeting_id", "efg-hijk-lmn");
    assertThat(client.post("/dispatch/bot").sendJsonObject(valid).await().statusCode()).isEqualTo(401);
    assertThat(client.post("/dispatch/bot").putHeader("Authorization", "Bearer wrong-key-wrong-key").sendJsonObject(valid).await().statusCode())
        .isEqualTo(401);
    assertThat(dispatchRaw("{\"vexa_meeting_id\": ").statusCode()).isEqualTo(400);
    assertThat(dispatchRaw("").statusCode()).isEqualTo(400);
    assertThat(dispatchRaw("[\"efg-hijk-lmn\"]").statusCode()).isEqualTo(400);
    HttpResponse<Buffer> wrongType = dispatch(new JsonObject().put("vexa_meeting_id", 12345));
    assertThat(wrongType.statusCode()).isEqualTo(400);
    assertThat(wrongType.bodyAsJsonObject().getString("detail")).isEqualTo("vexa_meeting_id must be a string");
    assertThat(dispatch(new JsonObject().put("vexa_meeting_id", "not a code")).statusCode()).isEqualTo(400);
    assertThat(dispatch(new JsonObject().put("vexa_meeting_id", "efg-hijk-lmn").put("platform", "skype")).statusCode()).isEqualTo(400);
    assertThat(dispatch(new JsonObject().put("vexa_meeting_id", "efg-hijk-lmn").put("scheduled_start", "tomorrow")).statusCode()).isEqualTo(400);
    assertThat(dispatchRaw("x".repeat(2 * 1024 * 1024)).statusCode()).isEqualTo(413);
    assertThat(vexa.botsStarted("efg-hijk-lmn")).isZero();
  }

  private static String webhookUrl() {
    HttpResponse<Buffer> response = client.getAbs(vexa.baseUrl() + "/user/webhook").putHeader("X-API-Key", vexa.apiKey()).send().await();
    return response.statusCode() == 200 ? response.bodyAsJsonObject().getString("webhook_url") : null;
  }

  private static HttpResponse<Buffer> dispatch(JsonObject body) {
    return client.post("/dispatch/bot").putHeader("Authorization", "Bearer " + INTERNAL_KEY).sendJsonObject(body).await();
  }

  private static HttpResponse<Buffer> dispatchRaw(String body) {
    return client.post("/dispatch/bot").putHeader("Authorization", "Bearer " + INTERNAL_KEY)
        .putHeader("content-type", "application/json").sendBuffer(Buffer.buffer(body)).await();
  }

  private static Map<String, String> stored(long meetingId) {
    return db.rows("SELECT segment_key, text FROM td_transcript_segments WHERE meeting_id = $1 AND NOT retracted", meetingId).stream()
        .collect(Collectors.toMap(row -> row.getString("segment_key"), row -> row.getString("text"), (a, b) -> a, TreeMap::new));
  }

  private static List<String> snapshot(long meetingId) {
    List<String> rows = new ArrayList<>();
    db.rows("SELECT bot_status, segment_count, restart_count, event_seq, updated_at FROM td_meetings WHERE id = $1", meetingId)
        .forEach(row -> rows.add(row.toJson().encode()));
    db.rows("SELECT segment_key, text, completed, retracted, updated_at FROM td_transcript_segments WHERE meeting_id = $1 ORDER BY segment_key", meetingId)
        .forEach(row -> rows.add(row.toJson().encode()));
    return rows;
  }

  private static void replayWebhooksTwiceShuffled(String code) {
    String secret = (String) db.value("SELECT value FROM td_settings WHERE key = 'vexa_webhook_secret'");
    WebhookSignature signer = new WebhookSignature(secret, 300);
    Set<String> bodies = vexa.deliveries().stream().filter(WebhookDelivery::delivered).map(WebhookDelivery::body).collect(Collectors.toSet());
    assertThat(bodies).as("the simulator delivered webhooks").isNotEmpty();
    List<String> replay = new ArrayList<>(bodies);
    replay.addAll(bodies);
    Collections.shuffle(replay, new Random(11));
    List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
    for (String body : replay) {
      String timestamp = String.valueOf(System.currentTimeMillis() / 1000);
      Buffer raw = Buffer.buffer(body);
      sent.add(client.post("/webhook/vexa").putHeader("X-Webhook-Timestamp", timestamp)
          .putHeader("X-Webhook-Signature", "sha256=" + signer.sign(timestamp, raw)).sendBuffer(raw));
    }
    Future.all(sent).await();
    sent.forEach(response -> assertThat(response.result().statusCode()).isEqualTo(200));
    Await.until("replayed webhooks consumed", Duration.ofSeconds(10), () -> db.count(
        "SELECT count(*) FROM td_webhook_events_seen") >= bodies.stream().map(b -> new JsonObject(b).getString("event_id")).distinct().count());
    try (InboxProbe inbox = new InboxProbe(vertx, TestStores.redis(), redisPrefix)) {
      Await.until("every replayed entry applied and acknowledged", Duration.ofSeconds(10), () -> inbox.length() == 0);
    }
  }
}
