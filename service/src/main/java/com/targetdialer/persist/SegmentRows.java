package com.targetdialer.persist;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Column arrays for {@link PersistSql#MERGE_SEGMENTS}, built from normalized segments, and rows back to JSON.
 * Several versions of one segment are coalesced as they are added, by the statement's own rule, so only
 * the one that would win reaches Postgres (under load a draft is often superseded before it is written).
 */
final class SegmentRows {

  private final int size;
  private final Long[] meetingIds;
  private final String[] keys;
  private final String[] sessionUids;
  private final String[] texts;
  private final String[] speakers;
  private final String[] languages;
  private final Double[] starts;
  private final Double[] ends;
  private final OffsetDateTime[] absoluteStarts;
  private final OffsetDateTime[] absoluteEnds;
  private final Boolean[] completed;
  private final Boolean[] retracted;
  private final OffsetDateTime[] sourceUpdated;
  /** Row index by meeting and segment key. */
  private final Map<String, Integer> rowOf;
  /** Segments added so far, versions of one segment included. */
  private int added;
  private int rows;

  SegmentRows(int size) {
    this.size = size;
    meetingIds = new Long[size];
    keys = new String[size];
    sessionUids = new String[size];
    texts = new String[size];
    speakers = new String[size];
    languages = new String[size];
    starts = new Double[size];
    ends = new Double[size];
    absoluteStarts = new OffsetDateTime[size];
    absoluteEnds = new OffsetDateTime[size];
    completed = new Boolean[size];
    retracted = new Boolean[size];
    sourceUpdated = new OffsetDateTime[size];
    rowOf = new HashMap<>(size * 2);
  }

  void add(long meetingId, JsonObject segment) {
    String key = segment.getString("segment_key");
    Integer earlier = rowOf.get(meetingId + "/" + key);
    added++;
    if (earlier != null) {
      if (supersedes(segment, earlier)) {
        set(earlier, meetingId, segment);
      }
      return;
    }
    rowOf.put(meetingId + "/" + key, rows);
    set(rows++, meetingId, segment);
  }

  /** By the merge rule (DESIGN §2): a tombstone, then a completed version, then the newer source time (any before none), then the later arrival. */
  private boolean supersedes(JsonObject segment, int row) {
    int rank = rank(segment.getBoolean("retracted", false), segment.getBoolean("completed", false));
    int heldRank = rank(retracted[row], completed[row]);
    if (rank != heldRank) {
      return rank > heldRank;
    }
    OffsetDateTime updated = time(segment, "source_updated_at");
    if (updated == null || sourceUpdated[row] == null) {
      return sourceUpdated[row] == null;
    }
    return !updated.isBefore(sourceUpdated[row]);
  }

  private static int rank(boolean retracted, boolean completed) {
    return retracted ? 2 : completed ? 1 : 0;
  }

  private void set(int i, long meetingId, JsonObject segment) {
    meetingIds[i] = meetingId;
    keys[i] = segment.getString("segment_key");
    sessionUids[i] = segment.getString("session_uid");
    texts[i] = segment.getString("text", "");
    speakers[i] = segment.getString("speaker");
    languages[i] = segment.getString("language");
    starts[i] = number(segment.getValue("start_time"));
    ends[i] = number(segment.getValue("end_time"));
    absoluteStarts[i] = time(segment, "absolute_start_time");
    absoluteEnds[i] = time(segment, "absolute_end_time");
    completed[i] = segment.getBoolean("completed", false);
    retracted[i] = segment.getBoolean("retracted", false);
    sourceUpdated[i] = time(segment, "source_updated_at");
  }

  /** Rows to write: one per segment. */
  int size() {
    return rows;
  }

  /** Parameters $1..$14, once every row is added; each array is one value (Tuple.of would spread them). */
  Tuple tuple(boolean live) {
    if (added != size) {
      throw new IllegalStateException(added + " of " + size + " segments added");
    }
    Tuple tuple = Tuple.tuple();
    for (Object[] column : List.<Object[]>of(meetingIds, keys, sessionUids, texts, speakers, languages, starts, ends,
        absoluteStarts, absoluteEnds, completed, retracted, sourceUpdated)) {
      tuple.addValue(rows == size ? column : Arrays.copyOf(column, rows));
    }
    return tuple.addValue(live);
  }

  // Positions in MERGE_SEGMENTS' result (its RETURNING list, then the count): read by position,
  // since a lookup by name scans the column names for every cell.
  static final int ID = 0;
  static final int MEETING_ID = 1;
  static final int SEGMENT_KEY = 2;
  static final int MEETING_SEGMENT_COUNT = 14;

  /** The live-update shape of a merged row, as published to the UI. */
  static JsonObject toJson(Row row) {
    return new JsonObject()
        .put("meeting_id", row.getLong(MEETING_ID))
        .put("segment_key", row.getString(SEGMENT_KEY))
        .put("session_uid", row.getString(3))
        .put("text", row.getString(4))
        .put("speaker", row.getString(5))
        .put("language", row.getString(6))
        .put("start_time", row.getDouble(7))
        .put("end_time", row.getDouble(8))
        .put("absolute_start_time", instant(row.getOffsetDateTime(9)))
        .put("absolute_end_time", instant(row.getOffsetDateTime(10)))
        .put("completed", row.getBoolean(11))
        .put("retracted", row.getBoolean(12));
  }

  static JsonArray keysOf(JsonArray segments) {
    JsonArray keys = new JsonArray();
    segments.forEach(segment -> keys.add(((JsonObject) segment).getString("segment_key")));
    return keys;
  }

  private static Double number(Object value) {
    return value instanceof Number n ? n.doubleValue() : null;
  }

  /** Normalized segments hold Instants; ISO strings (from other callers) are read too. */
  private static OffsetDateTime time(JsonObject segment, String field) {
    Instant instant = segment.getInstant(field);
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  private static Instant instant(OffsetDateTime time) {
    return time == null ? null : time.toInstant();
  }
}
