package com.targetdialer.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** A benchmark's own JDBC connection: the meetings its webhooks go to, and the counts it polls. */
final class BenchDb {

  private final Connection jdbc;
  private final String meetingTitle;

  BenchDb(Connection jdbc, String meetingTitle) {
    this.jdbc = jdbc;
    this.meetingTitle = meetingTitle;
  }

  /**
   * A meeting whose bot is in the call, with its active bot session ({@code vexa_meeting_id} 100,000 + the
   * meeting's id): the state in which the service applies a webhook's segments. Returns the meeting's id.
   */
  long insertMeeting(String nativeId, String sessionUid) throws SQLException {
    long meetingId;
    try (PreparedStatement meeting = jdbc.prepareStatement("""
        INSERT INTO td_meetings (native_meeting_id, title, scheduled_start, scheduled_end, bot_status, bot_active_at)
        VALUES (?, ?, now(), now() + interval '1 hour', 'active', now()) RETURNING id""")) {
      meeting.setString(1, nativeId);
      meeting.setString(2, meetingTitle);
      try (ResultSet rows = meeting.executeQuery()) {
        rows.next();
        meetingId = rows.getLong(1);
      }
    }
    try (PreparedStatement session = jdbc.prepareStatement("""
        INSERT INTO td_bot_sessions (meeting_id, attempt, vexa_meeting_id, session_uid, status, joined_at, active_at)
        VALUES (?, 1, ?, ?, 'active', now(), now())""")) {
      session.setLong(1, meetingId);
      session.setLong(2, 100_000 + meetingId);
      session.setString(3, sessionUid);
      session.executeUpdate();
    }
    return meetingId;
  }

  /** The single number {@code sql} selects (a count(*), a segment_count); 0 when it selects no row. */
  long count(String sql) throws SQLException {
    try (PreparedStatement query = jdbc.prepareStatement(sql); ResultSet rows = query.executeQuery()) {
      return rows.next() ? rows.getLong(1) : 0;
    }
  }
}
