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
      RETURNING id, bot_status
      """;

  /** The claim: only a meeting nobody is sending a bot to moves to 'requested'. */
  static final String CLAIM = """
      UPDATE td_meetings SET bot_status = 'requested', failure_reason = NULL, updated_at = now()
      WHERE id = $1 AND bot_status IN ('scheduled', 'failed')
      RETURNING id
      """;

  static final String LOAD_MEETING = """
      SELECT id, platform, native_meeting_id, meeting_url, title, bot_status FROM td_meetings WHERE id = $1
      """;

  static final String NEW_SESSION = """
      INSERT INTO td_bot_sessions (meeting_id, attempt)
      SELECT $1, coalesce(max(attempt), 0) + 1 FROM td_bot_sessions WHERE meeting_id = $1
      RETURNING id, attempt
      """;

  static final String SESSION_STARTED = """
      UPDATE td_bot_sessions SET vexa_meeting_id = $2, session_uid = $3, bot_container_id = $5,
          status = CASE WHEN td_status_rank($4) > td_status_rank(status) THEN $4 ELSE status END
      WHERE id = $1
      """;

  /** The bot is on its way; an adopted bot may already be further along. */
  static final String MEETING_JOINING = """
      UPDATE td_meetings SET
          bot_status = CASE WHEN td_status_rank($2) > td_status_rank('joining') THEN $2 ELSE 'joining' END,
          bot_joined_at = now(),
          bot_active_at = CASE WHEN $2 = 'active' THEN now() ELSE bot_active_at END,
          updated_at = now()
      WHERE id = $1 AND bot_status IN ('requested', 'restarting')
      RETURNING bot_status, restart_count, segment_count
      """;

  /** A restart's claim: only an active meeting at the expected restart count, so it happens once. */
  static final String CLAIM_RESTART = """
      UPDATE td_meetings SET bot_status = 'restarting', restart_count = restart_count + 1, updated_at = now()
      WHERE id = $1 AND bot_status = 'active' AND restart_count = $2
      RETURNING id, platform, native_meeting_id, restart_count
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

  static final String MEETING_STOPPED_FAILED = """
      UPDATE td_meetings SET bot_status = 'failed', failure_reason = $2, meeting_ended_at = coalesce(meeting_ended_at, now()), updated_at = now()
      WHERE id = $1 AND bot_status NOT IN ('completed', 'failed', 'cancelled')
      RETURNING platform, native_meeting_id, restart_count, segment_count
      """;

  static final String SESSION_FAILED = """
      UPDATE td_bot_sessions SET status = 'failed', ended_at = now(), end_reason = $2 WHERE id = $1
      """;

  static final String MEETING_FAILED = """
      UPDATE td_meetings SET bot_status = 'failed', failure_reason = $2, meeting_ended_at = now(), updated_at = now()
      WHERE id = $1 AND bot_status IN ('requested', 'restarting')
      RETURNING bot_status, restart_count, segment_count
      """;

  // ---- the dispatch timers of calendar meetings (DispatchScheduler) ----

  /** Meetings whose dispatch time is within $1 seconds (or past, while the meeting has not ended). */
  static final String DUE_MEETINGS = """
      SELECT id, dispatch_at FROM td_meetings
      WHERE bot_status = 'scheduled' AND dispatch_at <= now() + make_interval(secs => $1)
        AND (scheduled_end IS NULL OR scheduled_end > now())
      ORDER BY dispatch_at
      """;

  /** The once-only claim: whichever node's timer wins sends the one dispatch.start. */
  static final String CLAIM_DISPATCH = """
      UPDATE td_meetings SET bot_status = 'requested', failure_reason = NULL, updated_at = now()
      WHERE id = $1 AND bot_status = 'scheduled' AND dispatch_at <= now() + interval '500 milliseconds'
        AND (scheduled_end IS NULL OR scheduled_end > now())
      RETURNING id, native_meeting_id, scheduled_start, dispatch_at
      """;

  /**
   * A claim whose dispatch.start never arrived (the node died between the two): 'requested' for a minute
   * with no bot session. Taken back by one node (the conditional update), which sends it again.
   */
  static final String RECLAIM_STALLED = """
      UPDATE td_meetings m SET updated_at = now()
      WHERE m.bot_status = 'requested' AND m.source = 'calendar' AND m.updated_at < now() - interval '60 seconds'
        AND (m.scheduled_end IS NULL OR m.scheduled_end > now())
        AND NOT EXISTS (SELECT 1 FROM td_bot_sessions s WHERE s.meeting_id = m.id)
      RETURNING m.id
      """;

  static final String MEETING_SCHEDULE = """
      SELECT bot_status, dispatch_at FROM td_meetings WHERE id = $1
      """;

  /** Calendar meetings that ended while still waiting for their bot (the service was down throughout). */
  static final String MARK_MISSED = """
      UPDATE td_meetings SET bot_status = 'failed', failure_reason = 'missed: the meeting ended before its bot was sent',
          meeting_ended_at = scheduled_end, updated_at = now()
      WHERE bot_status = 'scheduled' AND source = 'calendar' AND dispatch_at < now() AND scheduled_end <= now()
      RETURNING id, title, native_meeting_id, scheduled_start
      """;
}
