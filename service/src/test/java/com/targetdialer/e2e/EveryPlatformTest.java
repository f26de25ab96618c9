package com.targetdialer.e2e;

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
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The capture pipeline for every platform Vexa joins, against the Vexa simulator: dispatch by the call's link,
 * the passcode delivered to the bot and nowhere else, the transcript stored live and completed by the backfill.
 */
@ExtendWith(TestStores.class)
class EveryPlatformTest {

  private static final String INTERNAL_KEY = "internal-key-for-tests-0123";
  private static final String UI_TOKEN = "ui-token-for-tests-0123456";

  private static Vertx vertx;
  private static VexaSimulator vexa;
  private static TargetDialer service;
  private static WebClient client;
  private static SqlProbe db;
  private static LogCapture logs;

  @BeforeAll
  static void start() throws Exception {
    logs = new LogCapture("com.targetdialer");
    vertx = Vertx.vertx();
    vexa = new VexaSimulator(0).setJitsiHosts("jitsi.acme.io");
    vertx.deployVerticle(vexa).await();
    DatabaseUrl database = TestStores.newDatabase();
    int port = ServiceProcess.freePort();
    Map<String, String> env = RunningService.useVexa(RunningService.env(database, TestStores.redis()), vexa);
    env.put("HTTP_PORT", String.valueOf(port));
    env.put("PUBLIC_API_URL", "http://127.0.0.1:" + port);
    env.put("INTERNAL_API_KEY", INTERNAL_KEY);
    env.put("UI_TOKEN", UI_TOKEN);
    env.put("ENABLED_PLATFORMS", "google_meet,zoom,teams,jitsi");
    env.put("JITSI_HOSTS", "jitsi.acme.io");
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    env.put("TD_ENCRYPTION_KEY", Base64.getEncoder().encodeToString(key));
    service = RunningService.start(env);
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
    db = new SqlProbe(vertx, database);
    // Vexa's webhooks bring its reasons; without them the ledger holds a verdict up to a minute.
    Await.until("webhook registered with Vexa", Duration.ofSeconds(10), () -> client.getAbs(vexa.baseUrl() + "/user/webhook")
        .putHeader("X-API-Key", vexa.apiKey()).send().await().bodyAsJsonObject().getString("webhook_url") != null);
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
    logs.close();
  }

  @ParameterizedTest(name = "{0}")
  @DisplayName("a call dispatched by its link is joined with its passcode, transcribed live, completed by the backfill and captured")
  @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
      Google Meet          | https://meet.google.com/pqr-stuv-wxy                            | -            | google_meet | pqr-stuv-wxy
      Zoom with passcode   | https://us02web.zoom.us/j/85512345678?pwd=Zs3cr3tPwd1            | -            | zoom        | 85512345678
      Teams short link     | https://teams.live.com/meet/9384756102938?p=Tm5ecretP           | -            | teams       | 9384756102938
      Teams meetup-join    | https://teams.microsoft.com/l/meetup-join/19%3ameeting_ZTk4YjQ1%40thread.v2/0?context=%7b%22Tid%22%3a%22t1%22%7d | - | teams | 19:meeting_ZTk4YjQ1@thread.v2
      Jitsi, own host      | https://jitsi.acme.io/sales-sync                                | J1tsiRoomPw  | jitsi       | sales-sync@jitsi.acme.io
      """)
  void capturedOnEveryPlatform(String name, String url, String explicitPasscode, String platform, String nativeId) {
    String passcode = explicitPasscode != null ? explicitPasscode : passcodeIn(url);
    BotScript script = BotScript.normal().segments(4).withRetract(); // on Teams: a retract, then the speaker's snapshot without it
    vexa.script(nativeId, passcode == null ? script : script.requirePasscode(passcode));

    JsonObject body = new JsonObject().put("meeting_url", url).put("title", name + " (" + url + ")"); // a title may quote the link
    if (explicitPasscode != null) {
      body.put("passcode", explicitPasscode);
    }
    HttpResponse<Buffer> response = dispatch(body);

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    long meetingId = response.bodyAsJsonObject().getLong("meeting_id");
    assertThat(vexa.spawnedPasscode(platform, nativeId)).as("the bot got the passcode").isEqualTo(passcode);
    Await.until(name + " completed and backfilled", Duration.ofSeconds(40), () ->
        "completed".equals(db.value("SELECT bot_status FROM td_meetings WHERE id = $1", meetingId))
            && db.count("SELECT count(*) FROM td_bot_sessions WHERE meeting_id = $1 AND backfilled_at IS NOT NULL", meetingId) == 1);
    long vexaId = ((Number) db.value("SELECT vexa_meeting_id FROM td_bot_sessions WHERE meeting_id = $1", meetingId)).longValue();
    Map<String, String> finalTranscript = new TreeMap<>();
    vexa.transcript(vexaId).getJsonArray("segments").forEach(item ->
        finalTranscript.put(((JsonObject) item).getString("segment_id"), ((JsonObject) item).getString("text")));
    assertThat(finalTranscript).hasSize(4);
    assertThat(stored(meetingId)).isEqualTo(finalTranscript);
    assertThat(db.count("SELECT count(*) FROM td_transcript_segments WHERE meeting_id = $1 AND NOT retracted AND NOT completed", meetingId))
        .as("no draft left behind").isZero();
    Await.until(name + " judged captured", Duration.ofSeconds(30),
        () -> "captured".equals(db.value("SELECT outcome FROM td_meetings WHERE id = $1", meetingId)));

    JsonObject meeting = api("/api/meetings/" + meetingId).bodyAsJsonObject();
    assertThat(meeting.getString("platform")).isEqualTo(platform);
    assertThat(meeting.getString("native_meeting_id")).isEqualTo(nativeId);
    assertThat(meeting.getString("meeting_url")).startsWith("https://");
    if (passcode != null) {
      assertThat(db.value("SELECT passcode_enc FROM td_meetings WHERE id = $1", meetingId)).as("sealed").isNotNull();
      assertNowhere(passcode, meetingId);
    }
  }

  @Test
  @DisplayName("Teams speaker snapshots replace a speaker's drafts while the call goes on; elsewhere a dropped draft waits for the end")
  void teamsSnapshotsReplaceDrafts() {
    BotScript superseding = BotScript.normal().segments(3).supersedeDrafts().untilStopped();
    vexa.script("9384756100001", superseding);
    vexa.script("85512300001", superseding);

    long teams = dispatch(new JsonObject().put("meeting_url", "https://teams.live.com/meet/9384756100001")).bodyAsJsonObject().getLong("meeting_id");
    long zoom = dispatch(new JsonObject().put("meeting_url", "https://zoom.us/j/85512300001")).bodyAsJsonObject().getLong("meeting_id");
    String confirmed = "SELECT count(*) FROM td_transcript_segments WHERE meeting_id = $1 AND completed AND NOT retracted";
    String lingering = "SELECT count(*) FROM td_transcript_segments WHERE meeting_id = $1 AND NOT completed AND NOT retracted";
    Await.until("all said on both calls", Duration.ofSeconds(20), () -> db.count(confirmed, teams) == 3 && db.count(confirmed, zoom) == 3);

    assertThat(db.value("SELECT bot_status FROM td_meetings WHERE id = $1", teams)).as("still in the call").isEqualTo("active");
    assertThat(db.count(lingering, zoom)).as("dropped drafts linger without a snapshot").isEqualTo(3);
    assertThat(db.count(lingering, teams)).as("each snapshot withdrew the draft it no longer held").isZero();
    assertThat(db.count("SELECT count(*) FROM td_transcript_segments WHERE meeting_id = $1 AND retracted", teams)).isEqualTo(3);
    assertThat(vexa.endMeeting("9384756100001")).isTrue();
    assertThat(vexa.endMeeting("85512300001")).isTrue();
    Await.until("the dropped drafts go when the call ends", Duration.ofSeconds(30), () -> db.count(lingering, zoom) == 0);
  }

  @Test
  @DisplayName("a wrong passcode fails the bot while joining, and the reason is kept without the passcode in it")
  void wrongPasscode() {
    vexa.script("81234567890", BotScript.normal().requirePasscode("TheRightOne9"));

    HttpResponse<Buffer> response = dispatch(new JsonObject().put("meeting_url", "https://zoom.us/j/81234567890?pwd=Wr0ngGuess77"));

    long meetingId = response.bodyAsJsonObject().getLong("meeting_id");
    Await.until("the bot failed", Duration.ofSeconds(30), () -> "failed".equals(db.value("SELECT bot_status FROM td_meetings WHERE id = $1", meetingId)));
    assertNowhere("Wr0ngGuess77", meetingId);
  }

  @Test
  @DisplayName("dispatch by link: a platform not enabled, http, an unparseable link, a disagreeing platform → 400 naming the problem, no bot")
  void badLinks() {
    assertBadRequest(new JsonObject().put("meeting_url", "http://zoom.us/j/85512345678"), "https");
    assertBadRequest(new JsonObject().put("meeting_url", "https://zoom.us/pricing"), "not a link to a Google Meet, Zoom, Teams or Jitsi call");
    assertBadRequest(new JsonObject().put("meeting_url", "https://jitsi.elsewhere.org/room"), "JITSI_HOSTS");
    assertBadRequest(new JsonObject().put("meeting_url", "https://zoom.us/j/85599999999").put("platform", "teams"), "disagrees");
    assertBadRequest(new JsonObject().put("vexa_meeting_id", "85599999999").put("platform", "zoom"), "zoom needs a meeting_url");
    HttpResponse<Buffer> secretInError = dispatch(new JsonObject().put("meeting_url", "https://zoom.us/pricing?pwd=N0tInErr0rs"));
    assertThat(secretInError.bodyAsString()).doesNotContain("N0tInErr0rs");
    assertThat(vexa.botsStarted("85599999999")).isZero();
  }

  private static void assertBadRequest(JsonObject body, String detail) {
    HttpResponse<Buffer> response = dispatch(body);
    assertThat(response.statusCode()).as(body.encode()).isEqualTo(400);
    assertThat(response.bodyAsJsonObject().getString("detail")).contains(detail);
  }

  /** The passcode is in no log line, no API answer and no stored column but the sealed one. */
  private static void assertNowhere(String passcode, long meetingId) {
    assertThat(logs.lines()).as("log lines").isNotEmpty().noneMatch(line -> line.contains(passcode));
    assertThat(api("/api/meetings?limit=500").bodyAsString()).doesNotContain(passcode);
    assertThat(api("/api/meetings/" + meetingId).bodyAsString()).doesNotContain(passcode);
    assertThat(api("/api/coverage").bodyAsString()).doesNotContain(passcode);
    assertThat(db.rows("SELECT to_jsonb(m) - 'passcode_enc' AS row FROM td_meetings m WHERE id = $1", meetingId).get(0).getValue("row").toString())
        .doesNotContain(passcode);
    assertThat(db.count("SELECT count(*) FROM td_meeting_events WHERE meeting_id = $1 AND detail::text LIKE '%' || $2 || '%'", meetingId, passcode))
        .isZero();
    assertThat(db.count("SELECT count(*) FROM td_dead_letters WHERE raw_body LIKE '%' || $1 || '%' OR error LIKE '%' || $1 || '%'", passcode))
        .isZero();
  }

  private static String passcodeIn(String url) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("[?&](?:pwd|p)=([^&]+)").matcher(url);
    return m.find() ? m.group(1) : null;
  }

  private static HttpResponse<Buffer> dispatch(JsonObject body) {
    return client.post("/dispatch/bot").putHeader("Authorization", "Bearer " + INTERNAL_KEY).sendJsonObject(body).await();
  }

  private static HttpResponse<Buffer> api(String path) {
    return client.get(path).putHeader("Authorization", "Bearer " + UI_TOKEN).send().await();
  }

  private static Map<String, String> stored(long meetingId) {
    return db.rows("SELECT segment_key, text FROM td_transcript_segments WHERE meeting_id = $1 AND NOT retracted", meetingId).stream()
        .collect(Collectors.toMap(row -> row.getString("segment_key"), row -> row.getString("text"), (a, b) -> a, TreeMap::new));
  }
}
