package com.targetdialer.persist;

import com.targetdialer.testing.Await;
import com.targetdialer.meeting.BotStatus;
import com.targetdialer.bus.Addresses;
import com.targetdialer.config.DatabaseUrl;
import com.targetdialer.store.Backends;
import com.targetdialer.testing.TestStores;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.Collections;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith({TestStores.class, VertxExtension.class})
class PersistVerticleTest {

  private Vertx vertx;
  private Pool pg;
  private long meetingId;
  private Backends backends;

  @BeforeEach
  void deploy(Vertx vertx) {
    this.vertx = vertx;
    DatabaseUrl database = TestStores.newMigratedDatabase();
    backends = new Backends(database, TestStores.redis(), "1", TestStores.newRedisPrefix(), 4);
    vertx.deployVerticle(new PersistVerticle(backends, new SimpleMeterRegistry(), 168)).await();
    pg = backends.pgPool(vertx);
    meetingId = pg.query("INSERT INTO td_meetings (native_meeting_id, scheduled_start, bot_status) VALUES ('abc-defg-hij', now(), 'joining') RETURNING id")
        .execute().await().iterator().next().getLong("id");
    pg.preparedQuery("INSERT INTO td_bot_sessions (meeting_id, attempt, vexa_meeting_id, session_uid, status) VALUES ($1, 1, 42, 'sess-1', 'requested')")
        .execute(Tuple.of(meetingId)).await();
  }

  @Test
  @DisplayName("drafts, their confirmation and the double delivery converge to one row per segment")
  void draftThenConfirmation() {
    List<JsonObject> live = subscribeLive();

    persist(segment("s1", "Let's lock", false), segment("s1", "Let's lock", false));
    persist(segment("s1", "Let's lock pricing", false));
    persist(segment("s1", "Let's lock pricing.", true), segment("s1", "Let's lock pricing.", true));
    persist(segment("s1", "Let's lock pricing", false)); // a late draft never replaces the confirmation

    Row row = onlyRow("s1");
    assertThat(row.getString("text")).isEqualTo("Let's lock pricing.");
    assertThat(row.getBoolean("completed")).isTrue();
    assertThat(meetingColumn("segment_count")).isEqualTo(1);
    assertThat(live).extracting(json -> json.getString("text")).containsExactly("Let's lock", "Let's lock pricing", "Let's lock pricing.");
  }

  @Test
  @DisplayName("replaying every message twice, shuffled, changes nothing")
  void replayIsIdempotent() {
    List<JsonArray> messages = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      messages.add(new JsonArray().add(segment("k" + i, "draft " + i, false)));
      messages.add(new JsonArray().add(segment("k" + i, "final " + i, true)));
    }
    messages.add(new JsonArray().add(retract("k3")));
    messages.forEach(this::persistArray);
    List<String> before = snapshot();

    List<JsonArray> replay = new ArrayList<>(messages);
    replay.addAll(messages);
    Collections.shuffle(replay, new java.util.Random(7));
    int changed = replay.stream().mapToInt(this::persistArray).sum();

    assertThat(changed).isZero();
    assertThat(snapshot()).isEqualTo(before);
    assertThat(meetingColumn("segment_count")).isEqualTo(19);
  }

  @Test
  @DisplayName("a retract or empty text deletes, and a later draft cannot bring the segment back")
  void retractsAreFinal() {
    persist(segment("a", "hello", false), segment("b", "world", true));
    persist(retract("a"), segment("b", "", true));
    persist(segment("a", "hello again", false));

    assertThat(onlyRow("a").getBoolean("retracted")).isTrue();
    assertThat(onlyRow("b").getBoolean("retracted")).isTrue();
    assertThat(meetingColumn("segment_count")).isZero();
  }

  @Test
  @DisplayName("within one state the newer updated_at wins, whatever the arrival order")
  void newerUpdatedAtWins() {
    persist(segment("c", "second", true).put("source_updated_at", "2026-11-26T10:00:02Z"));
    persist(segment("c", "first", true).put("source_updated_at", "2026-11-26T10:00:01Z"));

    assertThat(onlyRow("c").getString("text")).isEqualTo("second");
  }

  @Test
  @DisplayName("status changes move forward only; a replayed event_id is applied once")
  void statusChanges() {
    assertThat(status("evt_1", "sess-1", null, "active").getBoolean("applied")).isTrue();
    assertThat(status("evt_1", "sess-1", null, "active").getBoolean("duplicate")).isTrue();
    assertThat(status("evt_0", "sess-1", null, "joining").getBoolean("applied")).as("late joining").isFalse();
    JsonObject completed = status("evt_2", null, 42L, "completed");

    assertThat(completed.getBoolean("applied")).isTrue();
    assertThat(completed.getBoolean("terminal")).isTrue();
    Row meeting = pg.preparedQuery("SELECT bot_status, bot_active_at, meeting_ended_at, event_seq FROM td_meetings WHERE id = $1")
        .execute(Tuple.of(meetingId)).await().iterator().next();
    assertThat(meeting.getString("bot_status")).isEqualTo("completed");
    assertThat(meeting.getOffsetDateTime("bot_active_at")).isNotNull();
    assertThat(meeting.getOffsetDateTime("meeting_ended_at")).isNotNull();
    assertThat(meeting.getInteger("event_seq")).isEqualTo(2);
  }

  @Test
  @DisplayName("the live stream's bare 'failed' then the webhook's reasons: the lobby timeout is kept, not taken for a join failure (Vexa #1655)")
  void laterMessageExplains() {
    status("evt_a", "sess-1", null, "awaiting_admission");
    JsonObject live = new JsonObject().put("event_type", "live.meeting.status").put("vexa_meeting_id", 42L).put("status", "failed")
        .put("source", "live");
    assertThat(vertx.eventBus().<JsonObject>request(Addresses.PERSIST_STATUS, live).await().body().getBoolean("applied")).isTrue();
    JsonObject webhook = change("evt_b", "sess-1", null, "failed").put("completion_reason", "awaiting_admission_timeout")
        .put("failure_stage", "awaiting_admission").put("transcription_outcome", "no_output");

    JsonObject explained = vertx.eventBus().<JsonObject>request(Addresses.PERSIST_STATUS, webhook).await().body();

    assertThat(explained.getBoolean("applied")).isFalse();
    assertThat(explained.getBoolean("explained")).isTrue();
    assertThat(explained.getJsonObject("meeting").getString("failure_reason")).isEqualTo("awaiting_admission_timeout");
    Row session = pg.query("SELECT completion_reason, failure_stage, end_reason, transcription_outcome FROM td_bot_sessions").execute().await()
        .iterator().next();
    assertThat(session.getString("transcription_outcome")).isEqualTo("no_output");
    assertThat(session.getString("completion_reason")).isEqualTo("awaiting_admission_timeout");
    assertThat(session.getString("failure_stage")).isEqualTo("awaiting_admission");
    assertThat(session.getString("end_reason")).isEqualTo("awaiting_admission_timeout");
    JsonObject logged = (JsonObject) pg.preparedQuery("SELECT detail FROM td_meeting_events WHERE meeting_id = $1 AND type = 'status_explained'")
        .execute(Tuple.of(meetingId)).await().iterator().next().getValue(0);
    assertThat(logged.getString("transcription_outcome")).isEqualTo("no_output");
    JsonObject again = change("evt_c", "sess-1", null, "failed").put("completion_reason", "join_failure");
    assertThat(vertx.eventBus().<JsonObject>request(Addresses.PERSIST_STATUS, again).await().body().containsKey("explained"))
        .as("a reason already known is not overwritten").isFalse();
  }

  @Test
  @DisplayName("a status for a bot we do not know is answered unknown_bot, as in a batch, so the inbox retries it")
  void unknownBot() {
    assertThat(status("evt_9", "no-such-session", null, "active").getBoolean("unknown_bot")).isTrue();
    assertThat(pg.query("SELECT count(*) FROM td_webhook_events_seen").execute().await().iterator().next().getLong(0))
        .as("the event id is not remembered when nothing was applied").isZero();
  }

  @Test
  @DisplayName("a batch of status changes: one outcome each, in order; duplicates inside the batch, unknown bots and bad changes answered on their own")
  void statusBatch() {
    JsonArray changes = new JsonArray()
        .add(change("evt_a", "sess-1", null, "joining"))
        .add(change("evt_b", "sess-1", null, "active"))
        .add(change("evt_b", "sess-1", null, "active"))
        .add(change("evt_c", null, 42L, "awaiting_admission"))
        .add(change("evt_d", "no-such-session", null, "active"))
        .add(new JsonObject().put("event_id", "evt_e").put("status", "dancing").put("session_uid", "sess-1"))
        .add(change("evt_f", null, 42L, "completed"));
    JsonArray outcomes = statuses(changes);

    assertThat(outcomes).hasSize(7);
    assertThat(outcomes.getJsonObject(0).getBoolean("applied")).isTrue();
    assertThat(outcomes.getJsonObject(1).getBoolean("applied")).isTrue();
    assertThat(outcomes.getJsonObject(2).getBoolean("duplicate")).isTrue();
    assertThat(outcomes.getJsonObject(3).getBoolean("applied")).as("awaiting_admission after active").isFalse();
    assertThat(outcomes.getJsonObject(4).getBoolean("unknown_bot")).isTrue();
    assertThat(outcomes.getJsonObject(5).getString("error")).contains("dancing");
    assertThat(outcomes.getJsonObject(6).getBoolean("applied")).isTrue();
    assertThat(outcomes.getJsonObject(6).getJsonObject("meeting").getString("bot_status")).isEqualTo("completed");
    assertThat(pg.query("SELECT status FROM td_bot_sessions").execute().await().iterator().next().getString(0)).isEqualTo("completed");
    assertThat(pg.query("SELECT event_id FROM td_webhook_events_seen ORDER BY event_id").execute().await())
        .extracting(row -> row.getString(0)).as("the unknown bot's event can be applied when it is retried")
        .containsExactly("evt_a", "evt_b", "evt_c", "evt_f");
    assertThat(pg.preparedQuery("SELECT type FROM td_meeting_events WHERE meeting_id = $1 ORDER BY seq").execute(Tuple.of(meetingId)).await())
        .extracting(row -> row.getString(0)).as("joining was already the meeting's status").containsExactly("status_change", "status_change");
  }

  @Test
  @DisplayName("a change Postgres refuses fails alone: the rest of its batch is applied")
  void badChangeInABatch() {
    JsonArray changes = new JsonArray()
        .add(change("evt_g1", "sess-1", null, "joining"))
        .add(change("evt_bad\u0000", "sess-1", null, "awaiting_admission"))
        .add(change("evt_g2", "sess-1", null, "active"));
    JsonArray outcomes = statuses(changes);

    assertThat(outcomes.getJsonObject(0).getBoolean("applied")).isTrue();
    assertThat(outcomes.getJsonObject(1).getString("error")).isNotBlank();
    assertThat(outcomes.getJsonObject(2).getBoolean("applied")).isTrue();
    assertThat(pg.query("SELECT status FROM td_bot_sessions").execute().await().iterator().next().getString(0)).isEqualTo("active");
  }

  @Test
  @DisplayName("webhook event ids past EVENT_ID_RETENTION_H are forgotten, in chunks; newer ones are kept")
  void oldEventIdsArePruned() throws Exception {
    pg.query("INSERT INTO td_webhook_events_seen (event_id, received_at) "
        + "SELECT 'old-' || g, now() - interval '200 hours' FROM generate_series(1, 10050) g").execute().await();
    pg.query("INSERT INTO td_webhook_events_seen (event_id, received_at) VALUES ('recent', now() - interval '100 hours')").execute().await();

    vertx.deployVerticle(new PersistVerticle(backends, new SimpleMeterRegistry(), 168)).await(); // prunes as it starts

    Await.until("old event ids pruned", Duration.ofSeconds(10), () -> eventIds() == 1);
    assertThat(pg.query("SELECT event_id FROM td_webhook_events_seen").execute().await()).extracting(row -> row.getString(0))
        .containsExactly("recent");
  }

  private long eventIds() {
    return pg.query("SELECT count(*) FROM td_webhook_events_seen").execute().await().iterator().next().getLong(0);
  }

  @Test
  @DisplayName("the Java status rank is the schema's td_status_rank()")
  void statusRankMatchesTheSchema() {
    for (BotStatus status : BotStatus.values()) {
      int inSql = pg.preparedQuery("SELECT td_status_rank($1)").execute(Tuple.of(status.value())).await().iterator().next().getInteger(0);
      assertThat(status.rank()).as(status.value()).isEqualTo(inSql);
    }
    assertThat(pg.preparedQuery("SELECT td_status_rank('unheard-of')").execute().await().iterator().next().getInteger(0))
        .as("a name the schema does not know never moves a bot").isEqualTo(-1);
    // The schema's CHECK constraint allows exactly these names.
    for (BotStatus status : BotStatus.values()) {
      pg.preparedQuery("INSERT INTO td_meetings (native_meeting_id, scheduled_start, bot_status) VALUES ('rank-check', now() + make_interval(days => $1), $2)")
          .execute(Tuple.of(status.ordinal() + 1000, status.value())).await();
    }
  }

  @Test
  @DisplayName("a final transcript retracts the session's drafts it does not hold and records the backfill")
  void finalTranscript() {
    persist(segment("keep", "kept", false), segment("stale", "never confirmed", false));

    JsonObject message = new JsonObject().put("meeting_id", meetingId).put("live", false)
        .put("segments", new JsonArray().add(segment("keep", "kept.", true)).add(segment("late", "only in REST", true)))
        .put("final_session", new JsonObject().put("session_id", sessionId()).put("session_uid", "sess-1"));
    int changed = vertx.eventBus().<JsonObject>request(Addresses.PERSIST_SEGMENTS, message).await().body().getInteger("changed");

    assertThat(changed).isEqualTo(3);
    assertThat(onlyRow("stale").getBoolean("retracted")).isTrue();
    assertThat(onlyRow("late").getString("text")).isEqualTo("only in REST");
    assertThat(meetingColumn("segment_count")).isEqualTo(2);
    Row session = pg.query("SELECT backfilled_at, backfill_changed FROM td_bot_sessions").execute().await().iterator().next();
    assertThat(session.getOffsetDateTime("backfilled_at")).isNotNull();
    assertThat(session.getInteger("backfill_changed")).isEqualTo(3);
  }

  @Test
  @DisplayName("many meetings at once: statements run side by side, and each meeting's batches land in the order they came")
  void meetingsInParallelEachInOrder() {
    List<Long> meetings = new ArrayList<>();
    for (int m = 0; m < 24; m++) {
      meetings.add(pg.preparedQuery("INSERT INTO td_meetings (native_meeting_id, scheduled_start, bot_status) VALUES ($1, now(), 'active') RETURNING id")
          .execute(Tuple.of("par-" + m)).await().iterator().next().getLong("id"));
    }
    // No source time: only the order of arrival decides which draft wins, so a reordering shows.
    List<io.vertx.core.Future<?>> sent = new ArrayList<>();
    for (int version = 1; version <= 30; version++) {
      for (long meeting : meetings) {
        JsonObject draft = new JsonObject().put("segment_key", "k").put("session_uid", "s").put("text", "version " + version)
            .put("completed", false).put("retracted", false);
        JsonObject message = new JsonObject().put("meeting_id", meeting).put("live", true).put("segments", new JsonArray().add(draft));
        sent.add(vertx.eventBus().request(Addresses.PERSIST_SEGMENTS, message));
      }
    }
    io.vertx.core.Future.all(sent).await();

    List<String> texts = new ArrayList<>();
    pg.preparedQuery("SELECT text FROM td_transcript_segments WHERE meeting_id = ANY($1::bigint[]) ORDER BY meeting_id")
        .execute(Tuple.tuple().addValue(meetings.toArray(Long[]::new))).await().forEach(row -> texts.add(row.getString("text")));
    assertThat(texts).hasSize(meetings.size()).containsOnly("version 30");
    List<Integer> counts = new ArrayList<>();
    pg.preparedQuery("SELECT segment_count FROM td_meetings WHERE id = ANY($1::bigint[])")
        .execute(Tuple.tuple().addValue(meetings.toArray(Long[]::new))).await().forEach(row -> counts.add(row.getInteger(0)));
    assertThat(counts).containsOnly(1);
  }

  @Test
  @DisplayName("segments still waiting for their statement when PersistVerticle stops are written, not failed")
  void stopWritesWhatWaits() {
    List<io.vertx.core.Future<?>> sent = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      JsonObject message = new JsonObject().put("meeting_id", meetingId).put("live", true)
          .put("segments", new JsonArray().add(segment("stop-" + i, "said " + i, true)));
      sent.add(vertx.eventBus().request(Addresses.PERSIST_SEGMENTS, message));
    }
    vertx.deploymentIDs().forEach(id -> vertx.undeploy(id).await());
    io.vertx.core.Future.join(sent).otherwiseEmpty().await();
    assertThat(sent).allMatch(io.vertx.core.Future::succeeded);
    // The verticle closed the pool it shared with this test: read with a connection of its own.
    io.vertx.sqlclient.SqlConnection check = io.vertx.pgclient.PgConnection.connect(vertx, new io.vertx.pgclient.PgConnectOptions()
        .setHost(backends.database().host()).setPort(backends.database().port()).setDatabase(backends.database().database())
        .setUser(backends.database().user())).await();
    try {
      assertThat(check.preparedQuery("SELECT segment_count FROM td_meetings WHERE id = $1").execute(Tuple.of(meetingId)).await()
          .iterator().next().getInteger(0)).isEqualTo(200);
    } finally {
      check.close().await();
    }
  }

  @Test
  @DisplayName("versions of one segment in one statement are coalesced by the merge rule: a confirmation beats later drafts")
  void coalescedVersions() {
    SegmentRows rows = new SegmentRows(5);
    rows.add(meetingId, segment("c1", "draft", false));
    rows.add(meetingId, segment("c1", "confirmed", true));
    rows.add(meetingId, segment("c1", "late draft", false));
    rows.add(meetingId, segment("c2", "other", false));
    rows.add(meetingId, segment("c2", "other, newer", false));
    assertThat(rows.size()).isEqualTo(2);

    persist(segment("c1", "draft", false), segment("c1", "confirmed", true), segment("c1", "late draft", false));
    assertThat(onlyRow("c1").getString("text")).isEqualTo("confirmed");
    assertThat(onlyRow("c1").getBoolean("completed")).isTrue();
  }

  @Test
  @DisplayName("the merge statement is prepared once per connection, not parsed and planned again for every batch")
  void mergeStatementIsPreparedOnce() {
    SqlConnection connection = pg.getConnection().await();
    try {
      for (String key : List.of("p1", "p2")) {
        SegmentRows rows = new SegmentRows(1);
        rows.add(meetingId, segment(key, "said once", true));
        connection.preparedQuery(PersistSql.MERGE_SEGMENTS).execute(rows.tuple(true)).await();
      }
      // A statement the client caches is a named one, listed for the session that prepared it.
      long prepared = connection.preparedQuery("SELECT count(*) FROM pg_prepared_statements WHERE statement = $1")
          .execute(Tuple.of(PersistSql.MERGE_SEGMENTS)).await().iterator().next().getLong(0);
      assertThat(prepared).isEqualTo(1);
    } finally {
      connection.close().await();
    }
  }

  @Test
  @DisplayName("segments of a meeting that is gone are refused (404) and not stored; another meeting's in the same statement are")
  void goneMeetingTakesNoSegments() {
    long gone = pg.query("INSERT INTO td_meetings (native_meeting_id, scheduled_start) VALUES ('gon-emee-tng', now()) RETURNING id")
        .execute().await().iterator().next().getLong(0);
    pg.preparedQuery("DELETE FROM td_meetings WHERE id = $1").execute(Tuple.of(gone)).await();

    SegmentRows rows = new SegmentRows(3);
    rows.add(gone, segment("g1", "said to no one", true));
    rows.add(meetingId, segment("h1", "heard", true));
    rows.add(gone, segment("g2", "said again", true));
    MergedRows merged = MergedRows.of(pg.preparedQuery(PersistSql.MERGE_SEGMENTS).execute(rows.tuple(true)).await());
    assertThat(merged.goneMeetings()).containsExactly(gone);
    assertThat(merged.changed()).singleElement().satisfies(row -> assertThat(row.getString(SegmentRows.SEGMENT_KEY)).isEqualTo("h1"));
    assertThat(meetingColumn("segment_count")).isEqualTo(1);

    JsonObject message = new JsonObject().put("meeting_id", gone).put("live", true).put("segments", new JsonArray().add(segment("g3", "again", true)));
    assertThatThrownBy(() -> vertx.eventBus().request(Addresses.PERSIST_SEGMENTS, message).await())
        .isInstanceOfSatisfying(ReplyException.class, failure -> assertThat(failure.failureCode()).isEqualTo(404))
        .hasMessageContaining("meeting " + gone + " no longer exists");
    assertThat(pg.preparedQuery("SELECT count(*) FROM td_transcript_segments WHERE meeting_id = $1").execute(Tuple.of(gone)).await()
        .iterator().next().getLong(0)).isZero();
  }

  @Test
  @DisplayName("deleting a meeting waits for a merge writing to it, even one that leaves the meeting row alone, then deletes what it wrote")
  void deleteWaitsForTheMergeAndTakesItsSegments() {
    persist(segment("d1", "before", true));
    SqlConnection writer = pg.getConnection().await();
    SqlConnection deleter = pg.getConnection().await();
    try {
      writer.query("BEGIN").execute().await();
      SegmentRows rows = new SegmentRows(1);
      // A tombstone for a segment never seen changes no count, so the merge leaves the meeting's row alone:
      // only the merge's own lock on the meeting holds the delete back.
      rows.add(meetingId, retract("d2"));
      writer.preparedQuery(PersistSql.MERGE_SEGMENTS).execute(rows.tuple(true)).await();
      int deleterPid = deleter.query("SELECT pg_backend_pid()").execute().await().iterator().next().getInteger(0);

      io.vertx.core.Future<?> deleted = deleter.preparedQuery("DELETE FROM td_meetings WHERE id = $1").execute(Tuple.of(meetingId));
      Await.until("the delete waits on the merge's lock", Duration.ofSeconds(10), () -> "Lock".equals(
          pg.preparedQuery("SELECT wait_event_type FROM pg_stat_activity WHERE pid = $1").execute(Tuple.of(deleterPid)).await()
              .iterator().next().getString(0)));
      writer.query("COMMIT").execute().await();
      deleted.await();

      assertThat(pg.query("SELECT count(*) FROM td_transcript_segments").execute().await().iterator().next().getLong(0))
          .as("segments left of the deleted meeting").isZero();
    } finally {
      writer.close().await();
      deleter.close().await();
    }
  }

  private List<JsonObject> subscribeLive() {
    List<JsonObject> received = new CopyOnWriteArrayList<>();
    vertx.eventBus().<JsonObject>consumer(Addresses.transcriptLive(meetingId), message -> received.add(message.body())).completion().await();
    return received;
  }

  private long sessionId() {
    return pg.query("SELECT id FROM td_bot_sessions").execute().await().iterator().next().getLong(0);
  }

  private JsonObject status(String eventId, String sessionUid, Long vexaId, String status) {
    return vertx.eventBus().<JsonObject>request(Addresses.PERSIST_STATUS, change(eventId, sessionUid, vexaId, status)).await().body();
  }

  private JsonArray statuses(JsonArray changes) {
    return vertx.eventBus().<JsonObject>request(Addresses.PERSIST_STATUSES, new JsonObject().put("changes", changes))
        .await().body().getJsonArray("outcomes");
  }

  private static JsonObject change(String eventId, String sessionUid, Long vexaId, String status) {
    return new JsonObject().put("event_id", eventId).put("event_type", "meeting.status_change")
        .put("session_uid", sessionUid).put("vexa_meeting_id", vexaId).put("status", status).put("source", "test");
  }

  private void persist(JsonObject... segments) {
    persistArray(new JsonArray(List.of((Object[]) segments)));
  }

  private int persistArray(JsonArray segments) {
    JsonObject message = new JsonObject().put("meeting_id", meetingId).put("live", true).put("segments", segments.copy());
    return vertx.eventBus().<JsonObject>request(Addresses.PERSIST_SEGMENTS, message).await().body().getInteger("changed");
  }

  private static JsonObject segment(String key, String text, boolean completed) {
    return new JsonObject().put("segment_key", key).put("session_uid", "sess-1").put("text", text).put("speaker", "Jane")
        .put("completed", completed).put("retracted", text.isEmpty())
        .put("absolute_start_time", "2026-11-26T10:00:00Z").put("start_time", 1.5);
  }

  private static JsonObject retract(String key) {
    return new JsonObject().put("segment_key", key).put("session_uid", "sess-1").put("text", "").put("completed", false).put("retracted", true);
  }

  private Row onlyRow(String key) {
    return pg.preparedQuery("SELECT * FROM td_transcript_segments WHERE meeting_id = $1 AND segment_key = $2")
        .execute(Tuple.of(meetingId, key)).await().iterator().next();
  }

  private int meetingColumn(String column) {
    return pg.preparedQuery("SELECT " + column + " FROM td_meetings WHERE id = $1").execute(Tuple.of(meetingId)).await()
        .iterator().next().getInteger(0);
  }

  private List<String> snapshot() {
    List<String> rows = new ArrayList<>();
    pg.query("SELECT segment_key, text, completed, retracted, updated_at FROM td_transcript_segments ORDER BY segment_key")
        .execute().await().forEach(row -> rows.add(row.toJson().encode()));
    return rows;
  }
}
