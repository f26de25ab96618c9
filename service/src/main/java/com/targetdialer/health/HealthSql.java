package com.targetdialer.health;

/** The queries of HealthVerticle, kept together. It only reads; changes go through Dispatch and Persist. */
final class HealthSql {

  private HealthSql() {
  }

  // "Now" is a parameter everywhere: the sweep's clock decides, so its rules can be tested by moving it.

  private static final String CURRENT_SESSION = """
      JOIN td_bot_sessions s ON s.meeting_id = m.id
       AND s.attempt = (SELECT max(attempt) FROM td_bot_sessions WHERE meeting_id = m.id)
      """;

  /**
   * Active bots with no segment for $1 seconds before $2 (now) since they became active, or since
   * their last segment for a bot that went quiet mid-meeting.
   */
  static final String SILENT_BOTS = """
      SELECT m.id, m.platform, m.native_meeting_id, m.restart_count, s.vexa_meeting_id, s.session_uid, s.attempt,
             greatest(m.bot_active_at, coalesce(m.last_segment_at, m.bot_active_at)) AS silent_since,
             extract(epoch FROM $2::timestamptz - greatest(m.bot_active_at, coalesce(m.last_segment_at, m.bot_active_at))) AS silent_seconds
      FROM td_meetings m
      """ + CURRENT_SESSION + """
      WHERE m.bot_status = 'active' AND m.bot_active_at IS NOT NULL AND s.vexa_meeting_id IS NOT NULL
        AND greatest(m.bot_active_at, coalesce(m.last_segment_at, m.bot_active_at)) < $2::timestamptz - make_interval(secs => $1)
      """;

  /** Which of these segment keys the meeting's transcript already has. */
  static final String KNOWN_SEGMENTS = """
      SELECT segment_key FROM td_transcript_segments WHERE meeting_id = $1 AND segment_key = ANY($2::text[])
      """;

  /** Meetings whose current bot we believe is in or near the call, for reconciliation with Vexa; $1 is now. */
  static final String IN_FLIGHT = """
      SELECT m.id, m.bot_status, s.vexa_meeting_id, extract(epoch FROM $1::timestamptz - m.updated_at) AS quiet_seconds
      FROM td_meetings m
      """ + CURRENT_SESSION + """
      WHERE m.bot_status IN ('joining', 'awaiting_admission', 'active', 'stopping') AND s.vexa_meeting_id IS NOT NULL
      """;

  /** Bots stuck before the call ($1: join timeout) or in the lobby ($2) at $3 (now), not yet reported for this attempt. */
  static final String STUCK = """
      SELECT m.id, m.bot_status, s.attempt, s.vexa_meeting_id,
             CASE WHEN m.bot_status = 'awaiting_admission' THEN 'stuck_in_lobby' ELSE 'stuck_joining' END AS kind,
             extract(epoch FROM $3::timestamptz - m.updated_at) AS stuck_seconds
      FROM td_meetings m
      """ + CURRENT_SESSION + """
      WHERE ((m.bot_status IN ('requested', 'joining') AND m.updated_at < $3::timestamptz - make_interval(secs => $1))
          OR (m.bot_status = 'awaiting_admission' AND m.updated_at < $3::timestamptz - make_interval(secs => $2)))
        AND NOT EXISTS (SELECT 1 FROM td_meeting_events e WHERE e.meeting_id = m.id AND (e.detail ->> 'attempt')::int = s.attempt
                        AND e.type = CASE WHEN m.bot_status = 'awaiting_admission' THEN 'stuck_in_lobby' ELSE 'stuck_joining' END)
      """;

  /** Restarts claimed more than $1 seconds before $2 (now) and never finished (the node died, or the old bot lingered). */
  static final String STALLED_RESTARTS = """
      SELECT id FROM td_meetings WHERE bot_status = 'restarting' AND updated_at < $2::timestamptz - make_interval(secs => $1)
      """;

  /** Bot sessions finished a minute before $1 (now) whose transcript was never read back (Vexa was down at the time). */
  static final String MISSED_BACKFILLS = """
      SELECT DISTINCT meeting_id FROM td_bot_sessions
      WHERE status IN ('completed', 'failed') AND backfilled_at IS NULL AND vexa_meeting_id IS NOT NULL
        AND ended_at < $1::timestamptz - interval '1 minute'
      """;

  /** Bots in the lobby for $1 seconds before $2 (now), not yet nudged for this attempt; with who can admit them. */
  static final String IN_LOBBY = """
      SELECT m.id, m.title, m.native_meeting_id, m.admitters, s.attempt, s.vexa_meeting_id,
             extract(epoch FROM $2::timestamptz - m.updated_at) AS waiting_seconds
      FROM td_meetings m
      """ + CURRENT_SESSION + """
      WHERE m.bot_status = 'awaiting_admission' AND m.updated_at < $2::timestamptz - make_interval(secs => $1)
        AND NOT EXISTS (SELECT 1 FROM td_meeting_events e WHERE e.meeting_id = m.id AND e.type = 'lobby_waiting'
                        AND (e.detail ->> 'attempt')::int = s.attempt)
      """;

  /**
   * Failed meetings whose current bot was turned away at the door and whose scheduled end is after $1
   * (now); $2 narrows to one meeting (null: all). LobbyRetry decides which get another knock.
   */
  static final String TURNED_AWAY = """
      SELECT m.id, m.scheduled_end, coalesce(s.ended_at, m.meeting_ended_at) AS gave_up_at, s.attempt, s.completion_reason, s.failure_stage,
             (SELECT count(*) FROM td_bot_sessions r WHERE r.meeting_id = m.id AND r.start_reason = 're_knock') AS re_knocks,
             EXISTS (SELECT 1 FROM td_bot_sessions a WHERE a.meeting_id = m.id AND a.active_at IS NOT NULL) AS admitted
      FROM td_meetings m
      """ + CURRENT_SESSION + """
      WHERE m.bot_status = 'failed' AND m.scheduled_end > $1::timestamptz AND ($2::bigint IS NULL OR m.id = $2)
        AND (s.completion_reason IN ('awaiting_admission_timeout', 'awaiting_admission_rejected') OR s.failure_stage = 'awaiting_admission')
      """;
}
