package com.targetdialer.webhook;

/** The queries of WebhookVerticle, kept together. It only reads; PersistVerticle writes. */
final class WebhookSql {

  private WebhookSql() {
  }

  /**
   * Meetings whose bot may be in a call, with their newest bot that Vexa knows: the live stream
   * follows these. While a restart waits for its next bot, the old one is still followed.
   */
  static final String IN_FLIGHT = """
      SELECT m.id, m.platform, m.native_meeting_id, s.vexa_meeting_id, s.session_uid
      FROM td_meetings m
      JOIN LATERAL (SELECT vexa_meeting_id, session_uid FROM td_bot_sessions
                    WHERE meeting_id = m.id AND vexa_meeting_id IS NOT NULL
                    ORDER BY attempt DESC LIMIT 1) s ON true
      WHERE m.bot_status IN ('joining', 'awaiting_admission', 'active', 'restarting', 'stopping')
      """;

  static final String SESSION_BY_VEXA_ID = """
      SELECT s.meeting_id, s.session_uid, s.vexa_meeting_id, m.platform, m.native_meeting_id
      FROM td_bot_sessions s JOIN td_meetings m ON m.id = s.meeting_id
      WHERE s.vexa_meeting_id = $1
      ORDER BY s.id DESC LIMIT 1
      """;

  static final String MEETING_BY_SESSION_UID = """
      SELECT meeting_id FROM td_bot_sessions WHERE session_uid = $1 ORDER BY id DESC LIMIT 1
      """;

  /** The session a seed-style payload names ($2), else the meeting's current one, with when it started hearing. */
  static final String SESSION_OF_MEETING = """
      SELECT session_uid, coalesce(active_at, joined_at) AS started_at FROM td_bot_sessions
      WHERE meeting_id = $1 AND ($2::text IS NULL OR session_uid = $2)
      ORDER BY attempt DESC LIMIT 1
      """;

  /**
   * Seed-style payloads may name the meeting by its link only. A standing room has an occurrence a
   * week, and the calendar creates next week's ahead of time: take the occurrence whose bot is in
   * the call, else the latest one already due.
   */
  static final String MEETING_BY_LINK = """
      SELECT id AS meeting_id FROM td_meetings WHERE ($1::text IS NULL OR platform = $1) AND native_meeting_id = $2
      ORDER BY bot_status IN ('joining', 'awaiting_admission', 'active', 'restarting', 'stopping') DESC,
               scheduled_start <= now() + interval '15 minutes' DESC, scheduled_start DESC
      LIMIT 1
      """;

  /** Finished bot sessions whose final transcript has not been read yet. */
  static final String SESSIONS_TO_BACKFILL = """
      SELECT s.id, s.vexa_meeting_id, s.session_uid, m.platform, m.native_meeting_id
      FROM td_bot_sessions s JOIN td_meetings m ON m.id = s.meeting_id
      WHERE s.meeting_id = $1 AND s.vexa_meeting_id IS NOT NULL AND s.backfilled_at IS NULL
        AND s.status IN ('completed', 'failed')
      ORDER BY s.attempt
      """;
}
