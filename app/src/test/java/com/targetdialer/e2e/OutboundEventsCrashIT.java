package com.targetdialer.e2e;

import com.targetdialer.config.DatabaseUrl;
import com.targetdialer.sim.vexa.BotScript;
import com.targetdialer.sim.vexa.VexaSimulator;
import com.targetdialer.testing.Await;
import com.targetdialer.testing.ServiceProcess;
import com.targetdialer.testing.SqlProbe;
import com.targetdialer.testing.Subscriber;
import com.targetdialer.testing.TestStores;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 of the service while events are written and in flight to a subscriber that does not answer:
 * after a restart on the same database the subscriber receives every event, in order, none missing,
 * and every meeting's last status change has its event.
 */
@ExtendWith(TestStores.class)
class OutboundEventsCrashIT {

  private static final String INTERNAL_KEY = "internal-key-for-tests-0123";
  private static final List<String> CODES = List.of("kil-lnin-eaa", "kil-lnin-ebb", "kil-lnin-ecc", "kil-lnin-edd", "kil-lnin-eee");

  @Test
  @DisplayName("after kill -9 and a restart, the subscriber receives every event once the service is back, in order, no gaps")
  void killNineLosesNoEvent(@TempDir Path workDir) throws Exception {
    DatabaseUrl database = TestStores.newMigratedDatabase();
    Vertx vertx = Vertx.vertx();
    VexaSimulator vexa = new VexaSimulator(0);
    vertx.deployVerticle(vexa).await();
    int port = ServiceProcess.freePort();
    Map<String, String> env = new HashMap<>(Map.of(
        "HTTP_PORT", String.valueOf(port),
        "DATABASE_URL", "postgresql://postgres@127.0.0.1:" + database.port() + "/" + database.database(),
        "REDIS_URL", TestStores.redis().value(),
        "REDIS_KEY_PREFIX", TestStores.newRedisPrefix(),
        "INTERNAL_API_KEY", INTERNAL_KEY,
        "VEXA_API_URL", vexa.baseUrl(),
        "VEXA_API_KEY", vexa.apiKey(),
        "PUBLIC_API_URL", "http://127.0.0.1:" + port));
    env.putAll(Map.of("EVENT_POLL_MS", "50", "EVENT_DELIVERY_TIMEOUT_MS", "1000", "EVENT_RETRY_SCHEDULE", "0s,200ms,500ms",
        "INBOX_CLAIM_IDLE_MS", "500", "HEALTH_SWEEP_INTERVAL_S", "1", "LIVE_RESYNC_INTERVAL_S", "1"));
    WebClient client = WebClient.create(vertx);
    Subscriber subscriber = new Subscriber(vertx);
    subscriber.mode(Subscriber.Mode.HANG); // every delivery before the kill is in flight, none accepted
    try (SqlProbe db = new SqlProbe(vertx, database)) {
      try (ServiceProcess first = ServiceProcess.start(workDir, env)) {
        first.awaitHttp("/ready", 200, Duration.ofSeconds(30));
        assertThat(client.post(port, "127.0.0.1", "/subscriptions").putHeader("Authorization", "Bearer " + INTERNAL_KEY)
            .sendJsonObject(new JsonObject().put("url", subscriber.url()).put("types", new JsonArray(List.of("meeting.scheduled",
                "meeting.cancelled", "bot.status", "meeting.outcome", "transcript.final", "alert")))).await().statusCode()).isEqualTo(201);
        for (String code : CODES) {
          vexa.script(code, BotScript.normal().segments(6).segmentInterval(Duration.ofMillis(400)));
          client.post(port, "127.0.0.1", "/dispatch/bot").putHeader("Authorization", "Bearer " + INTERNAL_KEY)
              .sendJsonObject(new JsonObject().put("vexa_meeting_id", code)).await();
        }
        Await.until("events written and a delivery in flight", Duration.ofSeconds(20), () ->
            db.count("SELECT count(*) FROM td_outbound_events") >= 12 && !subscriber.all().isEmpty());
        first.kill();
      }
      long beforeRestart = db.count("SELECT count(*) FROM td_outbound_events");
      assertThat(subscriber.accepted()).as("nothing accepted before the kill").isEmpty();

      subscriber.mode(Subscriber.Mode.OK);
      try (ServiceProcess second = ServiceProcess.start(workDir, env)) {
        second.awaitHttp("/ready", 200, Duration.ofSeconds(30));
        Await.until("every meeting finished and every event delivered", Duration.ofSeconds(90), () ->
            db.count("SELECT count(*) FROM td_meetings WHERE bot_status NOT IN ('completed', 'failed')") == 0
                && db.count("SELECT count(*) FROM td_outbound_events WHERE seq IS NULL") == 0
                && distinctSeqs(subscriber).size() == db.count("SELECT count(*) FROM td_outbound_events"));
        long total = db.count("SELECT count(*) FROM td_outbound_events");
        assertThat(total).isGreaterThanOrEqualTo(beforeRestart);
        assertThat(distinctSeqs(subscriber)).as("first arrivals: every seq once, in order")
            .containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
        // A change is never recorded without its event: each meeting's status is its last bot.status.
        for (Row meeting : db.rows("SELECT id, bot_status FROM td_meetings")) {
          List<Row> statuses = db.rows("SELECT data ->> 'status' AS status FROM td_outbound_events WHERE type = 'bot.status' AND meeting_id = $1 "
              + "ORDER BY seq", meeting.getLong("id"));
          assertThat(statuses.get(statuses.size() - 1).getString("status")).isEqualTo(meeting.getString("bot_status"));
        }
      }
    } finally {
      subscriber.close();
      client.close();
      vertx.close().await();
    }
  }

  /** The seqs in order of first arrival (a delivery in flight at the kill may legitimately arrive twice). */
  private static List<Long> distinctSeqs(Subscriber subscriber) {
    return new ArrayList<>(new LinkedHashSet<>(subscriber.acceptedSeqs()));
  }
}
