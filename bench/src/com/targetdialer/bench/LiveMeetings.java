package com.targetdialer.bench;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Meetings made live for the service the cheapest realistic way: a Google Meet meeting whose bot is
 * active (td_meetings) and its bot session with Vexa's meeting id (td_bot_sessions), as a dispatch
 * and the bot's {@code active} webhook would leave them. The live stream's resync (IN_FLIGHT) then
 * leases, subscribes and gap-fills them like any bot started on another node. Also the queries the
 * report reads: rows per confirmed segment, dead letters, meetings still in flight.
 */
final class LiveMeetings {

  /** Vexa's meeting ids are ours plus this, so the two are never confused. */
  static final long VEXA_ID_OFFSET = 700_000;

  record Meeting(long id, long vexaId, String nativeId, String sessionUid) {
  }

  private final Connection db;
  private int created;

  LiveMeetings(Connection db) {
    this.db = db;
  }

  /** Adds meetings, active since now, until there are {@code total}; returns the new ones. */
  List<Meeting> growTo(int total) throws SQLException {
    int count = total - created;
    if (count <= 0) {
      return List.of();
    }
    String[] natives = new String[count];
    for (int i = 0; i < count; i++) {
      natives[i] = googleMeetCode(created + i);
    }
    List<Meeting> meetings = new ArrayList<>(count);
    try (PreparedStatement insert = db.prepareStatement("""
        WITH m AS (
            INSERT INTO td_meetings (platform, native_meeting_id, meeting_url, title, scheduled_start, scheduled_end, bot_status,
                                     bot_joined_at, bot_active_at)
            SELECT 'google_meet', code, 'https://meet.google.com/' || code, 'Capacity run ' || code, now(), now() + interval '1 hour',
                   'active', now(), now()
            FROM unnest(?::text[]) AS code
            RETURNING id, native_meeting_id
        ), s AS (
            INSERT INTO td_bot_sessions (meeting_id, attempt, vexa_meeting_id, session_uid, bot_container_id, status, joined_at, active_at)
            SELECT id, 1, id + ?, 'cap-session-' || id, 'mtg-' || (id + ?) || '-cap-sess', 'active', now(), now() FROM m
            RETURNING meeting_id, vexa_meeting_id, session_uid
        )
        SELECT m.id, s.vexa_meeting_id, m.native_meeting_id, s.session_uid FROM m JOIN s ON s.meeting_id = m.id
        """)) {
      Array codes = db.createArrayOf("text", natives);
      insert.setArray(1, codes);
      insert.setLong(2, VEXA_ID_OFFSET);
      insert.setLong(3, VEXA_ID_OFFSET);
      try (ResultSet rows = insert.executeQuery()) {
        while (rows.next()) {
          meetings.add(new Meeting(rows.getLong(1), rows.getLong(2), rows.getString(3), rows.getString(4)));
        }
      }
    }
    created = total;
    return meetings;
  }

  /** Makes {@code person} an owner of the meeting, as a dispatch naming them does: their page lists and follows it. */
  void own(long meetingId, String person) throws SQLException {
    try (PreparedStatement insert = db.prepareStatement("INSERT INTO td_meeting_owners (owner, meeting_id, via) VALUES (?, ?, 'dispatch')")) {
      insert.setString(1, person);
      insert.setLong(2, meetingId);
      insert.executeUpdate();
    }
  }

  int created() {
    return created;
  }

  /** abc-defg-hij from a number: distinct codes in Google Meet's shape. */
  static String googleMeetCode(int n) {
    char[] code = "aaa-aaaa-aaa".toCharArray();
    int[] letters = {11, 10, 9, 7, 6, 5, 4, 2, 1, 0};
    long rest = n + 1_000_003L * 7; // not all "aaa": any start will do
    for (int position : letters) {
      code[position] = (char) ('a' + rest % 26);
      rest /= 26;
    }
    return new String(code);
  }

  /**
   * When each confirmed segment's row was last written ({@code updated_at}, epoch µs), by
   * {@link #key}; only rows written since {@code sinceMicros}, completed and not retracted.
   */
  Map<Long, Long> confirmedSince(long sinceMicros) throws SQLException {
    Map<Long, Long> written = new HashMap<>();
    try (PreparedStatement query = db.prepareStatement("""
        SELECT meeting_id, segment_key, (extract(epoch FROM updated_at) * 1000000)::bigint FROM td_transcript_segments
        WHERE updated_at >= ? AND completed AND NOT retracted AND segment_key LIKE 'ch-0:1:%'
        """)) {
      query.setTimestamp(1, new Timestamp(sinceMicros / 1000));
      query.setFetchSize(10_000);
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          String segmentKey = rows.getString(2);
          written.put(key(rows.getLong(1), Long.parseLong(segmentKey.substring(segmentKey.lastIndexOf(':') + 1))), rows.getLong(3));
        }
      }
    }
    return written;
  }

  /** One long for (meeting, sequence): sequences stay far below 2^24 (one per 2 s). */
  static long key(long meetingId, long seq) {
    return meetingId << 24 | seq;
  }

  long deadLetters() throws SQLException {
    return count("SELECT count(*) FROM td_dead_letters");
  }

  long inFlight() throws SQLException {
    return count("SELECT count(*) FROM td_meetings WHERE bot_status IN ('joining', 'awaiting_admission', 'active', 'restarting', 'stopping')");
  }

  long notBackfilled() throws SQLException {
    return count("SELECT count(*) FROM td_bot_sessions WHERE backfilled_at IS NULL");
  }

  long leases() throws SQLException {
    return count("SELECT count(*) FROM td_live_leases");
  }

  /** Leases left and how many of them have expired: after every meeting ended there should be none. */
  String leaseSummary() throws SQLException {
    try (Statement statement = db.createStatement(); ResultSet row = statement.executeQuery(
        "SELECT count(*), count(*) FILTER (WHERE expires_at < now()), count(DISTINCT holder) FROM td_live_leases")) {
      row.next();
      return String.format(java.util.Locale.ROOT, "%,d (%,d expired, %d holder(s))", row.getLong(1), row.getLong(2), row.getLong(3));
    }
  }

  private long count(String sql) throws SQLException {
    try (Statement statement = db.createStatement(); ResultSet row = statement.executeQuery(sql)) {
      row.next();
      return row.getLong(1);
    }
  }
}
