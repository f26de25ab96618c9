package com.targetdialer.webhook;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * Which node follows which meeting on Vexa's live stream: a lease per meeting in Postgres, renewed
 * on every resync. A node that dies stops renewing, and another takes the meeting once the lease
 * has expired. This is coordination state, not data, so it lives beside the stream.
 */
final class LiveLeases {

  private static final String HELD_BY_OTHERS = """
      SELECT meeting_id FROM td_live_leases WHERE meeting_id = ANY($1::bigint[]) AND holder <> $2 AND expires_at > now()
      """;

  /**
   * Renews our leases past half their time and takes the free or expired ones among those asked for.
   * A lease with more than half its time left is only read: at thousands of live meetings, rewriting
   * every lease at every resync was thousands of row updates a second.
   */
  private static final String CLAIM = """
      WITH fresh AS (
          SELECT meeting_id FROM td_live_leases
          WHERE meeting_id = ANY($1::bigint[]) AND holder = $2 AND expires_at > now() + make_interval(secs => $3::float8 / 2)
      ), claimed AS (
          INSERT INTO td_live_leases (meeting_id, holder, expires_at)
          SELECT id, $2, now() + make_interval(secs => $3::float8) FROM unnest($1::bigint[]) AS id
          WHERE id NOT IN (SELECT meeting_id FROM fresh)
          ON CONFLICT (meeting_id) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
          WHERE td_live_leases.holder = EXCLUDED.holder OR td_live_leases.expires_at < now()
          RETURNING meeting_id
      )
      SELECT meeting_id FROM fresh UNION ALL SELECT meeting_id FROM claimed
      """;

  private static final String RELEASE = "DELETE FROM td_live_leases WHERE holder = $1 AND meeting_id = ANY($2::bigint[])";
  private static final String RELEASE_ALL = "DELETE FROM td_live_leases WHERE holder = $1";

  private final Pool pg;
  private final String holder;
  private final double ttlSeconds;

  LiveLeases(Pool pg, String holder, double ttlSeconds) {
    this.pg = pg;
    this.holder = holder;
    this.ttlSeconds = ttlSeconds;
  }

  Future<Set<Long>> heldByOthers(Collection<Long> meetingIds) {
    return pg.preparedQuery(HELD_BY_OTHERS).execute(Tuple.of(meetingIds.toArray(Long[]::new), holder)).map(LiveLeases::ids);
  }

  /** Completes with the meetings this node holds now, among those asked for. */
  Future<Set<Long>> claim(Collection<Long> meetingIds) {
    if (meetingIds.isEmpty()) {
      return Future.succeededFuture(Set.of());
    }
    return pg.preparedQuery(CLAIM).execute(Tuple.of(meetingIds.toArray(Long[]::new), holder, ttlSeconds)).map(LiveLeases::ids);
  }

  Future<Void> release(Collection<Long> meetingIds) {
    if (meetingIds.isEmpty()) {
      return Future.succeededFuture();
    }
    return pg.preparedQuery(RELEASE).execute(Tuple.tuple().addValue(holder).addValue(meetingIds.toArray(Long[]::new))).mapEmpty();
  }

  /** On shutdown: the other nodes take our meetings at their next resync instead of after expiry. */
  Future<Void> releaseAll() {
    return pg.preparedQuery(RELEASE_ALL).execute(Tuple.of(holder)).mapEmpty();
  }

  private static Set<Long> ids(Iterable<Row> rows) {
    Set<Long> ids = new HashSet<>();
    rows.forEach(row -> ids.add(row.getLong("meeting_id")));
    return ids;
  }
}
