package com.targetdialer.e2e;

import com.targetdialer.TargetDialer;
import com.targetdialer.config.DatabaseUrl;
import com.targetdialer.sim.vexa.BotScript;
import com.targetdialer.sim.vexa.VexaSimulator;
import com.targetdialer.testing.Await;
import com.targetdialer.testing.RunningService;
import com.targetdialer.testing.ServiceProcess;
import com.targetdialer.testing.SqlProbe;
import com.targetdialer.testing.Subscriber;
import com.targetdialer.testing.TestStores;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Outbound events from the whole service: the flows that cause them, the HTTP API, the metrics. */
@ExtendWith(TestStores.class)
class OutboundEventsTest {

  private static final String INTERNAL_KEY = "internal-key-for-tests-0123";

  private static Vertx vertx;
  private static VexaSimulator vexa;
  private static TargetDialer service;
  private static WebClient client;
  private static SqlProbe db;
  private static Subscriber subscriber;
  private static String secret;
  private static String subscriptionId;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    vexa = new VexaSimulator(0);
    vertx.deployVerticle(vexa).await();
    DatabaseUrl database = TestStores.newDatabase();
    int port = ServiceProcess.freePort();
    Map<String, String> env = RunningService.env(database, TestStores.redis());
    env.put("HTTP_PORT", String.valueOf(port));
    env.put("PUBLIC_API_URL", "http://127.0.0.1:" + port);
    env.put("INTERNAL_API_KEY", INTERNAL_KEY);
    RunningService.useVexa(env, vexa);
    env.put("VEXA_MAX_ATTEMPTS", "1");
    env.put("EVENT_POLL_MS", "50");
    env.put("LEDGER_SWEEP_INTERVAL_S", "1");
    service = RunningService.start(env);
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
    db = new SqlProbe(vertx, database);
    subscriber = new Subscriber(vertx);
    HttpResponse<Buffer> created = internal(client.post("/subscriptions"))
        .sendJsonObject(new JsonObject().put("url", subscriber.url()).put("types", new JsonArray(List.of(
            "meeting.scheduled", "meeting.cancelled", "bot.status", "meeting.outcome", "transcript.final", "alert")))).await();
    assertThat(created.statusCode()).isEqualTo(201);
    secret = created.bodyAsJsonObject().getString("secret");
    subscriptionId = created.bodyAsJsonObject().getString("id");
  }

  @AfterAll
  static void stop() {
    if (subscriber != null) {
      subscriber.close();
    }
    if (db != null) {
      db.close();
    }
    if (service != null) {
      service.stop();
    }
    vertx.close().await();
  }

  @Test
  @DisplayName("a recorded meeting (ad hoc) sends meeting.scheduled, bot.status for each step, then meeting.outcome and transcript.final, signed, in order")
  void recordedMeeting() {
    String code = "obe-vent-sok";
    vexa.script(code, BotScript.normal().segments(5));
    long meetingId = dispatch(code).bodyAsJsonObject().getLong("meeting_id");

    Await.until("transcript.final delivered", Duration.ofSeconds(60), () -> !delivered(meetingId, "transcript.final").isEmpty());
    List<JsonObject> events = delivered(meetingId, null);
    assertThat(events).extracting(e -> e.getString("type") + (e.getString("type").equals("bot.status") ? " " + e.getJsonObject("data").getString("status") : ""))
        .containsSubsequence("meeting.scheduled", "bot.status requested", "bot.status joining", "bot.status active", "bot.status completed", "meeting.outcome",
            "transcript.final");
    assertThat(events).extracting(e -> e.getLong("seq")).isSorted();
    JsonObject scheduled = delivered(meetingId, "meeting.scheduled").get(0).getJsonObject("data");
    assertThat(scheduled.getString("native_meeting_id")).isEqualTo(code);
    assertThat(scheduled.getBoolean("ad_hoc")).isTrue();
    assertThat(scheduled.getString("scheduled_start")).isNotNull();
    assertThat(delivered(meetingId, "meeting.scheduled")).hasSize(1);
    JsonObject outcome = delivered(meetingId, "meeting.outcome").get(0).getJsonObject("data");
    assertThat(outcome.getString("outcome")).isEqualTo("captured");
    assertThat(outcome.getString("reason")).isNotBlank();
    assertThat(outcome.getValue("coverage_ratio")).isNotNull();
    JsonObject transcript = delivered(meetingId, "transcript.final").get(0).getJsonObject("data");
    assertThat(transcript.getLong("segment_count")).isEqualTo(db.count("SELECT segment_count FROM td_meetings WHERE id = $1", meetingId)).isPositive();
    assertThat(transcript.getJsonArray("speakers")).isNotEmpty();
    assertThat(transcript.getDouble("duration_seconds")).isPositive();
    assertThat(transcript.getString("transcript_url")).isEqualTo("http://127.0.0.1:" + service.httpPort() + "/api/meetings/" + meetingId + "/transcript");
    assertThat(subscriber.accepted()).allSatisfy(received -> assertThat(received.verifies(secret)).isTrue());
  }

  @Test
  @DisplayName("Vexa refusing the bot sends bot.status failed with the reason, and an alert")
  void refusedBot() {
    long meetingId = refusedDispatch("ref-used-bot");
    Await.until("bot.status failed delivered", Duration.ofSeconds(20), () -> delivered(meetingId, "bot.status").stream()
        .anyMatch(e -> "failed".equals(e.getJsonObject("data").getString("status"))));
    JsonObject failed = delivered(meetingId, "bot.status").stream().filter(e -> "failed".equals(e.getJsonObject("data").getString("status")))
        .findFirst().orElseThrow();
    assertThat(failed.getJsonObject("data").getString("reason")).startsWith("vexa_refused: 422");
    // Logged as an ALERT in the meeting's log, so an outbound alert too.
    Await.until("alert delivered", Duration.ofSeconds(10), () -> delivered(meetingId, "alert").stream()
        .anyMatch(e -> "dispatch_failed".equals(e.getJsonObject("data").getString("alert"))));
    JsonObject alert = delivered(meetingId, "alert").stream().filter(e -> "dispatch_failed".equals(e.getJsonObject("data").getString("alert")))
        .findFirst().orElseThrow().getJsonObject("data");
    assertThat(alert.getString("message")).as("a log entry without a message of its own gives its reason").startsWith("vexa_refused: 422");
  }

  @Test
  @DisplayName("GET /api/events returns exactly the events after a seq, of the types asked for, in order")
  void readApi() {
    refusedDispatch("rea-dapi-bot");
    Await.until("some events", Duration.ofSeconds(20), () -> events("?after=0").getJsonArray("events").size() >= 3);
    JsonArray all = events("?after=0&limit=1000").getJsonArray("events");
    long middle = all.getJsonObject(all.size() / 2).getLong("seq");
    List<Long> later = events("?after=" + middle + "&limit=1000").getJsonArray("events").stream().map(e -> ((JsonObject) e).getLong("seq")).toList();
    // Meetings of other tests may still be adding events: the later read holds the earlier one's tail, then what came since.
    assertThat(later).startsWith(all.stream().map(e -> ((JsonObject) e).getLong("seq")).filter(seq -> seq > middle).toArray(Long[]::new))
        .containsExactlyElementsOf(LongStream.rangeClosed(middle + 1, middle + later.size()).boxed().toList());
    JsonObject page = events("?after=0&limit=2&types=bot.status");
    assertThat(page.getJsonArray("events")).hasSize(2).allSatisfy(e -> assertThat(((JsonObject) e).getString("type")).isEqualTo("bot.status"));
    assertThat(page.getLong("next_after")).isEqualTo(page.getJsonArray("events").getJsonObject(1).getLong("seq"));
  }

  @Test
  @DisplayName("the subscriptions API: state without the secret, bad input is a 4xx with a reason, delete, replay of an unknown one")
  void subscriptionsApi() {
    JsonObject listed = internal(client.get("/subscriptions")).send().await().bodyAsJsonObject().getJsonArray("subscriptions").stream()
        .map(JsonObject.class::cast).filter(s -> s.getString("id").equals(subscriptionId)).findFirst().orElseThrow();
    assertThat(listed.containsKey("secret")).isFalse();
    assertThat(listed.getJsonObject("delivery").fieldNames()).contains("last_delivered_seq", "failures", "failing", "next_attempt_at");

    assertThat(client.get("/subscriptions").send().await().statusCode()).isEqualTo(401);
    assertThat(client.get("/api/events").send().await().statusCode()).isEqualTo(401);
    assertBad(internal(client.post("/subscriptions")).putHeader("content-type", "application/json").sendBuffer(Buffer.buffer("{\"url\":")).await(),
        "not valid JSON");
    assertBad(create(new JsonObject().put("url", "ftp://example.com/x").put("types", new JsonArray().add("alert"))), "http");
    assertBad(create(new JsonObject().put("url", "not a url").put("types", new JsonArray().add("alert"))), "url");
    assertBad(create(new JsonObject().put("url", "https://example.com/x").put("types", new JsonArray().add("meeting.exploded"))), "unknown event type");
    assertBad(create(new JsonObject().put("url", "https://example.com/x").put("types", new JsonArray())), "types");
    assertBad(create(new JsonObject().put("url", "https://example.com/x").put("types", new JsonArray().add("alert")).put("secret", "hunter2")), "whsec_");
    assertBad(internal(client.get("/api/events?after=x")).send().await(), "after");
    assertBad(internal(client.get("/api/events?types=nope")).send().await(), "unknown event type");
    assertBad(internal(client.post("/subscriptions/" + subscriptionId + "/replay")).sendJsonObject(new JsonObject().put("from_seq", 0)).await(), "from_seq");

    String given = "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32]);
    HttpResponse<Buffer> created = create(new JsonObject().put("url", "https://example.com/x").put("types", new JsonArray().add("alert")).put("secret", given));
    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(created.bodyAsJsonObject().getString("secret")).isEqualTo(given);
    String id = created.bodyAsJsonObject().getString("id");
    assertThat(internal(client.delete("/subscriptions/" + id)).send().await().statusCode()).isEqualTo(204);
    assertThat(internal(client.delete("/subscriptions/" + id)).send().await().statusCode()).isEqualTo(404);
    assertThat(internal(client.post("/subscriptions/" + id + "/replay")).sendJsonObject(new JsonObject().put("from_seq", 1)).await().statusCode())
        .isEqualTo(404);
  }

  @Test
  @DisplayName("/metrics shows each subscription's delivery lag and attempts")
  void metrics() {
    Await.until("attempts counted and lag measured", Duration.ofSeconds(20), () -> {
      String text = client.get("/metrics").send().await().bodyAsString();
      return text.contains("td_events_delivery_lag_seconds{subscription=\"" + subscriptionId + "\"}")
          && text.contains("td_events_delivery_attempts_total{subscription=\"" + subscriptionId + "\"}");
    });
  }

  private static void assertBad(HttpResponse<Buffer> response, String detail) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(400);
    assertThat(response.bodyAsJsonObject().getString("error")).isEqualTo("bad_request");
    assertThat(response.bodyAsJsonObject().getString("detail")).contains(detail);
  }

  private static HttpResponse<Buffer> create(JsonObject body) {
    return internal(client.post("/subscriptions")).sendJsonObject(body).await();
  }

  private static JsonObject events(String query) {
    HttpResponse<Buffer> response = internal(client.get("/api/events" + query)).send().await();
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  /** The distinct events (by id) the subscriber accepted for a meeting, of a type (or all), in arrival order. */
  private static List<JsonObject> delivered(long meetingId, String type) {
    java.util.Set<String> seen = new java.util.HashSet<>();
    return subscriber.accepted().stream().map(Subscriber.Received::json)
        .filter(e -> Long.valueOf(meetingId).equals(e.getLong("meeting_id")) && (type == null || type.equals(e.getString("type"))))
        .filter(e -> seen.add(e.getString("id")))
        .toList();
  }

  /** A dispatch Vexa refuses (502): the meeting fails at once; returns its id. */
  private static long refusedDispatch(String code) {
    vexa.failNext("POST", "/bots", 422, 1, null);
    assertThat(dispatch(code).statusCode()).isEqualTo(502);
    return ((Number) db.value("SELECT id FROM td_meetings WHERE native_meeting_id = $1", code)).longValue();
  }

  private static HttpResponse<Buffer> dispatch(String code) {
    return internal(client.post("/dispatch/bot")).sendJsonObject(new JsonObject().put("vexa_meeting_id", code)).await();
  }

  private static HttpRequest<Buffer> internal(HttpRequest<Buffer> request) {
    return request.putHeader("Authorization", "Bearer " + INTERNAL_KEY);
  }
}
