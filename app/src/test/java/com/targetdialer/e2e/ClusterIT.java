package com.targetdialer.e2e;

import com.targetdialer.config.DatabaseUrl;
import com.targetdialer.sim.google.GoogleCalendarSimulator;
import com.targetdialer.sim.google.MeetEvent;
import com.targetdialer.sim.vexa.BotScript;
import com.targetdialer.sim.vexa.VexaSimulator;
import com.targetdialer.testing.Await;
import com.targetdialer.testing.InboxProbe;
import com.targetdialer.testing.RunningService;
import com.targetdialer.testing.ServiceProcess;
import com.targetdialer.testing.SqlProbe;
import com.targetdialer.testing.TestStores;
import com.targetdialer.vexa.WebhookSignature;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three clustered nodes, each a real process of the packaged jar, on one Postgres and one Redis,
 * with the Vexa simulator. Nodes are killed with SIGKILL along the way, so the order matters.
 */
@ExtendWith(TestStores.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

  private static final String INTERNAL_KEY = "internal-key-for-cluster-01";
  private static final String UI_TOKEN = "ui-token-for-cluster-test-01";
  private static final String SECRET = "webhook-secret-for-cluster-01";

  private static final String ENCRYPTION_KEY = java.util.Base64.getEncoder().encodeToString(new byte[32]);

  private static Vertx vertx;
  private static String redisPrefix;
  private static VexaSimulator vexa;
  private static GoogleCalendarSimulator google;
  private static SqlProbe db;
  private static WebClient client;
  private static final List<Node> nodes = new ArrayList<>();

  /** One running node: its process, HTTP port and cluster node id. */
  record Node(ServiceProcess process, int httpPort, String nodeId) {
  }

  @BeforeAll
  static void startCluster() throws Exception {
    vertx = Vertx.vertx();
    vexa = new VexaSimulator(0);
    vertx.deployVerticle(vexa).await();
    google = new GoogleCalendarSimulator(0);
    vertx.deployVerticle(google).await();
    client = WebClient.create(vertx);
    DatabaseUrl database = TestStores.newMigratedDatabase();
    db = new SqlProbe(vertx, database);
    String prefix = TestStores.newRedisPrefix();
    redisPrefix = prefix;
    // Free Hazelcast ports, distinct from each other: a fixed range may be taken on a CI machine.
    List<Integer> clusterPorts = new ArrayList<>();
    while (clusterPorts.size() < 3) {
      int port = ServiceProcess.freePort();
      if (!clusterPorts.contains(port)) {
        clusterPorts.add(port);
      }
    }
    String members = String.join(",", clusterPorts.stream().map(port -> "127.0.0.1:" + port).toList());
    List<ServiceProcess> processes = new ArrayList<>();
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      int httpPort = ServiceProcess.freePort();
      Map<String, String> env = new HashMap<>();
      env.put("HTTP_PORT", String.valueOf(httpPort));
      env.put("DATABASE_URL", "postgresql://postgres@127.0.0.1:" + database.port() + "/" + database.database());
      env.put("REDIS_URL", TestStores.redis().value());
      env.put("REDIS_KEY_PREFIX", prefix);
      env.put("CLUSTER", "true");
      env.put("CLUSTER_PORT", String.valueOf(clusterPorts.get(i)));
      env.put("CLUSTER_MEMBERS", members);
      env.put("EVENTBUS_PORT", "0");
      env.put("INTERNAL_API_KEY", INTERNAL_KEY);
      env.put("UI_TOKEN", UI_TOKEN);
      env.put("VEXA_WEBHOOK_SECRET", SECRET);
      RunningService.useVexa(env, vexa);
      env.put("HEALTH_SWEEP_INTERVAL_S", "1");
      env.put("DEAF_TIMEOUT_S", "3");
      env.put("LIVE_RESYNC_INTERVAL_S", "2");
      env.put("INBOX_CLAIM_IDLE_MS", "1000");
      env.put("INBOX_MAX_ATTEMPTS", "100");
      env.put("TD_ENCRYPTION_KEY", ENCRYPTION_KEY);
      env.put("GOOGLE_CALENDAR_BASE_URL", google.calendarBaseUrl());
      env.put("GOOGLE_TOKEN_URI", google.tokenUri());
      env.put("DISPATCH_LEAD_S", "2");
      env.put("CALENDAR_POLL_INTERVAL_S", "1");
      processes.add(ServiceProcess.start(Files.createTempDirectory("td-node"), env));
      ports.add(httpPort);
    }
    for (int i = 0; i < 3; i++) {
      JsonObject ready = new JsonObject(processes.get(i).awaitHttp("/ready", 200, Duration.ofSeconds(60)));
      nodes.add(new Node(processes.get(i), ports.get(i), ready.getJsonObject("cluster").getString("node_id")));
    }
    Await.until("all three nodes see each other", Duration.ofSeconds(30), () -> nodes.stream().allMatch(node ->
        health(node).getJsonObject("cluster").getJsonArray("members").size() == 3));
  }

  @AfterAll
  static void stopCluster() throws Exception {
    for (Node node : nodes) {
      node.process().close();
    }
    if (db != null) {
      db.close();
    }
    vertx.close().await();
  }

  @Test
  @Order(1)
  @DisplayName("/health and /ready report the cluster's members")
  void membership() {
    JsonObject health = health(nodes.get(1));
    assertThat(health.getJsonObject("cluster").getBoolean("clustered")).isTrue();
    assertThat(health.getJsonObject("cluster").getJsonArray("members")).containsExactlyInAnyOrderElementsOf(
        nodes.stream().map(Node::nodeId).toList());
  }

  @Test
  @Order(2)
  @DisplayName("a meeting on calendars synced by every node at the same instant is dispatched once")
  void calendarMeetingDispatchedOnce() {
    String code = "cal-enda-ron";
    vexa.script(code, BotScript.normal().skipLobby().segments(1));
    Instant start = Instant.now().plusSeconds(6).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    List<Future<HttpResponse<Buffer>>> connected = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String user = "user" + i + "@cluster.test";
      google.addUser(user);
      google.putEvent(user, MeetEvent.meet(code, start, start.plusSeconds(1800)).summary("Shared meeting").json());
      JsonObject credentials = new JsonObject().put("type", "authorized_user").put("client_id", "cluster-test")
          .put("client_secret", "cluster-test-secret").put("refresh_token", google.issueRefreshToken(user));
      // Each node is handed one of the three calendars at once, and all of them poll every second.
      connected.add(client.post(nodes.get(i).httpPort(), "127.0.0.1", "/calendars").putHeader("Authorization", "Bearer " + INTERNAL_KEY)
          .sendJsonObject(new JsonObject().put("id", user).put("credentials", credentials)));
    }
    Future.join(connected).await();
    connected.forEach(response -> assertThat(response.result().statusCode()).as(response.result().bodyAsString()).isEqualTo(201));

    Await.until("the shared meeting's bot has joined", Duration.ofSeconds(30), () -> vexa.botsStarted(code) >= 1
        && "completed".equals(db.value("SELECT bot_status FROM td_meetings WHERE native_meeting_id = $1", code)));
    assertThat(vexa.botsStarted(code)).isEqualTo(1);
    assertThat(db.count("SELECT count(*) FROM td_meetings WHERE native_meeting_id = $1", code)).isEqualTo(1);
    assertThat(db.count("SELECT count(*) FROM td_calendar_events WHERE meeting_id = (SELECT id FROM td_meetings WHERE native_meeting_id = $1)", code))
        .isEqualTo(3);
  }

  @Test
  @Order(3)
  @DisplayName("webhooks posted round-robin to all nodes are each applied once")
  void roundRobinWebhooks() {
    long meetingId = meeting("rou-ndro-bin");
    List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
    for (int i = 0; i < 90; i++) {
      sent.add(postWebhook(nodes.get(i % 3), segments("rou-ndro-bin", i, 4)));
      sent.add(postWebhook(nodes.get((i + 1) % 3), segments("rou-ndro-bin", i, 4))); // and every one again elsewhere
    }
    Future.join(sent).await();
    sent.forEach(response -> assertThat(response.result().statusCode()).isEqualTo(200));

    Await.until("all applied", Duration.ofSeconds(30), () -> db.count("SELECT segment_count FROM td_meetings WHERE id = $1", meetingId) == 360);
    assertThat(db.count("SELECT count(*) FROM td_transcript_segments WHERE meeting_id = $1", meetingId)).isEqualTo(360);
  }

  @Test
  @Order(4)
  @DisplayName("a deaf bot is restarted once by the cluster")
  void deafBotRestartedOnce() {
    String code = "clu-ster-def";
    vexa.script(code, BotScript.deaf().skipLobby(), BotScript.normal().skipLobby().segments(2));

    long meetingId = dispatch(nodes.get(0), code);

    Await.until("restarted and completed", Duration.ofSeconds(60), () ->
        "completed".equals(db.value("SELECT bot_status FROM td_meetings WHERE id = $1", meetingId)));
    assertThat(db.count("SELECT restart_count FROM td_meetings WHERE id = $1", meetingId)).isEqualTo(1);
    assertThat(vexa.botsStarted(code)).isEqualTo(2);
    assertThat(db.count("SELECT count(*) FROM td_meeting_events WHERE meeting_id = $1 AND type = 'deaf_bot'", meetingId)).isEqualTo(1);
  }

  @Test
  @Order(5)
  @DisplayName("a bridge client on one node gets the live segments that another node persisted")
  void liveUpdatesCrossNodes() {
    String code = "cro-ssno-des";
    vexa.script(code, BotScript.normal().skipLobby().segments(6).firstSegmentDelay(Duration.ofSeconds(2))
        .segmentInterval(Duration.ofMillis(400)).noEdits());
    long meetingId = dispatch(nodes.get(0), code);
    String holder = awaitLeaseHolder(meetingId, null);
    Node elsewhere = nodes.stream().filter(node -> !node.nodeId().equals(holder)).findFirst().orElseThrow();

    List<JsonObject> frames = new CopyOnWriteArrayList<>();
    WebSocket socket = vertx.createWebSocketClient().connect(new WebSocketConnectOptions().setHost("127.0.0.1")
        .setPort(elsewhere.httpPort()).setURI("/eventbus/websocket?token=" + UI_TOKEN)).await();
    socket.handler(data -> frames.add(data.toJsonObject()));
    socket.writeTextMessage(new JsonObject().put("type", "register").put("address", "transcript.live." + meetingId).encode());

    Await.until("live segments on another node's bridge", Duration.ofSeconds(30), () ->
        frames.stream().filter(frame -> "rec".equals(frame.getString("type")))
            .map(frame -> frame.getJsonObject("body").getString("segment_key")).distinct().count() == 6);
    socket.close();
  }

  @Test
  @Order(6)
  @DisplayName("a node killed mid-ingest loses nothing: the others finish its pending inbox entries")
  void killedNodeLosesNothing() throws Exception {
    // The meeting row appears only after the kill: until then no node can apply these entries, so
    // every consumer, the killed one included, holds some of them as pending.
    List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      sent.add(postWebhook(nodes.get(i % 3), segments("kil-ledn-ode", i, 2)));
    }
    Future.join(sent).await();
    sent.forEach(response -> assertThat(response.result().statusCode()).isEqualTo(200));
    try (InboxProbe inbox = new InboxProbe(vertx, TestStores.redis(), redisPrefix)) {
      Await.until("every entry read and held as pending", Duration.ofSeconds(20), () -> inbox.pending() == 120);
    }
    Node victim = nodes.remove(2);
    victim.process().kill();

    long meetingId = meeting("kil-ledn-ode");
    Await.until("every accepted entry applied by the survivors", Duration.ofSeconds(60), () ->
        db.count("SELECT count(*) FROM td_transcript_segments WHERE meeting_id = $1", meetingId) == 240);
    assertThat(db.count("SELECT segment_count FROM td_meetings WHERE id = $1", meetingId)).isEqualTo(240);
    assertThat(db.count("SELECT count(*) FROM td_dead_letters")).isZero();
  }

  @Test
  @Order(7)
  @DisplayName("killing the node that follows a meeting moves the live stream to another node, with no hole in the transcript")
  void liveStreamMovesOnNodeDeath() throws Exception {
    String code = "mov-esli-ves";
    vexa.script(code, BotScript.normal().skipLobby().segments(60).segmentInterval(Duration.ofMillis(500)).noEdits().untilStopped());
    long meetingId = dispatch(nodes.get(0), code);
    String holder = awaitLeaseHolder(meetingId, null);
    Await.until("speaking", Duration.ofSeconds(20), () -> db.count("SELECT segment_count FROM td_meetings WHERE id = $1", meetingId) >= 3);

    Node victim = nodes.stream().filter(node -> node.nodeId().equals(holder)).findFirst().orElseThrow();
    nodes.remove(victim);
    victim.process().kill();
    Instant killedAt = Instant.now();

    String newHolder = awaitLeaseHolder(meetingId, holder);
    assertThat(Duration.between(killedAt, Instant.now())).isLessThan(Duration.ofSeconds(30));
    assertThat(newHolder).isIn(nodes.stream().map(Node::nodeId).toList());

    // Without backfill (the bot is still in the call), everything Vexa has is in our table.
    long vexaId = ((Number) db.value("SELECT vexa_meeting_id FROM td_bot_sessions WHERE meeting_id = $1", meetingId)).longValue();
    Await.until("no hole: every segment Vexa has so far is stored", Duration.ofSeconds(20), () -> {
      Set<String> vexaKeys = vexa.transcript(vexaId).getJsonArray("segments").stream()
          .map(segment -> ((JsonObject) segment).getString("segment_id")).collect(Collectors.toSet());
      Set<String> ours = db.rows("SELECT segment_key FROM td_transcript_segments WHERE meeting_id = $1 AND NOT retracted", meetingId)
          .stream().map(row -> row.getString("segment_key")).collect(Collectors.toSet());
      return vexaKeys.size() > 3 && ours.containsAll(vexaKeys);
    });
    assertThat(db.value("SELECT bot_status FROM td_meetings WHERE id = $1", meetingId)).isEqualTo("active");
  }

  private static String awaitLeaseHolder(long meetingId, String notThisOne) {
    String[] holder = new String[1];
    Await.until("a live lease for meeting " + meetingId, Duration.ofSeconds(40), () -> {
      holder[0] = (String) db.value("SELECT holder FROM td_live_leases WHERE meeting_id = $1 AND expires_at > now()", meetingId);
      return holder[0] != null && !holder[0].equals(notThisOne);
    });
    return holder[0];
  }

  private static long meeting(String code) {
    return ((Number) db.value("INSERT INTO td_meetings (native_meeting_id, scheduled_start, bot_status) VALUES ($1, now(), 'active') RETURNING id", code)).longValue();
  }

  private static long dispatch(Node node, String code) {
    HttpResponse<Buffer> response = client.post(node.httpPort(), "127.0.0.1", "/dispatch/bot")
        .putHeader("Authorization", "Bearer " + INTERNAL_KEY).sendJsonObject(new JsonObject().put("vexa_meeting_id", code)).await();
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject().getLong("meeting_id");
  }

  private static JsonObject health(Node node) {
    return client.get(node.httpPort(), "127.0.0.1", "/health").send().await().bodyAsJsonObject();
  }

  private static Buffer segments(String code, int index, int count) {
    JsonArray segments = new JsonArray();
    for (int s = 0; s < count; s++) {
      segments.add(new JsonObject().put("segment_id", code + "-" + index + "-" + s).put("speaker", "S" + s)
          .put("text", "payload " + index + " segment " + s).put("completed", true)
          .put("absolute_start_time", Instant.parse("2026-11-26T10:00:00Z").plusSeconds(index * 10L + s).toString()));
    }
    return new JsonObject().put("native_meeting_id", code).put("segments", segments).toBuffer();
  }

  private static Future<HttpResponse<Buffer>> postWebhook(Node node, Buffer body) {
    String timestamp = String.valueOf(System.currentTimeMillis() / 1000);
    return client.post(node.httpPort(), "127.0.0.1", "/webhook/vexa")
        .putHeader("X-Webhook-Timestamp", timestamp)
        .putHeader("X-Webhook-Signature", "sha256=" + new WebhookSignature(SECRET, 300).sign(timestamp, body))
        .sendBuffer(body);
  }
}
