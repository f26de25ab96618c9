package com.targetdialer.dispatch;

/** The SQL of DispatchVerticle and DispatchScheduler, kept together. */
final class DispatchSql {

  private DispatchSql() {
  }

  /** Serializes claims for one meeting link, so two concurrent requests can never both insert a row. */
  static final String LOCK_LINK = "SELECT pg_advisory_xact_lock(hashtextextended($1 || '/' || $2, 0))";

  static final String INSERT_OCCURRENCE = """
      INSERT INTO td_meetings (platform, native_meeting_id, meeting_url, title, scheduled_start, source)
      VALUES ($1, $2, $3, $4, $5, 'api')
      ON CONFLICT ON CONSTRAINT td_meetings_occurrence_key DO NOTHING
      RETURNING id, title, scheduled_start
      """;

  static final String FIND_OCCURRENCE = """
      SELECT id, bot_status FROM td_meetings WHERE platform = $1 AND native_meeting_id = $2 AND scheduled_start = $3
      """;

  /** Without a scheduled start, the occurrence is the link's meeting that has not ended yet. */
  static final String FIND_OPEN_OCCURRENCE = """
      SELECT id, bot_status FROM td_meetings
      WHERE platform = $1 AND native_meeting_id = $2 AND bot_status NOT IN ('completed', 'failed', 'cancelled')
      ORDER BY scheduled_start DESC LIMIT 1
      """;

  static final String INSERT_OCCURRENCE_NOW = """
      INSERT INTO td_meetings (platform, native_meeting_id, meeting_url, title, scheduled_start, source)
      VALUES ($1, $2, $3, $4, date_trunc('second', now()), 'api')
      RETURNING id, bot_status, title, scheduled_start
      """;

  static final String LOAD_MEETING = """
      SELECT id, platform, native_meeting_id, meeting_url, passcode_enc, title, bot_status FROM td_meetings WHERE id = $1
      """;

  /** The people a dispatch request names as the meeting's ($2). */
  static final String ADD_OWNERS = """
      INSERT INTO td_meeting_owners (owner, meeting_id, via)
      SELECT DISTINCT owner, $1::bigint, 'dispatch' FROM unnest($2::text[]) AS owner
      ON CONFLICT DO NOTHING
      """;

  /** A passcode given with a dispatch request is the one to use, whatever the calendar said. */
  static final String SET_PASSCODE = "UPDATE td_meetings SET passcode_enc = $2 WHERE id = $1";

  static final String NEW_SESSION = """
      INSERT INTO td_bot_sessions (meeting_id, attempt, start_reason)
      SELECT $1, coalesce(max(attempt), 0) + 1, $2 FROM td_bot_sessions WHERE meeting_id = $1
      RETURNING id, attempt
      """;

  /** A restart left halfway (the node died, or the old bot took too long to leave) is resumed. */
  static final String RESTARTING_MEETING = """
      SELECT id, platform, native_meeting_id, restart_count FROM td_meetings WHERE id = $1 AND bot_status = 'restarting'
      """;

  static final String CURRENT_SESSION = """
      SELECT id, attempt, vexa_meeting_id, session_uid FROM td_bot_sessions WHERE meeting_id = $1 ORDER BY attempt DESC LIMIT 1
      """;

  static final String SESSION_END_REASON = """
      UPDATE td_bot_sessions SET end_reason = $2 WHERE id = $1 AND end_reason IS NULL
      """;

  // ---- the dispatch timers of calendar meetings (DispatchScheduler) ----

  /** Meetings whose dispatch time is within $1 seconds of $2 (now), or past while the meeting has not ended. */
  static final String DUE_MEETINGS = """
      SELECT id, dispatch_at FROM td_meetings
      WHERE bot_status = 'scheduled' AND dispatch_at <= $2::timestamptz + make_interval(secs => $1)
        AND (scheduled_end IS NULL OR scheduled_end > $2::timestamptz)
      ORDER BY dispatch_at
      """;

  /**
   * A claim whose dispatch.start never arrived (the node died between the two): 'requested' for a minute
   * before $1 (now) with no bot session since the claim (a re-knock's meeting has its earlier ones). Taken back by one node (the conditional update), which sends it again.
   */
  static final String RECLAIM_STALLED = """
      UPDATE td_meetings m SET updated_at = now()
      WHERE m.bot_status = 'requested' AND m.source = 'calendar' AND m.updated_at < $1::timestamptz - interval '60 seconds'
        AND (m.scheduled_end IS NULL OR m.scheduled_end > $1::timestamptz)
        AND NOT EXISTS (SELECT 1 FROM td_bot_sessions s WHERE s.meeting_id = m.id AND s.requested_at >= m.updated_at)
      RETURNING m.id, EXISTS (SELECT 1 FROM td_bot_sessions s WHERE s.meeting_id = m.id) AS re_knock
      """;

  static final String MEETING_SCHEDULE = """
      SELECT bot_status, dispatch_at FROM td_meetings WHERE id = $1
      """;

}
