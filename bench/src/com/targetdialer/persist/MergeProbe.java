package com.targetdialer.persist;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;

import java.util.List;

/**
 * Bench-only access to PersistVerticle's own merge statement (package-private in the service),
 * so the benchmark can time the SQL alone, without the inbox, the event bus or the batching.
 * Lives in the service's package on the benchmark's classpath; the service never loads it.
 */
public final class MergeProbe {

  private MergeProbe() {
  }

  /** Runs {@link PersistSql#MERGE_SEGMENTS} once for normalized segments of one meeting; completes with the rows changed. */
  public static Future<Integer> merge(SqlConnection connection, long meetingId, List<JsonObject> normalized) {
    SegmentRows rows = new SegmentRows(normalized.size());
    normalized.forEach(segment -> rows.add(meetingId, segment));
    return connection.preparedQuery(PersistSql.MERGE_SEGMENTS).execute(rows.tuple(true)).map(result -> result.rowCount());
  }
}
