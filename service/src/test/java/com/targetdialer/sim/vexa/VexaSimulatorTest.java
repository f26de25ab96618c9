package com.targetdialer.sim.vexa;

import com.targetdialer.testing.Await;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Drives the simulator over real loopback HTTP and WebSocket, the way the service will, with a
 * small Vert.x server as the webhook receiver. Tests block the JUnit thread on futures and poll
 * for conditions with a generous deadline, so they wait for events rather than for time.
 */
@ExtendWith(VertxExtension.class)
class VexaSimulatorTest {

  private static final String MEET = "abc-defg-hij";
  private static final String SECRET = "whsec_test_secret";
  private static final Duration DEADLINE = Duration.ofSeconds(10);
  private static final JsonObject ALL_EVENTS = new JsonObject()
      .put("meeting.status_change", true)
      .put("meeting.started", true)
      .put("meeting.completed", true)
      .put("bot.failed", true);

  private Vertx vertx;
  private VexaSimulator sim;
  private WebClient http;
  private HookReceiver hooks;
  private WebSocketClient wsClient;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    sim = new VexaSimulator(0).setWebhookRetrySchedule(Duration.ofMillis(50), Duration.ofMillis(100));
    vertx.deployVerticle(sim).await();
    http = WebClient.create(vertx);
    wsClient = vertx.createWebSocketClient();
    hooks = HookReceiver.start(vertx);
  }

  @AfterEach
  void tearDown() {
    http.close();
  }

  // ---------------------------------------------------------------------------------------------
  // REST + webhooks

  @Test
  @DisplayName("a normal meeting runs requested → completed, with six signed webhooks and a complete transcript")
  void normalMeetingLifecycle() throws Exception {
    HttpResponse<Buffer> put = call(HttpMethod.PUT, "/user/webhook", new JsonObject()
        .put("webhook_url", hooks.url()).put("webhook_secret", SECRET).put("webhook_events", ALL_EVENTS));
    assertThat(put.statusCode()).isEqualTo(200);
    assertThat(put.bodyAsJsonObject().getJsonObject("data").getString("webhook_url")).isEqualTo(hooks.url());
    assertThat(put.bodyAsString()).doesNotContain(SECRET);
    JsonObject view = call(HttpMethod.GET, "/user/webhook", null).bodyAsJsonObject();
    assertThat(view.getBoolean("webhook_secret_set")).isTrue();
    assertThat(view.getString("webhook_secret")).isEqualTo("********cret");

    HttpResponse<Buffer> created = postBot(MEET);
    assertThat(created.statusCode()).isEqualTo(201);
    JsonObject row = created.bodyAsJsonObject();
    long id = row.getLong("id");
    String session = row.getJsonObject("data").getJsonArray("sessions").getString(0);
    assertThat(row.getString("status")).isEqualTo("requested");
    assertThat(row.getString("native_meeting_id")).isEqualTo(MEET);
    assertThat(row.getString("constructed_meeting_url")).isEqualTo("https://meet.google.com/" + MEET);
    assertThat(row.getString("bot_container_id")).isEqualTo("mtg-" + id + "-" + session.substring(0, 8));
    assertThat(row.getString("created_at")).endsWith("Z");
    assertThat(session).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    // The raw row blob carries the frozen webhook config, secret included, as the real POST does.
    assertThat(row.getJsonObject("data").getString("webhook_secret")).isEqualTo(SECRET);

    awaitStatus(id, "completed");
    JsonObject done = sim.meeting(id);
    assertThat(done.getString("completion_reason")).isEqualTo("left_alone");
    assertThat(done.getString("failure_stage")).isNull();
    assertThat(done.getString("start_time")).endsWith("Z");
    assertThat(done.getString("end_time")).endsWith("Z");
    assertThat(done.getJsonObject("data").containsKey("webhook_secret")).isFalse();

    await("six webhooks", () -> hooks.received.size() >= 6);
    List<Hook> received = hooks.received;
    assertThat(received).hasSize(6);
    for (Hook h : received) {
      assertSigned(h);
      JsonObject env = h.json();
      assertThat(env.fieldNames()).containsExactlyInAnyOrder("event_id", "event_type", "api_version", "created_at", "data");
      assertThat(env.getString("api_version")).isEqualTo("2026-03-01");
      assertThat(env.getString("created_at")).endsWith("Z");
    }
    assertThat(types(received)).containsExactly(
        "meeting.status_change", "meeting.status_change", "meeting.status_change", "meeting.started",
        "meeting.status_change", "meeting.completed");

    List<JsonObject> changes = hooks.ofType("meeting.status_change");
    assertThat(changes).extracting(e -> e.getJsonObject("data").getJsonObject("status_change").getString("new_status"))
        .containsExactly("joining", "awaiting_admission", "active", "completed");
    JsonObject toActive = changes.get(2).getJsonObject("data");
    assertThat(toActive.getJsonObject("meeting").getString("connection_id")).isEqualTo(session);
    assertThat(toActive.getJsonObject("meeting").containsKey("id")).isFalse();
    assertThat(toActive.getJsonObject("meeting").containsKey("native_meeting_id")).isFalse();
    assertThat(toActive.getJsonObject("status_change")).isEqualTo(new JsonObject()
        .put("old_status", "awaiting_admission").put("new_status", "active").put("reason", null)
        .put("transition_source", "bot_callback"));
    for (JsonObject change : changes) {
      String newStatus = change.getJsonObject("data").getJsonObject("status_change").getString("new_status");
      assertThat(change.getString("event_id")).isEqualTo(expectedEventId(session, "meeting.status_change", newStatus));
    }

    JsonObject started = hooks.ofType("meeting.started").get(0);
    assertThat(started.getString("event_id")).isEqualTo(expectedEventId(session, "meeting.started", "active"));
    assertThat(started.getJsonObject("data").getJsonObject("meeting").getLong("id")).isEqualTo(id);
    assertThat(started.getJsonObject("data").getJsonObject("meeting").getJsonObject("data").containsKey("webhook_secret")).isFalse();
    assertThat(started.getJsonObject("data").getJsonObject("status_change").getString("from")).isEqualTo("awaiting_admission");
    assertThat(started.getJsonObject("data").getJsonObject("status_change").getString("to")).isEqualTo("active");

    JsonObject completed = hooks.ofType("meeting.completed").get(0);
    assertThat(completed.getJsonObject("data").containsKey("status_change")).isFalse();
    JsonObject completedRow = completed.getJsonObject("data").getJsonObject("meeting");
    assertThat(completedRow.getString("status")).isEqualTo("completed");
    assertThat(completedRow.getString("completion_reason")).isEqualTo("left_alone");
    assertThat(completedRow.getJsonObject("data").getInteger("segments_captured")).isEqualTo(4);

    assertThat(sim.deliveries()).hasSize(6).allMatch(WebhookDelivery::delivered);

    JsonObject byId = call(HttpMethod.GET, "/transcripts/by-id/" + id, null).bodyAsJsonObject();
    JsonArray segments = byId.getJsonArray("segments");
    assertThat(segments).hasSize(4);
    double previousStart = 0;
    for (int i = 0; i < segments.size(); i++) {
      JsonObject s = segments.getJsonObject(i);
      assertThat(s.getBoolean("completed")).isTrue();
      assertThat(s.getDouble("start")).isGreaterThan(1e9).isGreaterThanOrEqualTo(previousStart);
      assertThat(s.getDouble("end")).isGreaterThan(s.getDouble("start"));
      assertThat(s.getString("absolute_start_time")).endsWith("Z");
      assertThat(s.getString("absolute_end_time")).endsWith("Z");
      assertThat(s.getString("segment_id")).startsWith(session + ":ch-0:");
      assertThat(s.getString("text")).isNotBlank();
      assertThat(s.getString("speaker")).isIn("Jane Liu", "Marco Rossi");
      assertThat(s.getString("language")).isEqualTo("en");
      previousStart = s.getDouble("start");
    }
    JsonObject byLink = call(HttpMethod.GET, "/transcripts/google_meet/" + MEET, null).bodyAsJsonObject();
    assertThat(byLink.getLong("id")).isEqualTo(id);
    assertThat(byLink.getJsonArray("segments")).isEqualTo(segments);
    assertThat(sim.transcript(id).getJsonArray("segments")).isEqualTo(segments);
    assertThat(call(HttpMethod.GET, "/transcripts/google_meet/zzz-zzzz-zzz", null).bodyAsJsonObject().getString("detail"))
        .isEqualTo("Meeting not found for platform google_meet and ID zzz-zzzz-zzz");
  }

  @Test
  @DisplayName("a second POST while a bot is live is 409; DELETE stops it, a repeat DELETE is 404, the next POST is a new row")
  void conflictStopAndRestart() {
    // A stop delay long enough that "stopping" is observable right after the DELETE, even on a busy box.
    sim.script(MEET, BotScript.deaf().stopDelay(Duration.ofMillis(600)), BotScript.normal().segments(1));
    JsonObject first = postBot(MEET).bodyAsJsonObject();
    long id = first.getLong("id");

    HttpResponse<Buffer> dup = postBot(MEET);
    assertThat(dup.statusCode()).isEqualTo(409);
    assertThat(dup.bodyAsJsonObject().getString("detail")).isEqualTo("An active meeting already exists for google_meet/" + MEET);

    JsonObject status = call(HttpMethod.GET, "/bots/status", null).bodyAsJsonObject();
    assertThat(status.getInteger("count")).isEqualTo(1);
    assertThat(status.getJsonArray("running").getJsonObject(0).getLong("id")).isEqualTo(id);
    assertThat(status.getJsonArray("running_bots")).isEqualTo(status.getJsonArray("running"));
    assertThat(status.getJsonArray("running").getJsonObject(0).getJsonObject("data").containsKey("status_transition")).isFalse();

    awaitStatus(id, "active");
    HttpResponse<Buffer> stop = call(HttpMethod.DELETE, "/bots/google_meet/" + MEET, null);
    assertThat(stop.statusCode()).isEqualTo(200);
    assertThat(stop.bodyAsJsonObject()).isEqualTo(new JsonObject().put("status", "stopping").put("meeting_id", id)
        .put("native_meeting_id", MEET).put("also_stopped", new JsonArray()).put("cancelled", new JsonArray()));
    assertThat(sim.meeting(id).getString("status")).isEqualTo("stopping");

    HttpResponse<Buffer> again = call(HttpMethod.DELETE, "/bots/google_meet/" + MEET, null);
    assertThat(again.statusCode()).isEqualTo(404);
    assertThat(again.bodyAsJsonObject().getString("detail")).isEqualTo("No active meeting for this bot");

    awaitStatus(id, "completed");
    assertThat(sim.meeting(id).getString("completion_reason")).isEqualTo("stopped");

    JsonObject second = postBot(MEET).bodyAsJsonObject();
    long id2 = second.getLong("id");
    assertThat(id2).isNotEqualTo(id);
    assertThat(second.getJsonObject("data").getJsonArray("sessions").getString(0))
        .isNotEqualTo(first.getJsonObject("data").getJsonArray("sessions").getString(0));
    assertThat(sim.botsStarted(MEET)).isEqualTo(2);
    assertThat(sim.deleteCount(MEET)).isEqualTo(2);

    // The second attempt runs the second script: it speaks one segment and ends on its own.
    awaitStatus(id2, "completed");
    assertThat(sim.transcript(id2).getJsonArray("segments")).hasSize(1);
    assertThat(sim.transcript(id).getJsonArray("segments")).isEmpty();

    JsonArray meetings = call(HttpMethod.GET, "/meetings?platform=google_meet", null).bodyAsJsonObject().getJsonArray("meetings");
    assertThat(meetings.stream().map(m -> ((JsonObject) m).getLong("id")).toList()).containsExactly(id2, id);
    assertThat(call(HttpMethod.GET, "/meetings?status=failed", null).bodyAsJsonObject().getJsonArray("meetings")).isEmpty();
    assertThat(call(HttpMethod.GET, "/transcripts/google_meet/" + MEET, null).bodyAsJsonObject().getLong("id")).isEqualTo(id2);
    assertThat(call(HttpMethod.GET, "/meetings/" + id, null).bodyAsJsonObject().getString("status")).isEqualTo("completed");
    assertThat(call(HttpMethod.GET, "/meetings/999", null).bodyAsJsonObject().getString("detail")).isEqualTo("Meeting not found");
  }

  @Test
  @DisplayName("a stop before admission keeps the real stage, then ends failed/stopped")
  void stopInLobby() {
    sim.script(MEET, BotScript.neverAdmitted().lobbyTimeout(Duration.ofSeconds(30)).stopDelay(Duration.ofMillis(600)));
    long id = postBot(MEET).bodyAsJsonObject().getLong("id");
    awaitStatus(id, "awaiting_admission");
    assertThat(call(HttpMethod.DELETE, "/bots/google_meet/" + MEET, null).statusCode()).isEqualTo(200);
    assertThat(sim.meeting(id).getString("status")).isEqualTo("awaiting_admission");
    assertThat(sim.meeting(id).getJsonObject("data").getBoolean("stop_requested")).isTrue();
    awaitStatus(id, "failed");
    JsonObject row = sim.meeting(id);
    assertThat(row.getString("completion_reason")).isEqualTo("stopped");
    assertThat(row.getString("failure_stage")).isEqualTo("awaiting_admission");
  }

  @Test
  @DisplayName("a deaf bot is active and silent until stopped; without an event filter only meeting.completed is sent")
  void deafBot() throws Exception {
    // A talking bot beside it, spawned before any webhook is set (so it sends none): the yardstick of "would have spoken by now".
    String talking = "tal-king-bot";
    sim.script(talking, BotScript.normal().skipLobby());
    long reference = postBot(talking).bodyAsJsonObject().getLong("id");
    sim.configureWebhook(hooks.url(), SECRET, null);
    sim.script(MEET, BotScript.deaf());
    long id = postBot(MEET).bodyAsJsonObject().getLong("id");
    // Settings are frozen onto the meeting at spawn: widening the filter now changes nothing for this bot.
    assertThat(call(HttpMethod.PUT, "/user/webhook", new JsonObject().put("webhook_url", hooks.url())
        .put("webhook_events", ALL_EVENTS)).statusCode()).isEqualTo(200);
    awaitStatus(id, "active");
    await("the talking bot heard", () -> !sim.transcript(reference).getJsonArray("segments").isEmpty());
    assertThat(sim.meeting(id).getString("status")).isEqualTo("active");
    assertThat(sim.transcript(id).getJsonArray("segments")).isEmpty();
    assertThat(hooks.received).isEmpty();

    call(HttpMethod.DELETE, "/bots/google_meet/" + MEET, null);
    awaitStatus(id, "completed");
    await("meeting.completed", () -> hooks.received.size() >= 1);
    assertThat(types(hooks.received)).containsExactly("meeting.completed");
    JsonObject meeting = hooks.received.get(0).json().getJsonObject("data").getJsonObject("meeting");
    assertThat(meeting.getString("completion_reason")).isEqualTo("stopped");
    assertThat(meeting.getJsonObject("data").getInteger("segments_captured")).isZero();
    assertThat(meeting.getJsonObject("service_provenance").getString("transcription_outcome")).isEqualTo("no_output");
    assertSigned(hooks.received.get(0));
  }

  @Test
  @DisplayName("a join failure ends failed/join_failure at stage joining, with status_change and bot.failed")
  void joinFailure() {
    sim.configureWebhook(hooks.url(), SECRET, new JsonObject().put("meeting.status_change", true).put("bot.failed", true));
    sim.script(MEET, BotScript.joinFailure());
    JsonObject created = postBot(MEET).bodyAsJsonObject();
    long id = created.getLong("id");
    awaitStatus(id, "failed");
    JsonObject row = sim.meeting(id);
    assertThat(row.getString("completion_reason")).isEqualTo("join_failure");
    assertThat(row.getString("failure_stage")).isEqualTo("joining");
    assertThat(row.getString("start_time")).isNull();

    await("three webhooks", () -> hooks.received.size() >= 3);
    assertThat(types(hooks.received)).containsExactly("meeting.status_change", "meeting.status_change", "bot.failed");
    JsonObject failed = hooks.ofType("bot.failed").get(0);
    JsonObject change = failed.getJsonObject("data").getJsonObject("status_change");
    assertThat(change.getString("from")).isEqualTo("joining");
    assertThat(change.getString("to")).isEqualTo("failed");
    assertThat(change.getString("reason")).isNotBlank();
    assertThat(change.getString("transition_source")).isEqualTo("bot_callback");
    assertThat(change.getString("timestamp")).endsWith("Z");
    assertThat(failed.getJsonObject("data").getJsonObject("meeting").getString("failure_stage")).isEqualTo("joining");
    String session = created.getJsonObject("data").getJsonArray("sessions").getString(0);
    assertThat(failed.getString("event_id")).isEqualTo(expectedEventId(session, "bot.failed", "failed"));
  }

  @Test
  @DisplayName("a bot never admitted ends failed/awaiting_admission_timeout at stage awaiting_admission")
  void neverAdmitted() {
    sim.script(MEET, BotScript.neverAdmitted());
    long id = postBot(MEET).bodyAsJsonObject().getLong("id");
    awaitStatus(id, "failed");
    JsonObject row = sim.meeting(id);
    assertThat(row.getString("completion_reason")).isEqualTo("awaiting_admission_timeout");
    assertThat(row.getString("failure_stage")).isEqualTo("awaiting_admission");
    assertThat(row.getString("start_time")).isNull();
    JsonArray trail = row.getJsonObject("data").getJsonArray("status_transition");
    assertThat(trail.stream().map(t -> ((JsonObject) t).getString("to")).toList())
        .containsExactly("joining", "awaiting_admission", "failed");
  }

  @Test
  @DisplayName("the other presets end as scripted: endsEarly, goesQuietAfter + activeFor, rejected, startFailed")
  void otherPresets() {
    sim.configureWebhook(hooks.url(), SECRET, ALL_EVENTS);
    sim.script("aaa-aaaa-aaa", BotScript.endsEarly());
    sim.script("bbb-bbbb-bbb", BotScript.goesQuietAfter(1).activeFor(Duration.ofMillis(700)));
    sim.script("ccc-cccc-ccc", BotScript.rejected());
    sim.script("ddd-dddd-ddd", BotScript.startFailed());
    long early = postBot("aaa-aaaa-aaa").bodyAsJsonObject().getLong("id");
    long quiet = postBot("bbb-bbbb-bbb").bodyAsJsonObject().getLong("id");
    long rejected = postBot("ccc-cccc-ccc").bodyAsJsonObject().getLong("id");
    long startFailed = postBot("ddd-dddd-ddd").bodyAsJsonObject().getLong("id");

    awaitStatus(early, "completed");
    assertThat(sim.meeting(early).getString("completion_reason")).isEqualTo("evicted");
    assertThat(sim.transcript(early).getJsonArray("segments")).hasSize(2);

    awaitStatus(quiet, "completed");
    assertThat(sim.meeting(quiet).getString("completion_reason")).isEqualTo("left_alone");
    assertThat(sim.transcript(quiet).getJsonArray("segments")).hasSize(1);

    awaitStatus(rejected, "failed");
    assertThat(sim.meeting(rejected).getString("completion_reason")).isEqualTo("awaiting_admission_rejected");
    assertThat(sim.meeting(rejected).getString("failure_stage")).isEqualTo("awaiting_admission");

    awaitStatus(startFailed, "failed");
    assertThat(sim.meeting(startFailed).getString("completion_reason")).isEqualTo("start_failed");
    assertThat(sim.meeting(startFailed).getString("failure_stage")).isEqualTo("requested");
    await("rejected bot.failed", () -> hooks.ofType("bot.failed").size() >= 1);
    assertThat(sim.deliveries()).noneMatch(d -> d.meetingId() == startFailed);
    assertThat(hooks.ofType("bot.failed").get(0).getJsonObject("data").getJsonObject("status_change").getString("reason"))
        .isEqualTo("host denied admission");
  }

  @Test
  @DisplayName("a needs_help escalation is a status of its own, sent as status_change, and the bot is then admitted")
  void needsHelp() {
    sim.configureWebhook(hooks.url(), SECRET, new JsonObject().put("meeting.status_change", true));
    sim.script(MEET, BotScript.normal().segments(0).viaNeedsHelp());
    long id = postBot(MEET).bodyAsJsonObject().getLong("id");
    awaitStatus(id, "completed");
    JsonArray trail = sim.meeting(id).getJsonObject("data").getJsonArray("status_transition");
    assertThat(trail.stream().map(t -> ((JsonObject) t).getString("to")).toList())
        .containsExactly("joining", "awaiting_admission", "needs_help", "active", "completed");
    await("five status changes", () -> hooks.received.size() >= 5);
    assertThat(hooks.ofType("meeting.status_change").stream()
        .map(e -> e.getJsonObject("data").getJsonObject("status_change").getString("new_status")).toList())
        .containsExactly("joining", "awaiting_admission", "needs_help", "active", "completed");
  }

  @Test
  @DisplayName("webhooks are retried on 5xx and dead-lettered when the schedule runs out; 4xx is permanent")
  void webhookRetries() {
    sim.configureWebhook(hooks.url(), SECRET, null);
    sim.script(MEET, BotScript.normal().segments(1));
    hooks.statuses.add(503);
    long id = postBot(MEET).bodyAsJsonObject().getLong("id");
    awaitStatus(id, "completed");
    await("retried delivery", () -> sim.deliveries().size() >= 2);
    List<WebhookDelivery> attempts = sim.deliveries();
    assertThat(attempts).extracting(WebhookDelivery::attempt, WebhookDelivery::statusCode, WebhookDelivery::outcome)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(1, 503, "retrying"), org.assertj.core.groups.Tuple.tuple(2, 200, "delivered"));
    assertThat(hooks.received).hasSize(2);
    assertThat(hooks.received.get(0).body()).isEqualTo(hooks.received.get(1).body());
    assertSigned(hooks.received.get(1));

    String other = "bcd-efgh-ijk";
    sim.script(other, BotScript.normal().segments(0));
    hooks.statuses.add(500);
    hooks.statuses.add(500);
    hooks.statuses.add(500);
    long id2 = postBot(other).bodyAsJsonObject().getLong("id");
    awaitStatus(id2, "completed");
    await("dead letter", () -> sim.deliveries().stream().anyMatch(d -> d.meetingId() == id2 && "dead_letter".equals(d.outcome())));
    assertThat(sim.deliveries().stream().filter(d -> d.meetingId() == id2).map(WebhookDelivery::outcome).toList())
        .containsExactly("retrying", "retrying", "dead_letter");

    String third = "cde-fghi-jkl";
    sim.script(third, BotScript.normal().segments(0));
    hooks.statuses.add(410);
    long id3 = postBot(third).bodyAsJsonObject().getLong("id");
    awaitStatus(id3, "completed");
    await("permanent failure", () -> sim.deliveries().stream().anyMatch(d -> d.meetingId() == id3));
    assertThat(sim.deliveries().stream().filter(d -> d.meetingId() == id3).map(WebhookDelivery::outcome).toList())
        .containsExactly("failed");
  }

  @Test
  @DisplayName("an out-of-order script holds the run's webhooks and delivers them newest first")
  void outOfOrderWebhooks() {
    sim.configureWebhook(hooks.url(), SECRET, ALL_EVENTS);
    sim.script(MEET, BotScript.normal().segments(1).outOfOrderWebhooks());
    long id = postBot(MEET).bodyAsJsonObject().getLong("id");
    awaitStatus(id, "completed");
    await("six webhooks", () -> hooks.received.size() >= 6);
    assertThat(types(hooks.received)).containsExactly("meeting.completed", "meeting.status_change", "meeting.started",
        "meeting.status_change", "meeting.status_change", "meeting.status_change");
    assertThat(hooks.ofType("meeting.status_change").stream()
        .map(e -> e.getJsonObject("data").getJsonObject("status_change").getString("new_status")).toList())
        .containsExactly("completed", "active", "awaiting_admission", "joining");
    hooks.received.forEach(this::assertSigned);
  }

  @Test
  @DisplayName("a duplicate-webhook script delivers every event twice with the same event_id")
  void duplicateWebhooks() {
    sim.configureWebhook(hooks.url(), SECRET, ALL_EVENTS);
    sim.script(MEET, BotScript.normal().segments(1).duplicateWebhooks());
    long id = postBot(MEET).bodyAsJsonObject().getLong("id");
    awaitStatus(id, "completed");
    await("twelve webhooks", () -> hooks.received.size() >= 12);
    assertThat(hooks.received).hasSize(12);
    Map<String, Long> perEvent = hooks.received.stream()
        .collect(Collectors.groupingBy(h -> h.json().getString("event_id"), LinkedHashMap::new, Collectors.counting()));
    assertThat(perEvent).hasSize(6).allSatisfy((eventId, n) -> assertThat(n).isEqualTo(2));
    assertThat(sim.deliveries()).hasSize(12).allMatch(WebhookDelivery::delivered);
  }

  @Test
  @DisplayName("failNext injects 503 and 429 (with Retry-After) ahead of auth, for the given count only")
  void faultInjection() {
    sim.script(MEET, BotScript.deaf());
    sim.failNext("POST", "/bots", 503, 1, null);
    sim.failNext("GET", "/bots/status", 429, 2, "1");

    HttpResponse<Buffer> unavailable = postBot(MEET);
    assertThat(unavailable.statusCode()).isEqualTo(503);
    assertThat(unavailable.bodyAsJsonObject().getString("detail")).isEqualTo("Authentication temporarily unavailable, retry");
    assertThat(sim.botsStarted(MEET)).isZero();
    assertThat(postBot(MEET).statusCode()).isEqualTo(201);

    for (int i = 0; i < 2; i++) {
      HttpResponse<Buffer> limited = http.get(sim.port(), "127.0.0.1", "/bots/status").send().await();
      assertThat(limited.statusCode()).isEqualTo(429);
      assertThat(limited.getHeader("Retry-After")).isEqualTo("1");
      assertThat(limited.bodyAsJsonObject().getString("detail")).isEqualTo("Rate limit exceeded");
    }
    assertThat(call(HttpMethod.GET, "/bots/status", null).statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("REST auth: missing key and wrong key are 401 with the real detail texts; setApiKey rotates")
  void restAuth() {
    HttpResponse<Buffer> missing = http.get(sim.port(), "127.0.0.1", "/bots/status").send().await();
    assertThat(missing.statusCode()).isEqualTo(401);
    assertThat(missing.bodyAsJsonObject()).isEqualTo(new JsonObject().put("detail", "Missing API key"));
    HttpResponse<Buffer> wrong = http.get(sim.port(), "127.0.0.1", "/bots/status").putHeader("X-API-Key", "nope").send().await();
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.bodyAsJsonObject()).isEqualTo(new JsonObject().put("detail", "Invalid API key"));

    sim.setApiKey("rotated");
    assertThat(call(HttpMethod.GET, "/bots/status", null).statusCode()).isEqualTo(401);
    assertThat(http.get(sim.port(), "127.0.0.1", "/bots/status").putHeader("X-API-Key", "rotated").send().await().statusCode())
        .isEqualTo(200);
  }

  @Test
  @DisplayName("POST /bots validation (422), derivation from meeting_url, and the concurrency cap (429)")
  void validationAndCap() {
    assertDetail(postRaw("not json"), 422, "invalid JSON body");
    assertDetail(postJson(new JsonObject().put("platform", "skype").put("native_meeting_id", "x")), 422,
        "platform 'skype' cannot be spawned as a meeting bot — supported: google_meet, jitsi, teams, zoom");
    assertDetail(postJson(new JsonObject().put("platform", "google_meet").put("native_meeting_id", "abc-defg-hij?pwd=1")), 422,
        "'native_meeting_id' must be the bare meeting id and cannot contain URL characters ('?', '#', '&', '=', '/') or spaces"
            + " — pass any passcode in 'passcode' or supply the full 'meeting_url' instead");
    assertDetail(postJson(new JsonObject().put("platform", "zoom").put("native_meeting_id", "98765432101")), 422,
        "unsupported platform 'zoom' without a meeting_url — use google_meet/teams, or provide meeting_url (required for zoom/jitsi)");
    assertDetail(postJson(new JsonObject().put("platform", "zoom").put("native_meeting_id", "98765432101")
        .put("meeting_url", "http://zoom.us/j/98765432101")), 422, "meeting_url must use https:// — the bot only joins TLS deployments");
    assertDetail(postJson(new JsonObject().put("platform", "jitsi").put("native_meeting_id", "room")
        .put("meeting_url", "https://localhost/room")), 422, "meeting_url cannot target localhost");
    assertDetail(postJson(new JsonObject().put("platform", "jitsi").put("native_meeting_id", "room")
        .put("meeting_url", "https://10.0.0.1/room")), 422, "meeting_url cannot be an IP literal — use the deployment's hostname");
    assertDetail(postJson(new JsonObject().put("platform", "google_meet").put("native_meeting_id", MEET)
        .put("recording_enabled", "maybe")), 422, "recording_enabled must be a boolean");
    assertDetail(postJson(new JsonObject().put("platform", "google_meet").put("native_meeting_id", MEET)
        .put("automatic_leave", new JsonObject().put("bogus", 1))), 422, "automatic_leave has unknown field(s): bogus");
    assertThat(sim.meetings()).isEmpty();

    sim.setDefaultScript(BotScript.deaf());
    HttpResponse<Buffer> derived = postJson(new JsonObject().put("meeting_url", "https://meet.google.com/" + MEET));
    assertThat(derived.statusCode()).isEqualTo(201);
    assertThat(derived.bodyAsJsonObject().getString("platform")).isEqualTo("google_meet");
    assertThat(derived.bodyAsJsonObject().getString("native_meeting_id")).isEqualTo(MEET);

    sim.setMaxConcurrentBots(1);
    assertDetail(postBot("bcd-efgh-ijk"), 429, "User has reached the maximum concurrent bot limit (1).");
    assertDetail(call(HttpMethod.DELETE, "/bots/skype/x", null), 422,
        "unsupported platform 'skype' — must be one of: browser_session, google_meet, jitsi, teams, zoom");
    HttpResponse<Buffer> badId = call(HttpMethod.GET, "/meetings/abc", null);
    assertThat(badId.statusCode()).isEqualTo(422);
    assertThat(badId.bodyAsJsonObject().getJsonArray("detail").getJsonObject(0).getString("type")).isEqualTo("int_parsing");
  }

  @Test
  @DisplayName("0.10 mode: DELETE is 202 with a message, rows are naive, segments carry relative start_time/end_time")
  void legacy010() {
    sim.setLegacy010(true);
    sim.script(MEET, BotScript.normal().segments(1));
    JsonObject row = postBot(MEET).bodyAsJsonObject();
    assertThat(row.getString("created_at")).doesNotEndWith("Z").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}");
    long id = row.getLong("id");
    awaitStatus(id, "completed");
    JsonObject segment = call(HttpMethod.GET, "/transcripts/by-id/" + id, null).bodyAsJsonObject().getJsonArray("segments").getJsonObject(0);
    assertThat(segment.containsKey("start")).isFalse();
    assertThat(segment.getDouble("start_time")).isBetween(0.0, 60.0);
    assertThat(segment.getDouble("end_time")).isGreaterThan(segment.getDouble("start_time"));
    assertThat(segment.getString("created_at")).isNotNull();

    String other = "bcd-efgh-ijk";
    sim.script(other, BotScript.deaf());
    postBot(other);
    JsonObject status = call(HttpMethod.GET, "/bots/status", null).bodyAsJsonObject();
    assertThat(status.containsKey("running")).isFalse();
    assertThat(status.getJsonArray("running_bots").getJsonObject(0).getString("native_meeting_id")).isEqualTo(other);
    assertThat(status.getJsonArray("running_bots").getJsonObject(0).getString("normalized_status")).isEqualTo("Up");
    HttpResponse<Buffer> stop = call(HttpMethod.DELETE, "/bots/google_meet/" + other, null);
    assertThat(stop.statusCode()).isEqualTo(202);
    assertThat(stop.bodyAsJsonObject()).isEqualTo(new JsonObject().put("message", "Stop request accepted and is being processed."));
  }

  // ---------------------------------------------------------------------------------------------
  // /ws

  @Test
  @DisplayName("/ws: subscribe needs a row; drafts then confirmations arrive twice each; both status shapes; ping")
  void webSocketTranscript() {
    sim.script(MEET, BotScript.normal().segments(2).speakAfterSubscribe());
    Socket ws = connect(sim.wsUrl(), "sim-key");

    ws.send(subscribe(MEET));
    JsonObject refused = ws.awaitFrame(f -> "error".equals(f.getString("type")));
    assertThat(refused).isEqualTo(new JsonObject().put("type", "error").put("error", "authorization_service_error")
        .put("details", "meetings[0] not authorized or not found for user"));

    long id = postBot(MEET).bodyAsJsonObject().getLong("id");
    ws.send(subscribe(MEET));
    JsonObject subscribed = ws.awaitFrame(f -> "subscribed".equals(f.getString("type")));
    assertThat(subscribed.getJsonArray("meetings")).isEqualTo(new JsonArray()
        .add(new JsonObject().put("platform", "google_meet").put("native_id", MEET)));
    ws.send("{\"action\":\"ping\"}");
    assertThat(ws.awaitFrame(f -> "pong".equals(f.getString("type")))).isEqualTo(new JsonObject().put("type", "pong"));
    ws.send("{not json");
    assertThat(ws.awaitFrame(f -> "invalid_json".equals(f.getString("error")))).isNotNull();
    ws.send("{\"action\":\"dance\"}");
    assertThat(ws.awaitFrame(f -> "unknown_action".equals(f.getString("error")))).isNotNull();

    ws.awaitFrame(f -> "meeting.status".equals(f.getString("type")) && f.containsKey("meeting")
        && "completed".equals(f.getJsonObject("payload").getString("status")));
    assertThat(ws.frames.stream().filter(f -> "meeting.status".equals(f.getString("type")) && f.containsKey("meeting"))
        .allMatch(f -> f.getJsonObject("meeting").getLong("id") == id && MEET.equals(f.getJsonObject("meeting").getString("native_id"))))
        .isTrue();
    List<String> flat = ws.frames.stream().filter(f -> "meeting.status".equals(f.getString("type")) && f.containsKey("meeting_id"))
        .map(f -> f.getString("status")).toList();
    assertThat(flat).containsSubsequence("active", "completed");

    // Every segment version, from whichever producer, flattened in arrival order.
    List<JsonObject> versions = new ArrayList<>();
    for (JsonObject f : ws.frames) {
      if (!"transcript".equals(f.getString("type"))) {
        continue;
      }
      if (f.containsKey("segment")) {
        assertThat(f.getJsonObject("meeting")).isEqualTo(new JsonObject().put("id", id));
        versions.add(f.getJsonObject("segment"));
      } else {
        assertThat(f.getJsonObject("meeting")).isEqualTo(new JsonObject().put("id", id).put("native_id", MEET).put("platform", "google_meet"));
        assertThat(f.getString("ts")).endsWith("Z");
        f.getJsonArray("pending").forEach(s -> versions.add((JsonObject) s));
        f.getJsonArray("confirmed").forEach(s -> versions.add((JsonObject) s));
      }
    }
    Map<String, List<JsonObject>> bySegment = versions.stream()
        .collect(Collectors.groupingBy(s -> s.getString("segment_id"), LinkedHashMap::new, Collectors.toList()));
    assertThat(bySegment).hasSize(2);
    List<JsonObject> rest = sim.transcript(id).getJsonArray("segments").stream().map(s -> (JsonObject) s).toList();
    for (Map.Entry<String, List<JsonObject>> e : bySegment.entrySet()) {
      List<Boolean> states = e.getValue().stream().map(s -> s.getBoolean("completed")).toList();
      assertThat(states).as("versions of %s", e.getKey()).containsExactly(false, false, true, true);
      String draft = e.getValue().get(0).getString("text");
      String confirmed = e.getValue().get(3).getString("text");
      assertThat(confirmed).startsWith(draft).isNotEqualTo(draft);
      assertThat(rest).anySatisfy(r -> {
        assertThat(r.getString("segment_id")).isEqualTo(e.getKey());
        assertThat(r.getString("text")).isEqualTo(confirmed);
      });
    }
  }

  @Test
  @DisplayName("/ws on Teams: the bot sends per-speaker-key snapshots (pending replaced, then confirmed)")
  void webSocketTeamsSnapshots() {
    String teamsId = "19:meeting_NjQ4ZTk2@thread.v2";
    sim.script(teamsId, BotScript.normal().segments(1).speakAfterSubscribe());
    Socket ws = connect(sim.wsUrl(), "sim-key");
    long id = postJson(new JsonObject().put("platform", "teams").put("native_meeting_id", teamsId)).bodyAsJsonObject().getLong("id");
    ws.send(new JsonObject().put("action", "subscribe").put("meetings", new JsonArray()
        .add(new JsonObject().put("platform", "teams").put("native_id", teamsId))).encode());
    ws.awaitFrame(f -> "subscribed".equals(f.getString("type")));
    awaitStatus(id, "completed");
    List<JsonObject> botFrames = ws.awaitFrames(f -> "transcript".equals(f.getString("type"))
        && f.getJsonObject("meeting").equals(new JsonObject().put("id", id)), 2);
    JsonObject draft = botFrames.get(0);
    assertThat(draft.getString("speaker")).isEqualTo("ch-0:1");
    assertThat(draft.getJsonArray("confirmed")).isEmpty();
    assertThat(draft.getJsonArray("pending")).hasSize(1);
    String segmentId = draft.getJsonArray("pending").getJsonObject(0).getString("segment_id");
    JsonObject confirmed = botFrames.get(1);
    assertThat(confirmed.getJsonArray("pending")).isEmpty();
    assertThat(confirmed.getJsonArray("confirmed").getJsonObject(0).getString("segment_id")).isEqualTo(segmentId);
    assertThat(confirmed.getJsonArray("confirmed").getJsonObject(0).getBoolean("completed")).isTrue();
    assertThat(call(HttpMethod.DELETE, "/bots/teams/" + teamsId.replace("@", "%40"), null).statusCode()).isEqualTo(404);
  }

  @Test
  @DisplayName("/ws auth: no key or a wrong key gets an error frame and close 4401; ?api_key= works")
  void webSocketAuth() {
    Socket none = connect(sim.wsUrl(), null);
    assertThat(none.awaitFrame(f -> true)).isEqualTo(new JsonObject().put("type", "error").put("error", "missing_api_key"));
    assertThat(none.closeCode()).isEqualTo((short) 4401);

    Socket wrong = connect(sim.wsUrl() + "?api_key=nope", null);
    assertThat(wrong.awaitFrame(f -> true)).isEqualTo(new JsonObject().put("type", "error").put("error", "invalid_api_key"));
    assertThat(wrong.closeCode()).isEqualTo((short) 4401);

    Socket query = connect(sim.wsUrl() + "?api_key=sim-key", null);
    query.send("{\"action\":\"ping\"}");
    assertThat(query.awaitFrame(f -> true)).isEqualTo(new JsonObject().put("type", "pong"));
  }

  @Test
  @DisplayName("/ws: a retracted draft is withdrawn twice and absent from REST; dropWebSockets closes; disabled refuses")
  void webSocketRetractAndDrop() {
    sim.script(MEET, BotScript.normal().segments(1).withRetract().speakAfterSubscribe());
    Socket ws = connect(sim.wsUrl(), "sim-key");
    long id = postBot(MEET).bodyAsJsonObject().getLong("id");
    ws.send(subscribe(MEET));
    ws.awaitFrame(f -> "subscribed".equals(f.getString("type")));
    ws.awaitFrame(f -> "transcript_retract".equals(f.getString("type")));
    awaitStatus(id, "completed");
    List<JsonObject> retracts = ws.frames.stream().filter(f -> "transcript_retract".equals(f.getString("type"))).toList();
    assertThat(retracts).hasSize(2);
    String retracted = retracts.get(0).getJsonArray("segment_ids").getString(0);
    assertThat(retracts.get(0).getJsonObject("meeting")).isEqualTo(new JsonObject().put("id", id));
    assertThat(ws.frames.stream().anyMatch(f -> f.containsKey("segment") && retracted.equals(f.getJsonObject("segment").getString("segment_id"))))
        .as("the withdrawn draft was published first").isTrue();
    JsonArray segments = sim.transcript(id).getJsonArray("segments");
    assertThat(segments).hasSize(1);
    assertThat(segments.getJsonObject(0).getString("segment_id")).isNotEqualTo(retracted);

    assertThat(sim.webSocketCount()).isEqualTo(1);
    sim.dropWebSockets().await();
    assertThat(ws.closeCode()).isEqualTo((short) 1012);
    assertThat(sim.webSocketCount()).isZero();

    sim.failNext("GET", "/ws", 503, 1, null);
    Throwable faulted = wsClient.connect(wsOptions(sim.wsUrl(), "sim-key")).map(w -> (Throwable) null)
        .otherwise(e -> e).await();
    assertThat(faulted).isNotNull().hasMessageContaining("503");

    sim.setWebSocketsEnabled(false).await();
    Throwable refused = wsClient.connect(wsOptions(sim.wsUrl(), "sim-key")).map(w -> (Throwable) null)
        .otherwise(e -> e).await();
    assertThat(refused).isNotNull().hasMessageContaining("503");
    sim.setWebSocketsEnabled(true).await();
    Socket again = connect(sim.wsUrl(), "sim-key");
    again.send("{\"action\":\"ping\"}");
    assertThat(again.awaitFrame(f -> true)).isEqualTo(new JsonObject().put("type", "pong"));
  }

  // ---------------------------------------------------------------------------------------------
  // helpers

  private HttpResponse<Buffer> postBot(String nativeId) {
    return postJson(new JsonObject().put("platform", "google_meet").put("native_meeting_id", nativeId));
  }

  private HttpResponse<Buffer> postJson(JsonObject body) {
    return call(HttpMethod.POST, "/bots", body);
  }

  private HttpResponse<Buffer> postRaw(String body) {
    return http.post(sim.port(), "127.0.0.1", "/bots").putHeader("X-API-Key", sim.apiKey())
        .sendBuffer(Buffer.buffer(body)).await();
  }

  private HttpResponse<Buffer> call(HttpMethod method, String path, JsonObject body) {
    var request = http.request(method, sim.port(), "127.0.0.1", path).putHeader("X-API-Key", "sim-key");
    return (body == null ? request.send() : request.sendJsonObject(body)).await();
  }

  private static void assertDetail(HttpResponse<Buffer> response, int status, String detail) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    assertThat(response.bodyAsJsonObject().getString("detail")).isEqualTo(detail);
  }

  private void awaitStatus(long id, String status) {
    await("meeting " + id + " " + status, () -> {
      JsonObject m = sim.meeting(id);
      return m != null && status.equals(m.getString("status"));
    });
  }

  private static void await(String what, BooleanSupplier condition) {
    Await.until(what, DEADLINE, condition::getAsBoolean);
  }


  /** Verifies the delivery the way a receiver must: HMAC over the timestamp and the raw bytes. */
  private void assertSigned(Hook hook) {
    String ts = hook.headers().get("X-Webhook-Timestamp");
    assertThat(ts).matches("\\d{10}");
    assertThat(Math.abs(Long.parseLong(ts) - System.currentTimeMillis() / 1000)).isLessThan(60);
    assertThat(hook.headers().get("Authorization")).isEqualTo("Bearer " + SECRET);
    assertThat(hook.headers().get("Content-Type")).isEqualTo("application/json");
    assertThat(hook.headers().get("X-Webhook-Signature")).isEqualTo("sha256=" + hmac(SECRET, ts + "." + hook.body()));
    // Python json.dumps separators: a verifier that re-serializes would compute a different HMAC.
    assertThat(hook.body()).startsWith("{\"event_id\": \"evt_").contains("\", \"event_type\": \"");
  }

  private static String hmac(String secret, String message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static String expectedEventId(String session, String type, String status) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest((session + "|" + type + "|" + status).getBytes(StandardCharsets.UTF_8));
      return "evt_" + HexFormat.of().formatHex(d).substring(0, 32);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static List<String> types(List<Hook> hooks) {
    return hooks.stream().map(h -> h.json().getString("event_type")).toList();
  }

  private static String subscribe(String nativeId) {
    return new JsonObject().put("action", "subscribe").put("meetings", new JsonArray()
        .add(new JsonObject().put("platform", "google_meet").put("native_id", nativeId))).encode();
  }

  private static WebSocketConnectOptions wsOptions(String url, String apiKey) {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setAbsoluteURI(url);
    if (apiKey != null) {
      options.addHeader("X-API-Key", apiKey);
    }
    return options;
  }

  /** Connects with the handlers set before the handshake, so a frame sent and closed at once is still seen. */
  private Socket connect(String url, String apiKey) {
    Socket socket = new Socket();
    ClientWebSocket ws = wsClient.webSocket();
    ws.textMessageHandler(text -> socket.frames.add(new JsonObject(text)));
    ws.closeHandler(v -> socket.closed.tryComplete(ws.closeStatusCode()));
    socket.ws = ws.connect(wsOptions(url, apiKey)).await();
    return socket;
  }

  private static final class Socket {
    final List<JsonObject> frames = new CopyOnWriteArrayList<>();
    final Promise<Short> closed = Promise.promise();
    WebSocket ws;

    void send(String text) {
      ws.writeTextMessage(text).await();
    }

    /** The first frame (in arrival order) matching, waiting for it if needed. */
    JsonObject awaitFrame(Predicate<JsonObject> match) {
      JsonObject[] found = new JsonObject[1];
      await("a matching /ws frame", () -> {
        found[0] = frames.stream().filter(match).findFirst().orElse(null);
        return found[0] != null;
      });
      return found[0];
    }

    /** The first {@code n} frames matching, in arrival order, waiting for them if needed. */
    List<JsonObject> awaitFrames(Predicate<JsonObject> match, int n) {
      await(n + " matching /ws frames", () -> frames.stream().filter(match).count() >= n);
      return frames.stream().filter(match).limit(n).toList();
    }

    short closeCode() {
      await("close", () -> closed.future().isComplete());
      return closed.future().result();
    }
  }

  private record Hook(MultiMap headers, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  /** The service's side of webhooks, reduced to recording what arrives and answering a scripted status. */
  private static final class HookReceiver {
    final List<Hook> received = new CopyOnWriteArrayList<>();
    final Queue<Integer> statuses = new ConcurrentLinkedQueue<>();
    int port;

    static HookReceiver start(Vertx vertx) {
      HookReceiver r = new HookReceiver();
      HttpServer server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
        r.received.add(new Hook(MultiMap.caseInsensitiveMultiMap().addAll(req.headers()), body.toString(StandardCharsets.UTF_8)));
        Integer status = r.statuses.poll();
        req.response().setStatusCode(status == null ? 200 : status).end("{\"status\":\"accepted\"}");
      })).listen(0, "127.0.0.1").await();
      r.port = server.actualPort();
      return r;
    }

    String url() {
      return "http://127.0.0.1:" + port + "/webhook/vexa";
    }

    List<JsonObject> ofType(String type) {
      return received.stream().map(Hook::json).filter(e -> type.equals(e.getString("event_type"))).toList();
    }
  }
}
