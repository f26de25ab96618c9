package com.targetdialer.ledger;

import com.targetdialer.config.ConfigLoader;
import com.targetdialer.config.Settings;
import com.targetdialer.store.Backends;
import com.targetdialer.testing.Await;
import com.targetdialer.testing.TestStores;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The ledger's sweep at scale: more meetings in calls than one sweep judges, and long transcripts. */
@ExtendWith(TestStores.class)
class LedgerSweepTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  @DisplayName("with more live meetings than a sweep takes, every one is judged in turn, the longest unjudged first")
  void everyMeetingInTurn() {
    Backends backends = freshBackends();
    Pool pg = backends.pgPool(vertx);
    // More than two sweeps' worth (500 each) of meetings whose bots are in their calls.
    pg.query("""
        INSERT INTO td_meetings (native_meeting_id, scheduled_start, scheduled_end, bot_status, bot_active_at)
        SELECT 'swe-epxx-' || i, now() - interval '10 minutes', now() + interval '50 minutes', 'active', now() - interval '9 minutes'
        FROM generate_series(1, 1200) AS i
        """).execute().await();
    Settings settings = Settings.from(ConfigLoader.load(vertx, null, Map.of("LEDGER_SWEEP_INTERVAL_S", "1")).await());
    vertx.deployVerticle(new LedgerVerticle(settings, backends, new SimpleMeterRegistry(), Clock.systemUTC())).await();

    Await.until("every live meeting judged", Duration.ofSeconds(60), () ->
        pg.query("SELECT count(*) FROM td_meetings WHERE assessed_at IS NULL").execute().await().iterator().next().getLong(0) == 0);
  }

  @Test
  @DisplayName("judging a meeting reads its transcript only for a bot judged deaf (the sweep judges every live meeting, often)")
  void transcriptReadOnlyForDeafBots() {
    Pool pg = freshBackends().pgPool(vertx);
    // Two meetings in calls, each bot with 300 segments said; the second bot was judged deaf.
    pg.query("""
        INSERT INTO td_meetings (native_meeting_id, scheduled_start, bot_status, bot_active_at)
        VALUES ('liv-eliv-one', now() - interval '10 minutes', 'active', now() - interval '9 minutes'),
               ('dea-fdea-two', now() - interval '10 minutes', 'active', now() - interval '9 minutes')
        """).execute().await();
    pg.query("""
        INSERT INTO td_bot_sessions (meeting_id, attempt, session_uid, status, active_at)
        SELECT id, 1, 'uid-' || native_meeting_id, 'active', now() - interval '9 minutes' FROM td_meetings
        """).execute().await();
    pg.query("""
        INSERT INTO td_transcript_segments (meeting_id, segment_key, session_uid, text, absolute_start_time, absolute_end_time, completed)
        SELECT m.id, 'k' || i, 'uid-' || m.native_meeting_id, 'said ' || i,
               now() - interval '9 minutes' + i * interval '1 second', now() - interval '9 minutes' + (i + 1) * interval '1 second', true
        FROM td_meetings m, generate_series(1, 300) AS i
        """).execute().await();
    pg.query("""
        INSERT INTO td_meeting_events (meeting_id, seq, type, level, detail)
        SELECT id, 1, 'deaf_bot', 'alert', '{"attempt": 1}' FROM td_meetings WHERE native_meeting_id = 'dea-fdea-two'
        """).execute().await();
    long live = meetingId(pg, "liv-eliv-one");
    long deaf = meetingId(pg, "dea-fdea-two");

    assertEquals(0, transcriptScans(pg, live), "a live bot's transcript is not read");
    assertNull(sessionRow(pg, live).getValue("last_heard"));
    assertEquals(1, transcriptScans(pg, deaf), "a deaf bot's last segment is looked up");
    assertNotNull(sessionRow(pg, deaf).getValue("last_heard"));
  }

  /** Stores of its own for each test: a new database, a new Redis prefix. */
  private static Backends freshBackends() {
    return new Backends(TestStores.newMigratedDatabase(), TestStores.redis(), "1", TestStores.newRedisPrefix(), 4);
  }

  private static long meetingId(Pool pg, String nativeId) {
    return pg.preparedQuery("SELECT id FROM td_meetings WHERE native_meeting_id = $1").execute(Tuple.of(nativeId)).await()
        .iterator().next().getLong(0);
  }

  private static Row sessionRow(Pool pg, long meetingId) {
    return pg.preparedQuery(LedgerSql.SESSIONS).execute(Tuple.tuple().addValue(new Long[] {meetingId})).await().iterator().next();
  }

  /** How many times the ledger's session query scanned td_transcript_segments for one meeting, from its executed plan. */
  private static long transcriptScans(Pool pg, long meetingId) {
    Object plan = pg.preparedQuery("EXPLAIN (ANALYZE, FORMAT JSON) " + LedgerSql.SESSIONS)
        .execute(Tuple.tuple().addValue(new Long[] {meetingId})).await().iterator().next().getValue(0);
    JsonArray root = plan instanceof JsonArray array ? array : new JsonArray(plan.toString());
    return loopsOn(root.getJsonObject(0).getJsonObject("Plan"), "td_transcript_segments");
  }

  private static long loopsOn(JsonObject node, String relation) {
    long loops = relation.equals(node.getString("Relation Name")) ? node.getLong("Actual Loops") : 0;
    JsonArray children = node.getJsonArray("Plans", new JsonArray());
    for (int i = 0; i < children.size(); i++) {
      loops += loopsOn(children.getJsonObject(i), relation);
    }
    return loops;
  }
}
