package com.targetdialer.dispatch;

import com.targetdialer.TargetDialer;
import com.targetdialer.config.DatabaseUrl;
import com.targetdialer.testing.Await;
import com.targetdialer.testing.RunningService;
import com.targetdialer.testing.SqlProbe;
import com.targetdialer.testing.TestStores;
import com.targetdialer.vexa.WebhookSignature;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bot adopted after a 409 is followed by its status webhooks, against Vexa's exact shapes
 * (../shared/reference/vexa-api.md §1-§5): the 409 body, {@code GET /bots/status} rows that carry
 * no connection id, and a {@code meeting.status_change} whose only bot key is {@code data.meeting.connection_id}.
 */
@ExtendWith(TestStores.class)
class AdoptionTest {

  private static final String SECRET = "adoption-webhook-secret-0123456789";
  private static final String INTERNAL_KEY = "internal-key-for-adoption-tests";
  private static final String CONNECTION_ID = "1b346622-f07c-4873-820f-ca50f906ef74";

  private static Vertx vertx;
  private static HttpServer vexa;
  private static TargetDialer service;
  private static WebClient client;
  private static SqlProbe db;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    vexa = vertx.createHttpServer().requestHandler(request -> {
      String route = request.method() + " " + request.path();
      switch (route) {
        case "POST /bots" -> request.response().setStatusCode(409).putHeader("content-type", "application/json")
            .end("{\"detail\": \"An active meeting already exists for google_meet/abc-defg-hij\"}");
        case "GET /bots/status" -> request.response().putHeader("content-type", "application/json").end("""
            {"running": [%1$s], "running_bots": [%1$s], "count": 1}""".formatted(STATUS_ROW));
        case "PUT /user/webhook" -> request.response().putHeader("content-type", "application/json")
            .end("{\"id\": 7, \"email\": \"sales@example.com\", \"name\": null, \"max_concurrent_bots\": 3, \"data\": {}}");
        default -> request.response().setStatusCode(404).putHeader("content-type", "application/json").end("{\"detail\": \"Not Found\"}");
      }
    }).listen(0, "127.0.0.1").await();
    DatabaseUrl database = TestStores.newDatabase();
    Map<String, String> env = RunningService.env(database, TestStores.redis());
    env.put("VEXA_API_URL", "http://127.0.0.1:" + vexa.actualPort());
    env.put("VEXA_API_KEY", "vxa_bot_test");
    env.put("VEXA_WEBHOOK_SECRET", SECRET);
    env.put("INTERNAL_API_KEY", INTERNAL_KEY);
    env.put("PUBLIC_API_URL", "http://127.0.0.1:1");
    service = RunningService.start(env);
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(service.httpPort()));
    db = new SqlProbe(vertx, database);
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

  /** A slim row as {@code collector/projection.py} lists it: no {@code data.sessions}, no connection id, a workload id. */
  private static final String STATUS_ROW = """
      {"id": 42, "user_id": 7, "platform": "google_meet", "native_meeting_id": "abc-defg-hij",
       "constructed_meeting_url": "https://meet.google.com/abc-defg-hij", "status": "awaiting_admission",
       "bot_container_id": "mtg-42-1b346622", "start_time": null, "end_time": null, "completion_reason": null,
       "failure_stage": null, "shared": false, "created_at": "2026-08-20T10:00:00.123456Z", "updated_at": "2026-08-20T10:00:02.234567Z",
       "data": {"constructed_meeting_url": "https://meet.google.com/abc-defg-hij", "transcribe_enabled": true, "recording_enabled": true}}""";

  @Test
  @DisplayName("POST /bots answers 409, the bot is adopted from /bots/status, and its meeting.status_change by connection id is applied")
  void adoptedBotFollowsItsWebhooks() {
    HttpResponse<Buffer> dispatched = client.post("/dispatch/bot").putHeader("Authorization", "Bearer " + INTERNAL_KEY)
        .sendJsonObject(new JsonObject().put("platform", "google_meet").put("native_meeting_id", "abc-defg-hij")).await();
    assertThat(dispatched.statusCode()).as(dispatched.bodyAsString()).isEqualTo(200);
    assertThat(dispatched.bodyAsJsonObject().getBoolean("adopted")).isTrue();
    long meetingId = dispatched.bodyAsJsonObject().getLong("meeting_id");

    // vexa-api.md §5, byte for byte the shape Vexa's build_status_change_envelope emits (Python's json.dumps spacing).
    String body = """
        {"event_id": "evt_0c9d2b1e6f7a48e3a1b2c3d4e5f60718", "event_type": "meeting.status_change", "api_version": "2026-03-01", \
        "created_at": "2026-08-20T10:00:05.1Z", "data": {"meeting": {"connection_id": "%s", "status": "active", \
        "completion_reason": null, "failure_stage": null, "data": {"status_transition": [{"from": "awaiting_admission", "to": "active", \
        "timestamp": "2026-08-20T10:00:05.000Z", "timestamp_source": "producer", "source": "bot_callback"}]}}, \
        "status_change": {"old_status": "awaiting_admission", "new_status": "active", "reason": null, "transition_source": "bot_callback"}}}"""
        .formatted(CONNECTION_ID);
    String timestamp = String.valueOf(System.currentTimeMillis() / 1000);
    HttpResponse<Buffer> delivered = client.post("/webhook/vexa").putHeader("content-type", "application/json")
        .putHeader("X-Webhook-Timestamp", timestamp)
        .putHeader("X-Webhook-Signature", "sha256=" + new WebhookSignature(SECRET, 300).sign(timestamp, Buffer.buffer(body)))
        .putHeader("Authorization", "Bearer " + SECRET)
        .sendBuffer(Buffer.buffer(body)).await();
    assertThat(delivered.statusCode()).isEqualTo(200);

    Await.until("the adopted bot's status change applied", Duration.ofSeconds(10),
        () -> "active".equals(db.value("SELECT bot_status FROM td_meetings WHERE id = $1", meetingId)));
    assertThat(db.value("SELECT session_uid FROM td_bot_sessions WHERE meeting_id = $1", meetingId)).as("learned").isEqualTo(CONNECTION_ID);
    assertThat(db.value("SELECT bot_container_id FROM td_bot_sessions WHERE meeting_id = $1", meetingId)).isEqualTo("mtg-42-1b346622");
    assertThat(db.count("SELECT count(*) FROM td_dead_letters")).isZero();
  }
}
