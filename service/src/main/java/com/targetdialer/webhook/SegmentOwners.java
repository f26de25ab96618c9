package com.targetdialer.webhook;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Which of our meetings a segments payload belongs to: by Vexa's meeting id, else by the bot's
 * session uid, else by the meeting link. A bot session never moves to another meeting, so the
 * first two answers are remembered (a busy meeting sends thousands of payloads); the link is not,
 * since a standing room gets a new occurrence every week, but lookups running at once share one
 * query. Used from one event loop only.
 */
final class SegmentOwners {

  private static final int REMEMBERED = 10_000;

  private final Pool pg;
  private final Map<String, Long> known = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
      return size() > REMEMBERED;
    }
  };

  private final Map<String, Future<?>> asking = new HashMap<>();

  SegmentOwners(Pool pg) {
    this.pg = pg;
  }

  /** Completes with our meeting id, or null when no meeting matches (yet). */
  Future<Long> meetingOf(VexaEvent.Segments segments) {
    if (segments.vexaMeetingId() != null) {
      return remembered("vexa:" + segments.vexaMeetingId(), WebhookSql.SESSION_BY_VEXA_ID, Tuple.of(segments.vexaMeetingId()));
    }
    Future<Long> bySession = segments.sessionUid() == null ? Future.succeededFuture()
        : remembered("uid:" + segments.sessionUid(), WebhookSql.MEETING_BY_SESSION_UID, Tuple.of(segments.sessionUid()));
    return bySession.compose(id -> id != null ? Future.succeededFuture(id)
        : shared("link:" + segments.platform() + "/" + segments.nativeMeetingId(), () -> pg.preparedQuery(WebhookSql.MEETING_BY_LINK)
            .execute(Tuple.of(segments.platform(), segments.nativeMeetingId())).map(SegmentOwners::meetingId)));
  }

  /** A bot session as seed-style segments need it: its uid, and when it started hearing (null if not yet). */
  record Session(String uid, Instant startedAt) {
  }

  /**
   * The session that segments without ids or absolute times belong to: the one they name, else the
   * meeting's current one. Not remembered: its start is learned while the meeting runs.
   */
  Future<Session> session(long meetingId, String sessionUid) {
    return shared("session:" + meetingId + "/" + sessionUid, () -> pg.preparedQuery(WebhookSql.SESSION_OF_MEETING)
        .execute(Tuple.of(meetingId, sessionUid)).map(rows -> {
          if (!rows.iterator().hasNext()) {
            return new Session(sessionUid, null);
          }
          Row row = rows.iterator().next();
          OffsetDateTime started = row.getOffsetDateTime("started_at");
          return new Session(row.getString("session_uid"), started == null ? null : started.toInstant());
        }));
  }

  /**
   * A bot was started or adopted for a meeting. An adopted bot (Vexa answered 409) keeps its ids
   * but may now serve another occurrence of the same room: its payloads belong to this meeting.
   */
  void botStarted(long meetingId, Long vexaMeetingId, String sessionUid) {
    if (vexaMeetingId != null) {
      known.put("vexa:" + vexaMeetingId, meetingId);
    }
    if (sessionUid != null) {
      known.put("uid:" + sessionUid, meetingId);
    }
  }

  private Future<Long> remembered(String key, String sql, Tuple args) {
    Long id = known.get(key);
    if (id != null) {
      return Future.succeededFuture(id);
    }
    return shared(key, () -> pg.preparedQuery(sql).execute(args).map(rows -> {
      Long found = meetingId(rows);
      if (found != null) {
        known.putIfAbsent(key, found); // a bot started meanwhile says it better
      }
      return found;
    }));
  }

  /** A round often holds many payloads of one meeting: lookups of a key while one is in flight share its answer. */
  @SuppressWarnings("unchecked")
  private <T> Future<T> shared(String key, Supplier<Future<T>> query) {
    Future<T> pending = (Future<T>) asking.get(key);
    if (pending != null) {
      return pending;
    }
    Future<T> asked = query.get();
    asking.put(key, asked);
    asked.onComplete(done -> asking.remove(key));
    return asked;
  }

  private static Long meetingId(RowSet<Row> rows) {
    return rows.iterator().hasNext() ? rows.iterator().next().getLong("meeting_id") : null;
  }
}
