package com.targetdialer.persist;

import com.targetdialer.meeting.MeetingStatus;
import com.targetdialer.bus.MeetingUpdate;
import com.targetdialer.bus.BotStatusChange;
import com.targetdialer.meeting.BotStatus;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;

/**
 * Applies bot status changes, a batch per transaction: the event ids are remembered in one
 * statement, each bot session is looked up and locked once, and a change that would not move the
 * session forward costs no statement. Batches from this verticle run one at a time; a batch that
 * still fails (a deadlock with another node, a value Postgres refuses) is applied change by change.
 * Each change gets an outcome of its own, in order.
 */
final class StatusWriter {

  private static final Logger LOG = LoggerFactory.getLogger(StatusWriter.class);

  private final Pool pg;
  private final Queue<Runnable> queued = new ArrayDeque<>();
  private boolean writing;

  StatusWriter(Pool pg) {
    this.pg = pg;
  }

  /**
   * Completes with one outcome per change: {@code applied}, {@code duplicate} or
   * {@code unknown_bot}, and what changed. When a batch fails (a value Postgres refuses, a
   * deadlock), each change is tried again in a transaction of its own, so one bad change fails
   * alone, with {@code error} in its outcome.
   */
  Future<List<JsonObject>> apply(List<BotStatusChange> changes) {
    Promise<List<JsonObject>> done = Promise.promise();
    queued.add(() -> transaction(changes)
        .recover(failure -> changes.size() == 1 ? Future.failedFuture(failure) : oneByOne(changes, failure))
        .onComplete(result -> {
          done.handle(result);
          writing = false;
          next();
        }));
    next();
    return done.future();
  }

  private Future<List<JsonObject>> transaction(List<BotStatusChange> changes) {
    return pg.withTransaction(connection -> new Batch(connection, changes).run());
  }

  private Future<List<JsonObject>> oneByOne(List<BotStatusChange> changes, Throwable batchFailure) {
    LOG.warn("status batch failed, applying its {} changes one by one [error: {}]", changes.size(), batchFailure.getMessage());
    List<JsonObject> outcomes = new ArrayList<>(changes.size());
    Future<Void> chain = Future.succeededFuture();
    for (BotStatusChange change : changes) {
      chain = chain.compose(ignored -> transaction(List.of(change))
          .map(single -> single.get(0))
          .otherwise(failure -> new JsonObject().put("applied", false).put("error", String.valueOf(failure.getMessage())))
          .map(outcome -> {
            outcomes.add(outcome);
            return null;
          }));
    }
    return chain.map(outcomes);
  }

  private void next() {
    if (!writing && !queued.isEmpty()) {
      writing = true;
      queued.remove().run();
    }
  }

  /** One transaction's work. */
  private static final class Batch {
    private final SqlConnection connection;
    private final List<BotStatusChange> changes;
    private final Map<String, Session> sessionsByKey = new HashMap<>();
    private final Map<Long, Session> sessionsById = new HashMap<>();
    private final List<String> unknownEventIds = new ArrayList<>();
    private Set<String> fresh;

    Batch(SqlConnection connection, List<BotStatusChange> changes) {
      this.connection = connection;
      this.changes = changes;
    }

    Future<List<JsonObject>> run() {
      List<JsonObject> outcomes = new ArrayList<>(changes.size());
      Future<Void> chain = remember();
      for (BotStatusChange change : changes) {
        chain = chain.compose(ignored -> applyOne(change)).map(outcome -> {
          outcomes.add(outcome);
          return null;
        });
      }
      // A change for a bot we do not know yet is retried later: it must not count as seen.
      return chain.compose(ignored -> unknownEventIds.isEmpty() ? Future.succeededFuture()
              : connection.preparedQuery(PersistSql.FORGET_EVENTS).execute(Tuple.tuple().addValue(unknownEventIds.toArray(String[]::new))))
          .map(outcomes);
    }

    private Future<Void> remember() {
      List<String> ids = new ArrayList<>();
      List<String> types = new ArrayList<>();
      for (BotStatusChange change : changes) {
        if (change.eventId() != null) {
          ids.add(change.eventId());
          types.add(change.eventType());
        }
      }
      if (ids.isEmpty()) {
        fresh = Set.of();
        return Future.succeededFuture();
      }
      return connection.preparedQuery(PersistSql.REMEMBER_EVENTS)
          .execute(Tuple.tuple().addValue(ids.toArray(String[]::new)).addValue(types.toArray(String[]::new)))
          .map(rows -> {
            fresh = new HashSet<>();
            rows.forEach(row -> fresh.add(row.getString(0)));
            return null;
          });
    }

    private Future<JsonObject> applyOne(BotStatusChange change) {
      // remove: the second copy of an event in one batch is a duplicate too.
      if (change.eventId() != null && !fresh.remove(change.eventId())) {
        return Future.succeededFuture(new JsonObject().put("applied", false).put("duplicate", true));
      }
      return session(change).compose(session -> {
        if (session == null) {
          if (change.eventId() != null) {
            unknownEventIds.add(change.eventId());
          }
          return Future.succeededFuture(new JsonObject().put("applied", false).put("unknown_bot", true));
        }
        return advance(session, change);
      });
    }

    /** The bot session a change is about, locked for this transaction; null when we have none. */
    private Future<Session> session(BotStatusChange change) {
      String key = change.sessionUid() + "/" + change.vexaMeetingId();
      if (sessionsByKey.containsKey(key)) {
        return Future.succeededFuture(sessionsByKey.get(key));
      }
      return connection.preparedQuery(PersistSql.FIND_SESSION).execute(Tuple.of(change.sessionUid(), change.vexaMeetingId()))
          .compose(rows -> rows.iterator().hasNext() || change.sessionUid() == null ? Future.succeededFuture(rows)
              : connection.preparedQuery(PersistSql.FIND_ADOPTED_SESSION).execute(Tuple.of(change.sessionUid())))
          .compose(rows -> {
            Session session = rows.iterator().hasNext() ? sessionsById.computeIfAbsent(rows.iterator().next().getLong("id"),
                id -> new Session(rows.iterator().next())) : null;
            sessionsByKey.put(key, session);
            return session == null || session.sessionUid != null || change.sessionUid() == null ? Future.succeededFuture(session)
                : learnSessionUid(session, change.sessionUid());
          });
    }

    private Future<Session> learnSessionUid(Session session, String sessionUid) {
      return connection.preparedQuery(PersistSql.LEARN_SESSION_UID).execute(Tuple.of(session.id, sessionUid)).map(ignored -> {
        LOG.info("learned the connection id of an adopted bot [meeting: {}, vexa id: {}, connection id: {}]",
            session.meetingId, session.vexaMeetingId, sessionUid);
        session.sessionUid = sessionUid;
        return session;
      });
    }

    private Future<JsonObject> advance(Session session, BotStatusChange change) {
      JsonObject outcome = new JsonObject().put("meeting_id", session.meetingId).put("session_id", session.id)
          .put("vexa_meeting_id", session.vexaMeetingId).put("session_uid", session.sessionUid)
          .put("status", change.status().value()).put("terminal", change.terminal()).put("applied", false);
      if (!change.status().movesPast(session.status)) {
        // Statuses only move forward (the SQL checks the same); the same status may still say why.
        return change.status() == session.status && change.why().explains() ? explain(session, change, outcome) : Future.succeededFuture(outcome);
      }
      OffsetDateTime at = change.at().atOffset(ZoneOffset.UTC);
      return MeetingStatus.advanceSession(connection, session.id, change.status(), at, change.completionReason(), change.failureStage(),
              change.why().transcriptionOutcome())
          .compose(advanced -> {
            if (advanced.rowCount() == 0) {
              return Future.succeededFuture(outcome);
            }
            session.status = change.status();
            outcome.put("applied", true);
            if (!session.current) {
              // An earlier bot of a restarted meeting: its end does not end the meeting.
              return Future.succeededFuture(outcome);
            }
            return MeetingStatus.advanceMeeting(connection, session.meetingId, change.status(), at, change.completionReason(),
                    change.failureStage(), change.describe().put("session_id", session.id).put("attempt", session.attempt))
                .compose(meetings -> {
                  if (meetings.rowCount() == 0) {
                    return Future.succeededFuture(outcome);
                  }
                  Row meeting = meetings.iterator().next();
                  outcome.put("meeting", MeetingUpdate.status(session.meetingId, BotStatus.of(meeting.getString("bot_status")))
                      .withRestartCount(meeting.getInteger("restart_count"))
                      .withSegmentCount(meeting.getInteger("segment_count"))
                      .withFailureReason(meeting.getString("failure_reason"))
                      .toJson());
                  return Future.succeededFuture(outcome);
                });
          });
    }

    private Future<JsonObject> explain(Session session, BotStatusChange change, JsonObject outcome) {
      return MeetingStatus.explain(connection, session.id, session.meetingId, session.current, change.status(), change.completionReason(),
              change.failureStage(), change.why().transcriptionOutcome(),
              change.describe().put("session_id", session.id).put("attempt", session.attempt))
          .map(meetings -> {
            if (session.current && meetings.rowCount() > 0) {
              Row meeting = meetings.iterator().next();
              outcome.put("explained", true).put("meeting", MeetingUpdate.status(session.meetingId, BotStatus.of(meeting.getString("bot_status")))
                  .withFailureReason(meeting.getString("failure_reason")).toJson());
            }
            return outcome;
          });
    }
  }

  /** A locked bot session row; its status follows what this transaction applied. */
  private static final class Session {
    final long id;
    final long meetingId;
    final int attempt;
    final Long vexaMeetingId;
    final boolean current;
    String sessionUid;
    BotStatus status;

    Session(Row row) {
      id = row.getLong("id");
      meetingId = row.getLong("meeting_id");
      attempt = row.getInteger("attempt");
      vexaMeetingId = row.getLong("vexa_meeting_id");
      sessionUid = row.getString("session_uid");
      current = row.getBoolean("current");
      status = BotStatus.of(row.getString("status"));
    }
  }
}
