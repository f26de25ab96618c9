package com.targetdialer.api;

/** The read API's queries, kept together. Field names are the database's, in snake_case. */
final class ReadSql {

  private ReadSql() {
  }

  /** Everyone's meetings ($1 status, [$2, $3) start, $4 limit), for an admin; %s is where a person's are singled out. */
  private static final String MEETINGS_WHERE = """
      SELECT id, title, platform, native_meeting_id, meeting_url, scheduled_start, scheduled_end, bot_status, restart_count,
             segment_count, failure_reason, bot_active_at, last_segment_at, updated_at, outcome, outcome_reason, coverage_ratio,
             coverage_from, coverage_to, gaps,
             -- Known from a calendar that can no longer be read: a move or cancellation since would not be seen.
             EXISTS (SELECT 1 FROM td_calendar_events e JOIN td_calendars c ON c.id = e.calendar_ref
                     WHERE e.meeting_id = m.id AND e.decision = 'scheduled' AND c.status = 'needs_reauth')
               AND NOT EXISTS (SELECT 1 FROM td_calendar_events e JOIN td_calendars c ON c.id = e.calendar_ref
                     WHERE e.meeting_id = m.id AND e.decision = 'scheduled' AND c.status <> 'needs_reauth') AS schedule_unverified,
             (SELECT e.detail ->> 'message' FROM td_meeting_events e
              WHERE e.meeting_id = m.id AND e.level <> 'info' ORDER BY e.seq DESC LIMIT 1) AS last_alert
      FROM td_meetings m
      WHERE ($1::text IS NULL OR bot_status = $1)
        AND ($2::timestamptz IS NULL OR scheduled_start >= $2)
        AND ($3::timestamptz IS NULL OR scheduled_start < $3)
        %s
      ORDER BY scheduled_start DESC, id DESC
      LIMIT $4
      """;

  static final String MEETINGS = MEETINGS_WHERE.formatted("");

  /** Person $5's: their few meetings found through td_meeting_owners' primary key first, not every meeting checked. */
  static final String MEETINGS_OF = MEETINGS_WHERE.formatted("AND m.id IN (SELECT meeting_id FROM td_meeting_owners WHERE owner = $5)");

  static final String MEETING = """
      SELECT id, title, platform, native_meeting_id, meeting_url, source, scheduled_start, scheduled_end, bot_status,
             bot_joined_at, bot_active_at, first_segment_at, last_segment_at, segment_count, meeting_ended_at,
             restart_count, failure_reason, created_at, updated_at, outcome, outcome_reason, coverage_ratio, gaps,
             coverage_from, coverage_to
      FROM td_meetings WHERE id = $1
      """;

  /** Each bot attempt, with when it was last heard. */
  static final String SESSIONS = """
      SELECT s.attempt, s.vexa_meeting_id, s.status, s.requested_at, s.joined_at, s.active_at, s.ended_at, s.end_reason,
             s.completion_reason, s.failure_stage, s.start_reason, s.transcription_outcome, s.backfilled_at, s.backfill_changed,
             (SELECT max(coalesce(t.absolute_end_time, t.absolute_start_time)) FROM td_transcript_segments t
              WHERE t.meeting_id = s.meeting_id AND t.session_uid = s.session_uid AND NOT t.retracted) AS last_heard_at
      FROM td_bot_sessions s WHERE s.meeting_id = $1 ORDER BY s.attempt
      """;

  static final String EVENTS = """
      SELECT seq, type, level, detail, created_at FROM td_meeting_events WHERE meeting_id = $1 ORDER BY seq
      """;

  /** One page of a transcript in spoken order; the cursor is the last row's (time, id). */
  static final String TRANSCRIPT = """
      SELECT id, segment_key, speaker, text, language, start_time, end_time, absolute_start_time, absolute_end_time,
             completed, coalesce(absolute_start_time, created_at) AS spoken_at
      FROM td_transcript_segments
      WHERE meeting_id = $1 AND NOT retracted
        AND (coalesce(absolute_start_time, created_at), id) > ($2::timestamptz, $3::bigint)
      ORDER BY coalesce(absolute_start_time, created_at), id
      LIMIT $4
      """;

  /** The coverage report's meetings: every occurrence that starts in [$1, $2); %s singles out a person's. */
  private static final String COVERAGE_WHERE = """
      SELECT id, title, platform, native_meeting_id, scheduled_start, scheduled_end, outcome, outcome_reason, coverage_ratio, gaps,
             coverage_from, coverage_to
      FROM td_meetings m WHERE scheduled_start >= $1 AND scheduled_start < $2
        %s
      ORDER BY scheduled_start, id
      """;

  static final String COVERAGE_MEETINGS = COVERAGE_WHERE.formatted("");

  static final String COVERAGE_MEETINGS_OF = COVERAGE_WHERE.formatted("AND m.id IN (SELECT meeting_id FROM td_meeting_owners WHERE owner = $3)");

  /** Calendar events in [$1, $2) that have no meeting: skipped by our rules (one row an event, across calendars; person $3's calendars'). */
  static final String COVERAGE_SKIPPED = """
      SELECT DISTINCT ON (event_id) event_id, summary, platform, native_meeting_id, starts_at, ends_at, reason
      FROM td_calendar_events
      WHERE meeting_id IS NULL AND decision = 'skipped' AND starts_at >= $1 AND starts_at < $2
        AND ($3::text IS NULL OR calendar_ref IN (SELECT id FROM td_calendars WHERE owner = $3::text))
        -- declined here, scheduled on another calendar: it is that meeting's item
        AND NOT EXISTS (SELECT 1 FROM td_calendar_events o WHERE o.event_id = td_calendar_events.event_id AND o.meeting_id IS NOT NULL)
      ORDER BY event_id, seen_at DESC
      """;
}
