package com.targetdialer.api;

import com.targetdialer.bus.Addresses;
import com.targetdialer.TargetDialer;
import com.targetdialer.config.DatabaseUrl;
import com.targetdialer.testing.RunningService;
import com.targetdialer.testing.SqlProbe;
import com.targetdialer.testing.TestStores;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static com.targetdialer.testing.Await.until;
import static org.assertj.core.api.Assertions.assertThat;

/** The read API and the event-bus bridge, as the UI and the web app use them. */
@ExtendWith(TestStores.class)
class ReadApiTest {

  private static final String TOKEN = "ui-token-for-tests-0123456";

  private static Vertx vertx;
  private static TargetDialer service;
  private static WebClient client;
  private static SqlProbe db;
  private static long meetingId;

  @BeforeAll
  static void start() {
    DatabaseUrl database = TestStores.newDatabase();
    Map<String, String> env = RunningService.env(database, TestStores.redis());
    env.put("UI_TOKEN", TOKEN);
    env.put("LEDGER_SWEEP_INTERVAL_S", "1");
    service = RunningService.start(env);
    vertx = Vertx.vertx();
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(service.httpPort()));
    db = new SqlProbe(vertx, database);
    meetingId = ((Number) db.value("INSERT INTO td_meetings (title, native_meeting_id, scheduled_start, bot_status, restart_count, segment_count) "
        + "VALUES ('Pricing call', 'abc-defg-hij', '2026-11-26T10:00:00Z', 'active', 1, 3) RETURNING id")).longValue();
    db.value("INSERT INTO td_meetings (title, native_meeting_id, scheduled_start, bot_status) VALUES ('Yesterday', 'bcd-efgh-ijk', '2026-11-25T10:00:00Z', 'completed')");
    db.value("INSERT INTO td_bot_sessions (meeting_id, attempt, session_uid, status, active_at, ended_at, end_reason) "
        + "VALUES ($1, 1, 's1', 'completed', '2026-11-26T10:01:00Z', '2026-11-26T10:06:00Z', 'replaced_by_restart'), "
        + "($1, 2, 's2', 'active', '2026-11-26T10:07:00Z', NULL, NULL)", meetingId);
    for (int i = 0; i < 3; i++) {
      db.value("INSERT INTO td_transcript_segments (meeting_id, segment_key, session_uid, text, speaker, completed, absolute_start_time, absolute_end_time) "
          + "VALUES ($1, $2, 's1', $3, 'Jane', true, $4, $4 + interval '2 seconds')",
          meetingId, "k" + i, "line " + i, java.time.OffsetDateTime.parse("2026-11-26T10:0" + (i + 1) + ":30Z"));
    }
    db.value("INSERT INTO td_transcript_segments (meeting_id, segment_key, text, retracted) VALUES ($1, 'gone', '', true)", meetingId);
    db.value("INSERT INTO td_meeting_events (meeting_id, seq, type, level, detail) VALUES ($1, 1, 'deaf_bot', 'alert', '{\"message\": \"deaf bot, restarting\", \"attempt\": 1}')", meetingId);
    db.value("UPDATE td_meetings SET event_seq = 1 WHERE id = $1", meetingId);
    // The live stream was down for a minute of the second bot and Vexa's transcript has not been read since.
    db.value("INSERT INTO td_stream_outages (meeting_id, started_at, ended_at) VALUES ($1, '2026-11-26T10:08:00Z', '2026-11-26T10:09:00Z')", meetingId);
    // A declined event on a calendar that needs re-authorising (so it is never synced here): the report's skipped item.
    db.value("INSERT INTO td_calendars (id, credentials_type, credentials_enc, status) VALUES ('alice@example.com', 'oauth', '\\x00', 'needs_reauth')");
    db.value("INSERT INTO td_calendar_events (calendar_ref, event_id, decision, reason, summary, starts_at, ends_at) "
        + "VALUES ('alice@example.com', 'evt-declined', 'skipped', 'declined', 'Lunch pitch', '2026-11-26T12:00:00Z', '2026-11-26T13:00:00Z')");
    until("the ledger judged the meeting", Duration.ofSeconds(10), () -> db.value("SELECT assessed_at FROM td_meetings WHERE id = $1", meetingId) != null);
  }

  @AfterAll
  static void stop() {
    db.close();
    client.close();
    vertx.close().await();
    service.stop();
  }

  @Test
  @DisplayName("GET /api/meetings lists meetings with the contract's fields and filters by status and date")
  void listMeetings() {
    JsonArray all = get("/api/meetings").bodyAsJsonObject().getJsonArray("meetings");
    JsonArray today = get("/api/meetings?from=2026-11-26T00:00:00Z&to=2026-11-27T00:00:00Z").bodyAsJsonObject().getJsonArray("meetings");
    JsonArray completed = get("/api/meetings?status=completed").bodyAsJsonObject().getJsonArray("meetings");

    assertThat(all).hasSize(2);
    assertThat(today).hasSize(1);
    JsonObject meeting = today.getJsonObject(0);
    assertThat(meeting.fieldNames()).contains("id", "title", "platform", "native_meeting_id", "scheduled_start", "bot_status",
        "restart_count", "segment_count", "failure_reason");
    assertThat(meeting.getString("bot_status")).isEqualTo("active");
    assertThat(meeting.getInteger("restart_count")).isEqualTo(1);
    assertThat(meeting.getString("last_alert")).isEqualTo("deaf bot, restarting");
    assertThat(meeting.getString("outcome")).isEqualTo("pending");
    assertThat(meeting.getString("outcome_reason")).isEqualTo("The bot is in the call, recording.");
    assertThat(meeting.getDouble("coverage_ratio")).isBetween(0.9, 1.0);
    assertThat(completed).extracting(m -> ((JsonObject) m).getString("title")).containsExactly("Yesterday");
    assertThat(get("/api/meetings?status=sleeping").statusCode()).isEqualTo(400);
    assertThat(get("/api/meetings?from=yesterday").statusCode()).isEqualTo(400);
  }

  @Test
  @DisplayName("GET /api/meetings/{id} has its outcome, its gaps by cause, its bot sessions and the event log")
  void oneMeeting() {
    JsonObject meeting = get("/api/meetings/" + meetingId).bodyAsJsonObject();

    assertThat(meeting.getJsonArray("bot_sessions")).hasSize(2);
    assertThat(meeting.getString("outcome")).isEqualTo("pending");
    assertThat(meeting.getJsonArray("gaps")).containsExactly(
        new JsonObject().put("from", "2026-11-26T10:03:32Z").put("to", "2026-11-26T10:06:00Z").put("cause", "deaf").put("seconds", 148.0),
        new JsonObject().put("from", "2026-11-26T10:06:00Z").put("to", "2026-11-26T10:07:00Z").put("cause", "restart").put("seconds", 60.0),
        new JsonObject().put("from", "2026-11-26T10:08:00Z").put("to", "2026-11-26T10:09:00Z").put("cause", "stream").put("seconds", 60.0));
    assertThat(meeting.getJsonArray("events").getJsonObject(0).getString("type")).isEqualTo("deaf_bot");
    assertThat(get("/api/meetings/999999").statusCode()).isEqualTo(404);
    assertThat(get("/api/meetings/abc").statusCode()).isEqualTo(400);
  }

  @Test
  @DisplayName("GET /api/meetings/{id}/transcript pages in spoken order and leaves retracted segments out")
  void transcriptPages() {
    JsonObject first = get("/api/meetings/" + meetingId + "/transcript?limit=2").bodyAsJsonObject();
    JsonObject second = get("/api/meetings/" + meetingId + "/transcript?limit=2&cursor=" + first.getString("next_cursor")).bodyAsJsonObject();

    assertThat(first.getJsonArray("segments")).extracting(s -> ((JsonObject) s).getString("text")).containsExactly("line 0", "line 1");
    assertThat(second.getJsonArray("segments")).extracting(s -> ((JsonObject) s).getString("text")).containsExactly("line 2");
    assertThat(second.getString("next_cursor")).isNull();
    JsonObject segment = first.getJsonArray("segments").getJsonObject(0);
    assertThat(segment.getString("speaker")).isEqualTo("Jane");
    assertThat(segment.getString("absolute_start_time")).isEqualTo("2026-11-26T10:01:30Z");
    assertThat(get("/api/meetings/" + meetingId + "/transcript?cursor=nonsense").statusCode()).isEqualTo(400);
  }

  @Test
  @DisplayName("GET /api/coverage reports a day: totals, rates and every item, skipped calendar events included")
  void coverage() {
    JsonObject report = get("/api/coverage?from=2026-11-26T00:00:00Z&to=2026-11-27T00:00:00Z").bodyAsJsonObject();

    assertThat(report.getString("from")).isEqualTo("2026-11-26T00:00:00Z");
    assertThat(report.getString("to")).isEqualTo("2026-11-27T00:00:00Z");
    JsonObject totals = report.getJsonObject("totals");
    assertThat(totals.getInteger("meetings")).isEqualTo(1);
    assertThat(totals.getInteger("pending")).isEqualTo(1);
    assertThat(totals.getInteger("skipped")).isEqualTo(1);
    assertThat(totals.fieldNames()).containsExactlyInAnyOrder("meetings", "captured", "partial", "not_admitted", "bot_failed", "deaf",
        "empty", "missed", "pending", "cancelled", "skipped");
    assertThat(report.getValue("capture_rate")).isNull();
    JsonArray items = report.getJsonArray("items");
    assertThat(items).hasSize(2);
    assertThat(items.getJsonObject(0).getLong("id")).isEqualTo(meetingId);
    assertThat(items.getJsonObject(0).getJsonArray("gaps")).hasSize(3);
    JsonObject skipped = items.getJsonObject(1);
    assertThat(skipped.getValue("id")).isNull();
    assertThat(skipped.getString("calendar_event_id")).isEqualTo("evt-declined");
    assertThat(skipped.getString("outcome")).isEqualTo("skipped");
    assertThat(skipped.getString("outcome_reason")).isEqualTo("Not recorded: you declined this event.");
    assertThat(items.getJsonObject(0).fieldNames()).contains("id", "title", "platform", "native_meeting_id", "scheduled_start",
        "scheduled_end", "outcome", "outcome_reason", "coverage_ratio", "gaps");

    JsonObject today = get("/api/coverage").bodyAsJsonObject();
    assertThat(today.getString("from")).isEqualTo(java.time.LocalDate.now(java.time.ZoneOffset.UTC) + "T00:00:00Z");
    assertThat(today.getJsonObject("totals").getInteger("meetings")).isZero();
  }

  @Test
  @DisplayName("GET /api/coverage answers bad ranges with 400 and no token with 401, in the usual shape")
  void coverageBadInput() {
    for (String query : List.of("from=yesterday", "from=2026-11-26T00:00:00Z&to=2026-11-25T00:00:00Z",
        "from=2026-01-01T00:00:00Z&to=2026-06-01T00:00:00Z", "to=2026-13-01T00:00:00Z")) {
      var response = get("/api/coverage?" + query);
      assertThat(response.statusCode()).as(query).isEqualTo(400);
      assertThat(response.bodyAsJsonObject().getString("error")).isEqualTo("bad_request");
      assertThat(response.bodyAsJsonObject().getString("detail")).isNotBlank();
    }
    var anonymous = client.get("/api/coverage").send().await();
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.bodyAsJsonObject().getString("error")).isEqualTo("unauthorized");
  }

  @Test
  @DisplayName("the read API needs the UI token")
  void needsToken() {
    assertThat(client.get("/api/meetings").send().await().statusCode()).isEqualTo(401);
    assertThat(client.get("/api/meetings").putHeader("Authorization", "Bearer not-the-token-at-all").send().await().statusCode()).isEqualTo(401);
  }

  @Test
  @DisplayName("the bridge delivers meetings.updates to a socket with the token, refuses one without, and refuses unpermitted addresses")
  void bridge() {
    List<JsonObject> frames = new CopyOnWriteArrayList<>();
    WebSocket socket = connect("?token=" + TOKEN, frames);
    socket.writeTextMessage(new JsonObject().put("type", "register").put("address", Addresses.MEETINGS_UPDATES).encode());
    socket.writeTextMessage(new JsonObject().put("type", "register").put("address", "dispatch.request").encode());
    socket.writeTextMessage(new JsonObject().put("type", "send").put("address", "dispatch.request").put("body", new JsonObject()).encode());
    until("registered", Duration.ofSeconds(5), () -> {
      service.vertx().eventBus().publish(Addresses.MEETINGS_UPDATES, new JsonObject().put("id", meetingId).put("bot_status", "active"));
      return frames.stream().anyMatch(f -> "rec".equals(f.getString("type")));
    });
    assertThat(frames.stream().filter(f -> "err".equals(f.getString("type"))).map(f -> f.getString("body")))
        .as("register and send on other addresses are refused").containsExactly("access_denied", "access_denied");

    // The bridge closes it at once: no handler is set, it may already be closed when we get it.
    WebSocket anonymous = vertx.createWebSocketClient().connect(new WebSocketConnectOptions().setHost("127.0.0.1")
        .setPort(service.httpPort()).setURI("/eventbus/websocket")).await();
    until("socket without token closed", Duration.ofSeconds(5), anonymous::isClosed);
    socket.close();
  }

  private WebSocket connect(String query, List<JsonObject> frames) {
    WebSocketClient ws = vertx.createWebSocketClient();
    WebSocket socket = ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(service.httpPort())
        .setURI("/eventbus/websocket" + query)).await();
    // The SockJS raw WebSocket endpoint sends binary frames.
    socket.handler((Buffer data) -> frames.add(data.toJsonObject()));
    return socket;
  }

  private static HttpResponse<Buffer> get(String path) {
    return client.get(path).putHeader("Authorization", "Bearer " + TOKEN).send().await();
  }
}
