package com.targetdialer.meeting;

import com.targetdialer.testing.SqlProbe;
import com.targetdialer.testing.TestStores;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Every statement that changes a meeting's status, run from every status, moves only as BotStatus's table allows. */
@ExtendWith(TestStores.class)
class MeetingStatusTest {

  private static final AtomicInteger CODES = new AtomicInteger();
  private static Vertx vertx;
  private static SqlProbe db;

  /** A meeting in one status with one current bot session, and the times its statements are run at. */
  private record Meeting(long id, long sessionId, String code, OffsetDateTime start, OffsetDateTime end) {
  }

  private interface Statement {
    Future<?> run(SqlClient client, Meeting meeting);
  }

  @BeforeAll
  static void database() {
    vertx = Vertx.vertx();
    db = new SqlProbe(vertx, TestStores.newMigratedDatabase());
  }

  @AfterAll
  static void close() {
    db.close();
    vertx.close().await();
  }

  private static Map<String, Statement> statements() {
    Map<String, Statement> all = new LinkedHashMap<>();
    all.put("upsertOccurrences", (c, m) -> MeetingStatus.upsertOccurrences(c, new String[] {"google_meet"}, new String[] {m.code()},
        new String[] {"https://meet.google.com/" + m.code()}, new Buffer[] {null}, new String[] {"t"},
        new OffsetDateTime[] {m.start()}, new OffsetDateTime[] {m.end()}, new OffsetDateTime[] {m.start().minusMinutes(2)},
        new JsonArray[] {new JsonArray().add("alice@example.com")}));
    all.put("moveOccurrence", (c, m) -> MeetingStatus.moveOccurrence(c, m.id(), "google_meet", m.code(),
        "https://meet.google.com/" + m.code(), null, m.start().plusHours(1), m.end().plusHours(1),
        "t", m.start().plusMinutes(58), "calendar"));
    all.put("cancelOrphans", (c, m) -> MeetingStatus.cancelOrphans(c, new Long[] {m.id()}));
    all.put("claim", (c, m) -> MeetingStatus.claim(c, m.id()));
    all.put("claimScheduled", (c, m) -> MeetingStatus.claimScheduled(c, m.id(), m.start().minusSeconds(30)));
    all.put("markMissed", (c, m) -> MeetingStatus.markMissed(c, m.end().plusMinutes(1)));
    for (BotStatus reached : List.of(BotStatus.JOINING, BotStatus.ACTIVE)) {
      all.put("botStarted " + reached, (c, m) -> MeetingStatus.botStarted(c, m.id(), m.sessionId(), 900 + m.sessionId(), "uid-" + m.code(),
          "mtg-1-uid", reached, new JsonObject()));
    }
    all.put("botNotStarted", (c, m) -> MeetingStatus.botNotStarted(c, m.id(), m.sessionId(), "vexa_refused", new JsonObject()));
    all.put("claimRestart", (c, m) -> MeetingStatus.claimRestart(c, m.id(), 0));
    all.put("stopped", (c, m) -> MeetingStatus.stopped(c, m.id(), "deaf_bot"));
    all.put("claimReKnock", (c, m) -> MeetingStatus.claimReKnock(c, m.id(), 1, new JsonObject()));
    all.put("explain", (c, m) -> MeetingStatus.explain(c, m.sessionId(), m.id(), true, BotStatus.FAILED, "awaiting_admission_timeout",
        "awaiting_admission", null, new JsonObject()));
    for (BotStatus vexa : List.of(BotStatus.JOINING, BotStatus.AWAITING_ADMISSION, BotStatus.ACTIVE, BotStatus.STOPPING,
        BotStatus.COMPLETED, BotStatus.FAILED)) {
      all.put("advanceMeeting " + vexa, (c, m) -> MeetingStatus.advanceMeeting(c, m.id(), vexa, m.start(), null, null, new JsonObject()));
    }
    return all;
  }

  @Test
  @DisplayName("every status-changing statement, from every status, moves a meeting only as the transition table allows")
  void everyMoveIsInTheTable() {
    List<String> moves = new ArrayList<>();
    for (BotStatus from : BotStatus.values()) {
      statements().forEach((name, statement) -> {
        Meeting meeting = meetingIn(from);
        db.pool().withTransaction(client -> statement.run(client, meeting)).await();
        BotStatus to = BotStatus.of((String) db.value("SELECT bot_status FROM td_meetings WHERE id = $1", meeting.id()));
        if (to != from) {
          assertThat(to.allowedFrom(from)).as("%s moved %s → %s", name, from, to).isTrue();
          moves.add(from + "→" + to);
        }
      });
    }
    // The table is no looser than the statements: each backward move is made, and the forward path of a bot.
    assertThat(moves).contains("failed→requested", "cancelled→scheduled", "active→restarting",
        "scheduled→requested", "requested→joining", "joining→awaiting_admission", "awaiting_admission→active",
        "active→completed", "scheduled→cancelled", "scheduled→failed", "restarting→joining");
    // Never out of a finished meeting, but for the two claims above.
    assertThat(moves).noneMatch(move -> move.startsWith("completed→"));
    assertThat(BotStatus.RESTARTING.allowedFrom(BotStatus.COMPLETED)).isFalse();
    assertThat(BotStatus.ACTIVE.allowedFrom(BotStatus.RESTARTING)).isTrue();
    assertThat(BotStatus.JOINING.allowedFrom(BotStatus.ACTIVE)).isFalse();
  }

  private static Meeting meetingIn(BotStatus status) {
    String code = String.format("sta-%04d-mov", CODES.incrementAndGet());
    OffsetDateTime start = OffsetDateTime.now(ZoneOffset.UTC).plusMinutes(1).withNano(0);
    OffsetDateTime end = start.plusMinutes(30);
    long id = (long) db.value("""
        INSERT INTO td_meetings (native_meeting_id, title, scheduled_start, scheduled_end, source, dispatch_at, bot_status, bot_active_at)
        VALUES ($1, 't', $2, $3, 'calendar', $4, $5, CASE WHEN $5 = 'active' THEN now() END) RETURNING id
        """, code, start, end, start.minusMinutes(2), status.value());
    long sessionId = (long) db.value("""
        INSERT INTO td_bot_sessions (meeting_id, attempt, vexa_meeting_id, session_uid, status) VALUES ($1, 1, $2, $3, $4) RETURNING id
        """, id, 500 + id, "uid-" + code, status == BotStatus.SCHEDULED || status == BotStatus.CANCELLED ? "requested" : status.value());
    return new Meeting(id, sessionId, code, start, end);
  }
}
