package com.targetdialer.e2e;

import com.targetdialer.testing.InboxProbe;
import com.targetdialer.config.DatabaseUrl;
import com.targetdialer.testing.Await;
import com.targetdialer.testing.ServiceProcess;
import com.targetdialer.testing.SqlProbe;
import com.targetdialer.testing.TestStores;
import com.targetdialer.vexa.WebhookSignature;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** kill -9 between webhook acceptance and persistence loses nothing and applies nothing twice. */
@ExtendWith(TestStores.class)
class CrashRecoveryIT {

  private static final String SECRET = "crash-test-webhook-secret-01";
  private static final int PAYLOADS = 200;
  private static final int SEGMENTS_PER_PAYLOAD = 5;

  @Test
  @DisplayName("after kill -9 and a restart, every accepted webhook is applied exactly once")
  void killNineLosesNothing(@TempDir Path workDir) throws Exception {
    DatabaseUrl database = TestStores.newMigratedDatabase();
    int port = ServiceProcess.freePort();
    Map<String, String> env = new HashMap<>(Map.of(
        "HTTP_PORT", String.valueOf(port),
        "DATABASE_URL", "postgresql://postgres@127.0.0.1:" + database.port() + "/" + database.database(),
        "REDIS_URL", TestStores.redis().value(),
        "REDIS_KEY_PREFIX", TestStores.newRedisPrefix(),
        "VEXA_WEBHOOK_SECRET", SECRET,
        "INBOX_CLAIM_IDLE_MS", "500",
        "INBOX_MAX_ATTEMPTS", "100"));
    Vertx vertx = Vertx.vertx();
    WebClient client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
    try (SqlProbe db = new SqlProbe(vertx, database)) {
      // One meeting exists, so some of its webhooks may be applied before the kill; the other's
      // row only appears after the kill, so all of its webhooks are accepted but not applied.
      long early = insertMeeting(db, "aaa-bbbb-ccc");

      try (ServiceProcess first = ServiceProcess.start(workDir, env)) {
        first.awaitHttp("/ready", 200, Duration.ofSeconds(20));
        List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
        for (int i = 0; i < PAYLOADS; i++) {
          sent.add(post(client, payload(i % 2 == 0 ? "aaa-bbbb-ccc" : "ddd-eeee-fff", i)));
        }
        Future.join(sent).await();
        sent.forEach(response -> assertThat(response.result().statusCode()).as("accepted").isEqualTo(200));
        first.kill();
      }
      long late = insertMeeting(db, "ddd-eeee-fff");
      assertThat(db.count("SELECT count(*) FROM td_transcript_segments WHERE meeting_id = $1", late)).isZero();

      try (ServiceProcess second = ServiceProcess.start(workDir, env)) {
        second.awaitHttp("/ready", 200, Duration.ofSeconds(20));
        long expectedEach = (long) PAYLOADS / 2 * SEGMENTS_PER_PAYLOAD;
        Await.until("every accepted segment stored", Duration.ofSeconds(30), () ->
            db.count("SELECT count(*) FROM td_transcript_segments WHERE meeting_id = $1", early) == expectedEach
                && db.count("SELECT count(*) FROM td_transcript_segments WHERE meeting_id = $1", late) == expectedEach);
        try (InboxProbe inbox = new InboxProbe(vertx, TestStores.redis(), env.get("REDIS_KEY_PREFIX"))) {
          Await.until("the inbox drained: anything applied twice has been", Duration.ofSeconds(30), () -> inbox.length() == 0);
        }
        for (long meeting : List.of(early, late)) {
          assertThat(db.count("SELECT count(*) FROM td_transcript_segments WHERE meeting_id = $1", meeting)).isEqualTo(expectedEach);
          assertThat(db.count("SELECT segment_count FROM td_meetings WHERE id = $1", meeting)).as("counted once").isEqualTo(expectedEach);
        }
        assertThat(db.count("SELECT count(*) FROM td_dead_letters")).isZero();
      }
    } finally {
      client.close();
      vertx.close().await();
    }
  }

  private static long insertMeeting(SqlProbe db, String code) {
    return ((Number) db.value("INSERT INTO td_meetings (native_meeting_id, scheduled_start, bot_status) VALUES ($1, now(), 'active') RETURNING id", code)).longValue();
  }

  private static Buffer payload(String code, int index) {
    JsonArray segments = new JsonArray();
    Instant base = Instant.parse("2026-11-26T10:00:00Z").plusSeconds(index * 60L);
    for (int s = 0; s < SEGMENTS_PER_PAYLOAD; s++) {
      segments.add(new JsonObject().put("segment_id", "p" + index + "-s" + s).put("speaker", "Speaker " + s)
          .put("text", "payload " + index + " segment " + s).put("completed", true)
          .put("absolute_start_time", base.plusSeconds(s * 5L).toString()));
    }
    return new JsonObject().put("platform", "google_meet").put("native_meeting_id", code).put("segments", segments).toBuffer();
  }

  private static Future<HttpResponse<Buffer>> post(WebClient client, Buffer body) {
    String timestamp = String.valueOf(System.currentTimeMillis() / 1000);
    return client.post("/webhook/vexa")
        .putHeader("X-Webhook-Timestamp", timestamp)
        .putHeader("X-Webhook-Signature", "sha256=" + new WebhookSignature(SECRET, 300).sign(timestamp, body))
        .sendBuffer(body);
  }
}
