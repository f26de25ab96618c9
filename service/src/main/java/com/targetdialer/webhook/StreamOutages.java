package com.targetdialer.webhook;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;

/**
 * When the live stream was down for the meetings this node follows, and whether what was said meanwhile
 * has been filled in from Vexa's transcript since (at the reconnect, or by the backfill). The capture
 * ledger counts an outage not filled as a {@code stream} gap.
 */
final class StreamOutages {

  private static final Logger LOG = LoggerFactory.getLogger(StreamOutages.class);

  /** Only for meetings still under way: one that just ended has its final transcript read by the backfill anyway. */
  private static final String BEGIN = """
      INSERT INTO td_stream_outages (meeting_id, started_at)
      SELECT m.id, $2 FROM td_meetings m WHERE m.id = ANY($1::bigint[]) AND m.bot_status NOT IN ('completed', 'failed', 'cancelled')
      """;
  private static final String END = """
      UPDATE td_stream_outages SET ended_at = $2 WHERE meeting_id = ANY($1::bigint[]) AND ended_at IS NULL
      """;
  /** Vexa's transcript read at $2 holds everything said before it. */
  private static final String FILLED = """
      UPDATE td_stream_outages SET filled = true WHERE meeting_id = $1 AND NOT filled AND ended_at IS NOT NULL AND ended_at <= $2
      """;

  private final Pool pg;
  private final Clock clock;

  StreamOutages(Pool pg, Clock clock) {
    this.pg = pg;
    this.clock = clock;
  }

  void down(Collection<Long> meetingIds) {
    write(BEGIN, meetingIds);
  }

  Future<Void> up(Collection<Long> meetingIds) {
    return write(END, meetingIds);
  }

  /** The meeting's transcript, read from Vexa at {@code readAt}, is merged: the outages that ended before it are filled. */
  Future<Void> filled(long meetingId, OffsetDateTime readAt) {
    return pg.preparedQuery(FILLED).execute(Tuple.of(meetingId, readAt)).mapEmpty();
  }

  OffsetDateTime now() {
    return OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
  }

  private Future<Void> write(String sql, Collection<Long> meetingIds) {
    if (meetingIds.isEmpty()) {
      return Future.succeededFuture();
    }
    return pg.preparedQuery(sql).execute(Tuple.tuple().addValue(meetingIds.toArray(Long[]::new)).addValue(now()))
        .onFailure(e -> LOG.warn("stream outage not recorded [meetings: {}, error: {}]", meetingIds.size(), e.getMessage()))
        .<Void>mapEmpty()
        .otherwiseEmpty();
  }
}
