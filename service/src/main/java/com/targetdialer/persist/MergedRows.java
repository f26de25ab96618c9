package com.targetdialer.persist;

import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a {@link PersistSql#MERGE_SEGMENTS} statement answered: the rows it changed, and the meetings it
 * wrote nothing for because they no longer exist (a row with only the meeting id).
 */
record MergedRows(List<Row> changed, Set<Long> goneMeetings) {

  static final MergedRows NONE = new MergedRows(List.of(), Set.of());

  static MergedRows of(RowSet<Row> result) {
    List<Row> changed = new ArrayList<>(result.rowCount());
    Set<Long> gone = new HashSet<>();
    for (Row row : result) {
      if (row.getValue(SegmentRows.ID) == null) {
        gone.add(row.getLong(SegmentRows.MEETING_ID));
      } else {
        changed.add(row);
      }
    }
    return new MergedRows(changed, gone);
  }

  /** A batch for a meeting that is gone: its segments are not stored, and storing them again cannot succeed. */
  static final class MeetingGone extends RuntimeException {

    MeetingGone(long meetingId) {
      super("meeting " + meetingId + " no longer exists: its segments are not stored", null, false, false);
    }
  }
}
