package com.targetdialer.webhook;

import com.targetdialer.testing.MetricsText;
import com.targetdialer.testing.InboxProbe;
import com.targetdialer.testing.Await;
import com.targetdialer.TargetDialer;
import com.targetdialer.config.DatabaseUrl;
import com.targetdialer.store.EmbeddedRedisServer;
import com.targetdialer.testing.LogCapture;
import com.targetdialer.testing.RunningService;
import com.targetdialer.testing.TestStores;
import com.targetdialer.vexa.WebhookSignature;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.ArrayList;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;

/** POST /webhook/vexa through the inbox to Postgres, with the service's own Redis stopped in one test. */
@ExtendWith(TestStores.class)
class WebhookIntakeTest {

  private static final String SECRET = "test-webhook-secret-0123456789";
  private static final WebhookSignature SIGNER = new WebhookSignature(SECRET, 300);

  @TempDir
  static Path redisDir;

  private static EmbeddedRedisServer redis;
  private static TargetDialer service;
  private static Vertx vertx;
  private static WebClient client;
  private static Pool pg;
  private static String redisPrefix;
  private static long meetingId;
  private static DatabaseUrl database;

  /** A meeting whose bot (Vexa id, connection id) is joining. */
  private static long joiningMeeting(String code, long vexaId, String connectionId) {
    long meeting = pg.preparedQuery("INSERT INTO td_meetings (native_meeting_id, scheduled_start, bot_status) VALUES ($1, now(), 'joining') RETURNING id")
        .execute(Tuple.of(code)).await().iterator().next().getLong(0);
    pg.preparedQuery("INSERT INTO td_bot_sessions (meeting_id, attempt, vexa_meeting_id, session_uid, status) VALUES ($1, 1, $2, $3, 'requested')")
        .execute(Tuple.of(meeting, vexaId, connectionId)).await();
    return meeting;
  }

  @BeforeAll
  static void start() throws Exception {
    redis = EmbeddedRedisServer.start(redisDir, 0);
    database = TestStores.newDatabase();
    Map<String, String> env = RunningService.env(database, redis.url());
    redisPrefix = env.get("REDIS_KEY_PREFIX");
    env.put("VEXA_WEBHOOK_SECRET", SECRET);
    env.put("INBOX_CLAIM_IDLE_MS", "300");
    env.put("INBOX_MAX_ATTEMPTS", "2");
    service = RunningService.start(env);
    vertx = Vertx.vertx();
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(service.httpPort()));
    pg = PgBuilder.pool().connectingTo(new PgConnectOptions().setHost(database.host()).setPort(database.port())
        .setDatabase(database.database()).setUser(database.user())).using(vertx).build();
    meetingId = joiningMeeting("abc-defg-hij", 42, "conn-1");
  }

  @AfterAll
  static void stop() throws Exception {
    if (pg != null) {
      pg.close().await();
      client.close();
      vertx.close().await();
    }
    if (service != null) {
      service.stop();
    }
    redis.close();
  }

  @Test
  @EnabledOnOs(value = OS.LINUX, architectures = "amd64") // the platform whose native library the jar carries
  @DisplayName("the node's sockets run on Netty's epoll transport, not Java NIO")
  void epollTransport() {
    assertThat(service.vertx().isNativeTransportEnabled()).as("native transport; unavailable because: %s",
        service.vertx().unavailableNativeTransportCause()).isTrue();
  }

  @Test
  @DisplayName("a signed status change is accepted, applied to the meeting once, and its replay changes nothing")
  void statusChangeApplied() throws Exception {
    Buffer body = statusChange("evt_active_1", "conn-1", "joining", "active");

    HttpResponse<Buffer> first = signed(body).await();
    HttpResponse<Buffer> replay = signed(body).await();

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.bodyAsJsonObject()).isEqualTo(new JsonObject().put("status", "accepted"));
    assertThat(replay.statusCode()).isEqualTo(200);
    await(() -> "active".equals(single("SELECT bot_status FROM td_meetings WHERE id = " + meetingId)));
    await(() -> Long.valueOf(1).equals(single("SELECT count(*) FROM td_webhook_events_seen WHERE event_id = 'evt_active_1'")));
    try (InboxProbe inbox = new InboxProbe(vertx, redis.url(), redisPrefix)) {
      await(() -> inbox.length() == 0); // both deliveries applied and acknowledged
    }
    assertThat(single("SELECT count(*) FROM td_meeting_events WHERE meeting_id = " + meetingId + " AND type = 'status_change'"))
        .as("applied once").isEqualTo(1L);
  }

  @Test
  @DisplayName("a seed-style payload with segments is persisted like live segments")
  void seedStyleSegments() throws Exception {
    JsonObject payload = new JsonObject().put("native_meeting_id", "abc-defg-hij").put("platform", "google_meet")
        .put("segments", new JsonArray()
            .add(new JsonObject().put("text", "Seed style hello").put("speaker", "Ana").put("start_time", 0.5).put("end_time", 2.0)
                .put("absolute_start_time", "2026-11-26T10:00:00.500Z")));

    assertThat(signed(payload.toBuffer()).await().statusCode()).isEqualTo(200);

    await(() -> Long.valueOf(1).equals(single("SELECT count(*) FROM td_transcript_segments WHERE text = 'Seed style hello'")));
  }

  @Test
  @DisplayName("the seed plan's own example body is stored; a replay changes nothing; the same meeting, start and speaker is one segment")
  void seedExampleStored() throws Exception {
    // Character for character the plan's curl example (relative times as strings, no segment_id, no absolute times, no session).
    Buffer body = Buffer.buffer("{\"native_meeting_id\":\"abc-defg-hij\",\"platform\":\"google_meet\",\"segments\":[{\"text\":\"Hello world\","
        + "\"speaker\":\"Speaker 1\",\"start_time\":\"0.0\",\"end_time\":\"2.5\",\"language\":\"en\"}]}");

    assertThat(signed(body).await().statusCode()).isEqualTo(200);
    assertThat(signed(body).await().statusCode()).isEqualTo(200);
    await(() -> Long.valueOf(1).equals(single("SELECT count(*) FROM td_transcript_segments WHERE meeting_id = " + meetingId
        + " AND segment_key LIKE '%@+0.0/Speaker 1'")));
    Buffer corrected = Buffer.buffer(body.toString().replace("Hello world", "Hello, world"));
    assertThat(signed(corrected).await().statusCode()).isEqualTo(200);

    await(() -> "Hello, world".equals(single("SELECT text FROM td_transcript_segments WHERE meeting_id = " + meetingId
        + " AND segment_key LIKE '%@+0.0/Speaker 1'")));
    assertThat(single("SELECT count(*) FROM td_transcript_segments WHERE meeting_id = " + meetingId + " AND segment_key LIKE '%@+0.0/Speaker 1'"))
        .isEqualTo(1L);
    assertThat(single("SELECT session_uid || ' ' || start_time || ' ' || end_time || ' ' || language FROM td_transcript_segments "
        + "WHERE meeting_id = " + meetingId + " AND segment_key LIKE '%@+0.0/Speaker 1'")).isEqualTo("conn-1 0 2.5 en");
  }

  @Test
  @DisplayName("a status change is recorded at Vexa's time, not at the arrival of a delivery two hours late; the event log has both")
  void statusAtVexasTime() throws Exception {
    long meeting = joiningMeeting("lat-ered-liv", 45, "conn-late");
    Instant happened = Instant.now().minus(Duration.ofHours(2)).truncatedTo(ChronoUnit.MILLIS);
    JsonObject envelope = new JsonObject(statusChange("evt_late_1", "conn-late", "joining", "active").toString());
    envelope.put("created_at", happened.plusMillis(300).toString());
    envelope.getJsonObject("data").getJsonObject("meeting").put("data", new JsonObject().put("status_transition", new JsonArray()
        .add(new JsonObject().put("from", "joining").put("to", "active").put("timestamp", happened.toString())
            .put("timestamp_source", "producer").put("source", "bot_callback"))));

    assertThat(signed(envelope.toBuffer()).await().statusCode()).isEqualTo(200);

    await(() -> "active".equals(single("SELECT bot_status FROM td_meetings WHERE id = " + meeting)));
    assertThat(((OffsetDateTime) single("SELECT bot_active_at FROM td_meetings WHERE id = " + meeting)).toInstant()).isEqualTo(happened);
    JsonObject logged = (JsonObject) single("SELECT detail FROM td_meeting_events WHERE type = 'status_change' AND meeting_id = " + meeting);
    assertThat(Instant.parse(logged.getString("at"))).isEqualTo(happened);
    assertThat(Instant.parse(logged.getString("received_at"))).isAfter(Instant.now().minus(Duration.ofMinutes(1)));
  }

  @Test
  @DisplayName("nothing a genuine, signed Vexa delivery can hold is refused: unknown events, unknown bots and meetings, extra fields, "
      + "unkeyable segments and big bodies get 200 and end applied or kept with their reason")
  void genuineDeliveriesAreNeverRefused() throws Exception {
    JsonObject unknownType = new JsonObject().put("event_id", "evt_g1").put("event_type", "meeting.transcoded").put("api_version", "2026-03-01")
        .put("created_at", Instant.now().toString()).put("data", new JsonObject().put("meeting", new JsonObject().put("id", 42)));
    JsonObject unknownBot = new JsonObject().put("event_id", "evt_g2").put("event_type", "meeting.started").put("api_version", "2026-03-01")
        .put("data", new JsonObject().put("meeting", new JsonObject().put("id", 987654).put("status", "active").put("platform", "google_meet")));
    JsonObject extraFields = new JsonObject(statusChange("evt_g3", "conn-1", "active", "active").toString()).put("x_new_field", new JsonObject().put("a", 1));
    JsonObject unknownMeeting = new JsonObject().put("native_meeting_id", "not-ours-xyz").put("platform", "google_meet")
        .put("segments", new JsonArray().add(new JsonObject().put("text", "to whom?").put("start_time", "1.0")));
    JsonObject unkeyable = new JsonObject().put("native_meeting_id", "abc-defg-hij").put("platform", "google_meet")
        .put("segments", new JsonArray().add(new JsonObject().put("text", "keyed").put("segment_id", "g5-a"))
            .add(new JsonObject().put("text", "no time and no id, marker g5")));
    JsonObject big = new JsonObject().put("event_id", "evt_g6").put("event_type", "meeting.completed").put("api_version", "2026-03-01")
        .put("data", new JsonObject().put("meeting", new JsonObject().put("id", 987655).put("status", "completed")
            .put("data", new JsonObject().put("bot_logs", "x".repeat(50 * 1024)))));

    for (JsonObject body : List.of(unknownType, unknownBot, extraFields, unknownMeeting, unkeyable, big)) {
      assertThat(signed(body.toBuffer()).await().statusCode()).as(body.encode().substring(0, 60)).isEqualTo(200);
    }

    await(() -> "unknown_event".equals(single("SELECT max(reason) FROM td_dead_letters WHERE raw_body LIKE '%meeting.transcoded%'")));
    await(() -> "unkeyable_segment".equals(single("SELECT max(reason) FROM td_dead_letters WHERE raw_body LIKE '%marker g5%'")));
    await(() -> Long.valueOf(1).equals(single("SELECT count(*) FROM td_transcript_segments WHERE segment_key = 'g5-a'")));
    // Parked, delivered again a bounded number of times, then kept with the reason of the last try.
    await(() -> "unknown_bot".equals(single("SELECT max(reason) FROM td_dead_letters WHERE raw_body LIKE '%evt_g2%'")));
    await(() -> "unknown_meeting".equals(single("SELECT max(reason) FROM td_dead_letters WHERE raw_body LIKE '%not-ours-xyz%'")));
    await(() -> "unknown_bot".equals(single("SELECT max(reason) FROM td_dead_letters WHERE raw_body LIKE '%evt_g6%'")));
    assertThat(single("SELECT count(*) FROM td_dead_letters WHERE raw_body LIKE '%evt_g3%'")).as("extra fields are applied").isEqualTo(0L);
  }

  @Test
  @DisplayName("segments for a meeting deleted after its bot was known are kept as a dead letter (unknown_meeting), not written")
  void segmentsOfADeletedMeeting() throws Exception {
    long deleted = joiningMeeting("del-eted-mtg", 47, "conn-deleted");
    assertThat(signed(vexaIdSegment(47, "first words, marker d1")).await().statusCode()).isEqualTo(200);
    await(() -> Long.valueOf(1).equals(single("SELECT count(*) FROM td_transcript_segments WHERE meeting_id = " + deleted)));

    pg.preparedQuery("DELETE FROM td_meetings WHERE id = $1").execute(Tuple.of(deleted)).await();
    // The node still knows Vexa meeting 47 as this meeting: the merge is what finds it gone.
    assertThat(signed(vexaIdSegment(47, "after the delete, marker d2")).await().statusCode()).isEqualTo(200);

    await(() -> "unknown_meeting".equals(single("SELECT max(reason) FROM td_dead_letters WHERE raw_body LIKE '%marker d2%'")));
    assertThat((String) single("SELECT max(error) FROM td_dead_letters WHERE raw_body LIKE '%marker d2%'"))
        .contains("meeting " + deleted + " no longer exists");
    assertThat(single("SELECT count(*) FROM td_transcript_segments WHERE meeting_id = " + deleted)).isEqualTo(0L);
  }

  private static Buffer vexaIdSegment(long vexaId, String text) {
    return new JsonObject().put("meeting_id", vexaId).put("platform", "google_meet")
        .put("segments", new JsonArray().add(new JsonObject().put("text", text).put("speaker", "Ana")
            .put("start_time", 1.0).put("absolute_start_time", Instant.now().toString()))).toBuffer();
  }

  @Test
  @DisplayName("dead letters are counted in /metrics by source and reason, and logged once per reason per minute, not once each")
  void deadLettersCountedAndLoggedOnce() throws Exception {
    try (LogCapture log = new LogCapture("com.targetdialer.persist.DeadLetters")) {
      double before = deadLetterMetric("untracked");
      for (int i = 0; i < 5; i++) {
        assertThat(signed(new JsonObject().put("event_id", "evt_rec_" + i).put("event_type", "recording.ready")
            .put("data", new JsonObject()).toBuffer()).await().statusCode()).isEqualTo(200);
      }

      await(() -> Long.valueOf(5).equals(single("SELECT count(*) FROM td_dead_letters WHERE reason = 'untracked' AND raw_body LIKE '%evt_rec_%'")));
      assertThat(deadLetterMetric("untracked") - before).isEqualTo(5.0);
      assertThat(log.linesContaining("reason: untracked")).hasSize(1);
    }
  }

  @Test
  @DisplayName("bad auth is 401, an empty body 400, a 10 MB body 413; malformed and unknown payloads are kept as dead letters")
  void badInput() throws Exception {
    Buffer body = statusChange("evt_x", "conn-1", "active", "stopping");
    long now = System.currentTimeMillis() / 1000;

    assertThat(post(body).send().await().statusCode()).as("no signature").isEqualTo(401);
    assertThat(post(body).putHeader("X-Webhook-Timestamp", String.valueOf(now)).putHeader("X-Webhook-Signature", "sha256=00")
        .sendBuffer(body).await().statusCode()).as("wrong signature").isEqualTo(401);
    String stale = String.valueOf(now - 3600);
    HttpResponse<Buffer> replayed = post(body).putHeader("X-Webhook-Timestamp", stale)
        .putHeader("X-Webhook-Signature", "sha256=" + SIGNER.sign(stale, body)).sendBuffer(body).await();
    assertThat(replayed.statusCode()).as("outside the window").isEqualTo(401);
    assertThat(replayed.bodyAsJsonObject().getString("error")).isEqualTo("unauthorized");
    assertThat(signed(Buffer.buffer()).await().statusCode()).isEqualTo(400);
    assertThat(signed(Buffer.buffer(new byte[10 * 1024 * 1024])).await().statusCode()).isEqualTo(413);

    assertThat(signed(Buffer.buffer("{\"event_type\": ")).await().statusCode()).isEqualTo(200);
    assertThat(signed(new JsonObject().put("event_id", "evt_new").put("event_type", "meeting.renamed").put("data", new JsonObject()).toBuffer())
        .await().statusCode()).isEqualTo(200);
    assertThat(signed(Buffer.buffer("[1, 2, 3]")).await().statusCode()).isEqualTo(200);

    await(() -> Long.valueOf(3).equals(single("SELECT count(*) FROM td_dead_letters WHERE raw_body IN ('{\"event_type\": ', '[1, 2, 3]') "
        + "OR raw_body LIKE '%meeting.renamed%'")));
    assertThat(single("SELECT reason FROM td_dead_letters WHERE raw_body LIKE '%meeting.renamed%'")).isEqualTo("unknown_event");
    assertThat(single("SELECT reason FROM td_dead_letters WHERE raw_body = '[1, 2, 3]'")).isEqualTo("not_json");
    assertThat(client.get("/health").send().await().statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("an ingest-only node (INBOX_APPLY=false) accepts webhooks and leaves them in the inbox for a node that applies them")
  void ingestOnlyNode() throws Exception {
    long meeting = joiningMeeting("ing-estx-only", 43, "conn-ingest");
    Map<String, String> env = nodeOfItsOwn(); // the same database, an inbox of its own
    env.put("INBOX_APPLY", "false");
    TargetDialer ingest = RunningService.start(env);
    TargetDialer applier = null;
    try {
      WebClient ingestClient = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(ingest.httpPort()));
      Buffer body = statusChange("evt_ingest_1", "conn-ingest", "joining", "active");
      String timestamp = String.valueOf(System.currentTimeMillis() / 1000);
      assertThat(ingestClient.post("/webhook/vexa").putHeader("X-Webhook-Timestamp", timestamp)
          .putHeader("X-Webhook-Signature", "sha256=" + SIGNER.sign(timestamp, body)).sendBuffer(body).await().statusCode()).isEqualTo(200);
      try (InboxProbe inbox = new InboxProbe(vertx, redis.url(), env.get("REDIS_KEY_PREFIX"))) {
        assertThat(inbox.length()).as("kept in the inbox").isEqualTo(1);
        assertThat(inbox.unread()).as("and read by no one").isTrue();
      }
      assertThat(single("SELECT bot_status FROM td_meetings WHERE id = " + meeting)).as("not applied by the ingest node").isEqualTo("joining");

      env.remove("INBOX_APPLY");
      applier = RunningService.start(env);
      await(() -> "active".equals(single("SELECT bot_status FROM td_meetings WHERE id = " + meeting)));
    } finally {
      if (applier != null) {
        applier.stop();
      }
      ingest.stop();
    }
  }

  @Test
  @DisplayName("a backlog left pending by a consumer that died is taken over in one go, not a hundred entries per claim period")
  void pendingBacklogDrainsAtOnce() throws Exception {
    long meeting = joiningMeeting("bac-klog-now", 44, "conn-backlog");
    Map<String, String> env = nodeOfItsOwn();
    env.put("INBOX_APPLY", "false");
    env.put("INBOX_CLAIM_IDLE_MS", "4000");
    int webhooks = 1_000;
    TargetDialer ingest = RunningService.start(env);
    TargetDialer applier = null;
    try {
      WebClient ingestClient = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(ingest.httpPort()));
      List<io.vertx.core.Future<?>> sent = new ArrayList<>();
      for (int i = 0; i < webhooks; i++) {
        sent.add(oneSegment(ingestClient, "bac-klog-now", "backlog", i)
            .andThen(answer -> assertThat(answer.result().statusCode()).isEqualTo(200)));
      }
      io.vertx.core.Future.all(sent).await();
      try (InboxProbe inbox = new InboxProbe(vertx, redis.url(), env.get("REDIS_KEY_PREFIX"))) {
        inbox.readAsDeadConsumer();
        assertThat(inbox.pending()).isEqualTo(webhooks);
        // Idle long enough to be claimed at once.
        Await.until("every entry idle for the claim time", Duration.ofSeconds(30), () -> inbox.pendingIdleFor(4_000) == webhooks);
      }

      env.remove("INBOX_APPLY");
      applier = RunningService.start(env);
      long started = System.nanoTime();
      await(() -> Long.valueOf(webhooks).equals(single("SELECT count(*) FROM td_transcript_segments WHERE meeting_id = " + meeting)));
      // A hundred per claim period (2 s here) would take about 18 s.
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(8));
    } finally {
      if (applier != null) {
        applier.stop();
      }
      ingest.stop();
    }
  }

  @Test
  @DisplayName("after a read that empties the inbox the next waits INBOX_READ_LINGER_MS, so webhooks sent one by one are written together")
  void readLingerGathersATrickle() throws Exception {
    long meeting = joiningMeeting("tri-ckle-one", 47, "conn-trickle");
    Map<String, String> env = nodeOfItsOwn();
    env.put("INBOX_READ_LINGER_MS", "1000");
    int webhooks = 30;
    TargetDialer lingering = RunningService.start(env);
    try {
      WebClient lingeringClient = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(lingering.httpPort()));
      // One at a time, each answered before the next: without the linger, each is read and written on its own.
      for (int i = 0; i < webhooks; i++) {
        assertThat(oneSegment(lingeringClient, "tri-ckle-one", "trickle", i).await().statusCode()).isEqualTo(200);
      }
      await(() -> Long.valueOf(webhooks).equals(single("SELECT count(*) FROM td_transcript_segments WHERE meeting_id = " + meeting)));
      String metrics = lingeringClient.get("/metrics").send().await().bodyAsString();
      double largest = metrics.lines().filter(line -> line.startsWith("td_persist_statement_segments_max "))
          .mapToDouble(line -> Double.parseDouble(line.substring(line.indexOf(' ') + 1))).findFirst().orElseThrow();
      // The first is read at once; the rest came during the linger and go as one statement.
      assertThat(largest).as("segments in the largest merge statement").isGreaterThanOrEqualTo(webhooks - 10);
    } finally {
      lingering.stop();
    }
  }

  @Test
  @DisplayName("a meeting whose writes wait on a lock holds back only its own inbox entries: the others are applied and acknowledged")
  void blockedMeetingHoldsOnlyItsOwn() throws Exception {
    long blocked = joiningMeeting("blo-cked-mtg", 45, "conn-blocked");
    long flowing = joiningMeeting("flo-wing-mtg", 46, "conn-flowing"); // the next id: another write lane
    io.vertx.sqlclient.SqlConnection lock = pg.getConnection().await();
    try (InboxProbe inbox = new InboxProbe(vertx, redis.url(), redisPrefix)) {
      lock.query("BEGIN").execute().await();
      lock.preparedQuery("SELECT id FROM td_meetings WHERE id = $1 FOR UPDATE").execute(Tuple.of(blocked)).await();
      // In the middle of the others, so it is read together with some of them.
      List<io.vertx.core.Future<?>> sent = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        sent.add(signed(segmentWebhook("flo-wing-mtg", "said", i)));
        if (i == 150) {
          sent.add(signed(segmentWebhook("blo-cked-mtg", "said", 0)));
        }
      }
      io.vertx.core.Future.all(sent).await();

      await(() -> Long.valueOf(300).equals(single("SELECT count(*) FROM td_transcript_segments WHERE meeting_id = " + flowing)));
      await(() -> inbox.pending() == 1);
      assertThat(inbox.length()).as("only the blocked meeting's entry is left").isEqualTo(1);
      lock.query("ROLLBACK").execute().await();
      await(() -> Long.valueOf(1).equals(single("SELECT count(*) FROM td_transcript_segments WHERE meeting_id = " + blocked)));
      await(() -> inbox.length() == 0);
    } finally {
      lock.close().await();
    }
  }

  /** Segment {@code i} of a meeting, seed-shaped: "{@code text} i", at i seconds. */
  private static Buffer segmentWebhook(String nativeId, String text, int i) {
    return new JsonObject().put("native_meeting_id", nativeId).put("platform", "google_meet")
        .put("segments", new JsonArray().add(new JsonObject().put("text", text + " " + i).put("speaker", "Ana")
            .put("start_time", i).put("end_time", i + 0.5))).toBuffer();
  }

  @Test
  @DisplayName("with Redis down the webhook gets 503, so Vexa retries; nothing is claimed as accepted")
  void redisDown() throws Exception {
    int port = redis.port();
    redis.close();
    try {
      HttpResponse<Buffer> response = signed(statusChange("evt_down", "conn-1", "active", "stopping")).await();
      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.bodyAsJsonObject().getString("detail")).startsWith("the inbox is unavailable");
    } finally {
      redis = EmbeddedRedisServer.start(redisDir, port);
    }
    await(() -> signed(statusChange("evt_up", "conn-1", "active", "active")).await().statusCode() == 200);
  }

  private static double deadLetterMetric(String reason) {
    return MetricsText.value(client.get("/metrics").send().await().bodyAsString(),
        "td_dead_letters_total{reason=\"" + reason + "\",source=\"vexa_webhook\"}");
  }


  private static Buffer statusChange(String eventId, String connectionId, String from, String to) {
    return new JsonObject().put("event_id", eventId).put("event_type", "meeting.status_change").put("api_version", "2026-03-01")
        .put("data", new JsonObject()
            .put("meeting", new JsonObject().put("connection_id", connectionId).put("status", to))
            .put("status_change", new JsonObject().put("old_status", from).put("new_status", to).put("transition_source", "bot_callback")))
        .toBuffer();
  }

  /** The settings of a node a test starts for itself: this class's stores and webhook secret. */
  private static Map<String, String> nodeOfItsOwn() {
    Map<String, String> env = RunningService.env(database, redis.url());
    env.put("VEXA_WEBHOOK_SECRET", SECRET);
    return env;
  }

  /** Segment {@code n} of a meeting ("{@code text} n"), signed, to the node {@code to} talks to. */
  private static io.vertx.core.Future<HttpResponse<Buffer>> oneSegment(WebClient to, String nativeMeetingId, String text, int n) {
    Buffer body = segmentWebhook(nativeMeetingId, text, n);
    String timestamp = String.valueOf(System.currentTimeMillis() / 1000);
    return to.post("/webhook/vexa").putHeader("X-Webhook-Timestamp", timestamp)
        .putHeader("X-Webhook-Signature", "sha256=" + SIGNER.sign(timestamp, body)).sendBuffer(body);
  }

  private static io.vertx.core.Future<HttpResponse<Buffer>> signed(Buffer body) {
    String timestamp = String.valueOf(System.currentTimeMillis() / 1000);
    return post(body).putHeader("X-Webhook-Timestamp", timestamp)
        .putHeader("X-Webhook-Signature", "sha256=" + SIGNER.sign(timestamp, body))
        .putHeader("Authorization", "Bearer " + SECRET)
        .sendBuffer(body);
  }

  private static HttpRequest<Buffer> post(Buffer body) {
    return client.post("/webhook/vexa").putHeader("content-type", "application/json");
  }

  private static Object single(String sql) {
    return pg.query(sql).execute().await().iterator().next().getValue(0);
  }

  private static void await(Callable<Boolean> condition) {
    Await.until("the condition", Duration.ofSeconds(30), condition);
  }
}
