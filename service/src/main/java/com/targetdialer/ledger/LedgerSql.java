package com.targetdialer.ledger;

/** The capture ledger's queries, kept together. */
final class LedgerSql {

  private LedgerSql() {
  }

  /**
   * Meetings to judge: not decided yet with a bot sent (their coverage grows as they run), and any
   * changed since last judged, or within 10 s before (a change whose transaction began before the last
   * judgement read its facts is judged once more). $1 is how many, the longest unjudged first: with
   * more meetings in calls than a sweep takes, the same lowest ids would otherwise be taken every time.
   */
  static final String DUE = """
      SELECT id FROM td_meetings
      WHERE (outcome = 'pending' AND bot_status <> 'scheduled')
         OR (updated_at > coalesce(assessed_at, '-infinity'::timestamptz) - interval '10 seconds'
             AND NOT (outcome = 'pending' AND bot_status = 'scheduled'))
      ORDER BY assessed_at NULLS FIRST, id
      LIMIT $1
      """;

  static final String FACTS = """
      SELECT m.id, m.updated_at, m.source, m.bot_status, m.scheduled_start, m.scheduled_end, m.meeting_ended_at, m.failure_reason,
             m.segment_count,
             EXISTS (SELECT 1 FROM td_meeting_events e WHERE e.meeting_id = m.id
                     AND (e.type = 'stuck_in_lobby' OR (e.type IN ('status_change', 'bot_dispatched')
                          AND e.detail ->> 'status' = 'awaiting_admission'))) AS ever_in_lobby,
             (SELECT s.transcription_outcome FROM td_bot_sessions s WHERE s.meeting_id = m.id AND s.transcription_outcome IS NOT NULL
              ORDER BY s.attempt DESC LIMIT 1) AS transcription,
             (SELECT coalesce(jsonb_agg(jsonb_build_object('from', o.started_at, 'to', o.ended_at) ORDER BY o.started_at), '[]')
              FROM td_stream_outages o WHERE o.meeting_id = m.id AND NOT o.filled) AS stream_down
      FROM td_meetings m WHERE m.id = ANY($1::bigint[])
      """;

  /**
   * Each bot attempt, whether it was judged deaf (restarts are only for deaf bots), and for a deaf one
   * when it was last heard. Only a deaf bot's: finding it reads every segment of the session, and the
   * sweep judges every live meeting, so for all of them it read the whole transcripts of thousands of
   * meetings every few seconds, a cost growing with their length (Postgres thrashed its buffers in a
   * 10-minute run at 10,000 meetings).
   */
  static final String SESSIONS = """
      SELECT s.meeting_id, s.attempt, s.status, s.active_at, s.ended_at, s.end_reason, s.completion_reason, s.failure_stage, s.start_reason,
             s.backfilled_at IS NOT NULL OR s.vexa_meeting_id IS NULL AS transcribed, d.deaf,
             CASE WHEN d.deaf THEN
                 (SELECT max(coalesce(t.absolute_end_time, t.absolute_start_time)) FROM td_transcript_segments t
                  WHERE t.meeting_id = s.meeting_id AND t.session_uid = s.session_uid AND NOT t.retracted) END AS last_heard
      FROM td_bot_sessions s
      CROSS JOIN LATERAL (SELECT s.end_reason IS NOT DISTINCT FROM 'replaced_by_restart'
             OR EXISTS (SELECT 1 FROM td_meeting_events e WHERE e.meeting_id = s.meeting_id AND e.type IN ('deaf_bot', 'deaf_bot_failed')
                        AND (e.detail ->> 'attempt')::int = s.attempt) AS deaf) d
      WHERE s.meeting_id = ANY($1::bigint[])
      ORDER BY s.meeting_id, s.attempt
      """;

  /**
   * Writes a verdict, unless the meeting changed since its facts were read ($8: the updated_at they were
   * read at; a verdict on newer facts is written by whoever read them). The row is locked first and its
   * old verdict returned, so of two nodes judging at once only the first sees a change.
   */
  static final String WRITE = """
      WITH old AS (
          SELECT id, outcome, coverage_ratio, gaps FROM td_meetings WHERE id = $1 AND updated_at = $8 FOR UPDATE
      )
      UPDATE td_meetings m SET outcome = $2, outcome_reason = $3, coverage_ratio = $4, gaps = $5::jsonb, coverage_from = $6, coverage_to = $7,
          outcome_at = CASE WHEN old.outcome IS DISTINCT FROM $2 THEN now() ELSE m.outcome_at END,
          assessed_at = now()
      FROM old WHERE m.id = old.id
      RETURNING old.outcome AS old_outcome, old.coverage_ratio AS old_coverage, old.gaps AS old_gaps
      """;
}
