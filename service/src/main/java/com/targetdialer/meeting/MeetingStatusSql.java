package com.targetdialer.meeting;

/**
 * Every statement that changes a meeting's bot status ({@code td_meetings.bot_status}) or its bot
 * sessions' ({@code td_bot_sessions.status}), kept together: {@link MeetingStatus} runs them. Statuses
 * only move forward by {@code td_status_rank()}, but for the claims, which a failed meeting may take
 * again, and a calendar's cancellation, which a rescheduled event undoes.
 */
final class MeetingStatusSql {

  private MeetingStatusSql() {
  }

  // ---- the calendar: scheduled, moved, cancelled (no bot sent yet) ----

  /**
   * One row per occurrence (call + start), shared by every calendar that holds it. A cancelled
   * occurrence that is back is scheduled again ({@code was_cancelled}: read before this statement's
   * change); times change only while no bot was sent.
   */
  static final String UPSERT_OCCURRENCES = """
      WITH was_cancelled AS (
          SELECT m.id FROM td_meetings m
          JOIN unnest($1::text[], $2::text[], $6::timestamptz[]) AS k(platform, native_id, s)
            ON m.platform = k.platform AND m.native_meeting_id = k.native_id AND m.scheduled_start = k.s
          WHERE m.bot_status = 'cancelled'
      )
      INSERT INTO td_meetings (platform, native_meeting_id, meeting_url, passcode_enc, title, scheduled_start, scheduled_end, dispatch_at,
                               source, admitters)
      SELECT t.platform, t.native_id, t.url, t.passcode, t.title, t.s, t.e, t.d, 'calendar', coalesce(t.a, '[]')
      FROM unnest($1::text[], $2::text[], $3::text[], $4::bytea[], $5::text[], $6::timestamptz[], $7::timestamptz[], $8::timestamptz[],
                  $9::jsonb[]) AS t(platform, native_id, url, passcode, title, s, e, d, a)
      ON CONFLICT ON CONSTRAINT td_meetings_occurrence_key DO UPDATE SET
          title = coalesce(EXCLUDED.title, td_meetings.title),
          meeting_url = coalesce(EXCLUDED.meeting_url, td_meetings.meeting_url),
          passcode_enc = coalesce(EXCLUDED.passcode_enc, td_meetings.passcode_enc),
          admitters = CASE WHEN EXCLUDED.admitters = '[]' THEN td_meetings.admitters ELSE EXCLUDED.admitters END,
          scheduled_end = CASE WHEN td_meetings.bot_status IN ('scheduled', 'cancelled') THEN EXCLUDED.scheduled_end ELSE td_meetings.scheduled_end END,
          dispatch_at = CASE WHEN td_meetings.bot_status IN ('scheduled', 'cancelled') THEN EXCLUDED.dispatch_at ELSE td_meetings.dispatch_at END,
          bot_status = CASE WHEN td_meetings.bot_status = 'cancelled' THEN 'scheduled' ELSE td_meetings.bot_status END,
          updated_at = now()
      RETURNING id, platform, native_meeting_id, title, scheduled_start, scheduled_end, bot_status, dispatch_at, (xmax = 0) AS inserted,
          id IN (SELECT id FROM was_cancelled) AND bot_status = 'scheduled' AS was_cancelled
      """;

  /**
   * A moved event takes its row along, while no bot was sent, no other calendar still holds the row at
   * its old time, and no row exists at the new time already. The event may now lead to another call
   * ($2 platform, $3 native id, $4 link, $5 sealed passcode). $10 = this calendar. was_status: its status
   * before (a cancelled one is scheduled again).
   */
  static final String MOVE_OCCURRENCE = """
      WITH was AS (SELECT bot_status FROM td_meetings WHERE id = $1)
      UPDATE td_meetings m SET platform = $2, native_meeting_id = $3, meeting_url = $4, passcode_enc = $5, scheduled_start = $6,
          scheduled_end = $7, title = coalesce($8, m.title), dispatch_at = $9, bot_status = 'scheduled', updated_at = now()
      WHERE m.id = $1 AND m.bot_status IN ('scheduled', 'cancelled')
        AND NOT EXISTS (SELECT 1 FROM td_calendar_events e
                        WHERE e.meeting_id = m.id AND e.decision = 'scheduled' AND e.calendar_ref <> $10)
        AND NOT EXISTS (SELECT 1 FROM td_meetings o
                        WHERE o.platform = $2 AND o.native_meeting_id = $3 AND o.scheduled_start = $6 AND o.id <> m.id)
      RETURNING m.id, m.bot_status, m.dispatch_at, m.title, (SELECT bot_status FROM was) AS was_status
      """;

  /** Occurrences no calendar schedules any more are cancelled, unless a bot was already sent. */
  static final String CANCEL_ORPHANS = """
      UPDATE td_meetings m SET bot_status = 'cancelled', updated_at = now()
      WHERE m.id = ANY($1::bigint[]) AND m.bot_status = 'scheduled'
        AND NOT EXISTS (SELECT 1 FROM td_calendar_events e WHERE e.meeting_id = m.id AND e.decision = 'scheduled')
      RETURNING m.id
      """;

  // ---- claims: a bot is to be sent ----

  /** The claim: only a meeting nobody is sending a bot to moves to 'requested'. */
  static final String CLAIM = """
      UPDATE td_meetings SET bot_status = 'requested', failure_reason = NULL, updated_at = now()
      WHERE id = $1 AND bot_status IN ('scheduled', 'failed')
      RETURNING id
      """;

  /** The once-only claim at $2 (now): whichever node's timer wins sends the one dispatch.start. */
  static final String CLAIM_DISPATCH = """
      UPDATE td_meetings SET bot_status = 'requested', failure_reason = NULL, updated_at = now()
      WHERE id = $1 AND bot_status = 'scheduled' AND dispatch_at <= $2::timestamptz + interval '500 milliseconds'
        AND (scheduled_end IS NULL OR scheduled_end > $2::timestamptz)
      RETURNING id, platform, native_meeting_id, scheduled_start, dispatch_at
      """;

  /** Calendar meetings that ended by $1 (now) while still waiting for their bot (the service was down throughout). */
  static final String MARK_MISSED = """
      UPDATE td_meetings SET bot_status = 'failed', failure_reason = 'missed: the meeting ended before its bot was sent',
          meeting_ended_at = scheduled_end, updated_at = now()
      WHERE bot_status = 'scheduled' AND source = 'calendar' AND dispatch_at < $1::timestamptz AND scheduled_end <= $1::timestamptz
      RETURNING id, title, native_meeting_id, scheduled_start
      """;

  // ---- a bot's start, restart and stop ----

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

  static final String SESSION_FAILED = """
      UPDATE td_bot_sessions SET status = 'failed', ended_at = now(), end_reason = $2 WHERE id = $1
      """;

  static final String MEETING_FAILED = """
      UPDATE td_meetings SET bot_status = 'failed', failure_reason = $2, meeting_ended_at = now(), updated_at = now()
      WHERE id = $1 AND bot_status IN ('requested', 'restarting')
      RETURNING bot_status, restart_count, segment_count
      """;

  /** A restart's claim: only an active meeting at the expected restart count, so it happens once. */
  static final String CLAIM_RESTART = """
      UPDATE td_meetings SET bot_status = 'restarting', restart_count = restart_count + 1, updated_at = now()
      WHERE id = $1 AND bot_status = 'active' AND restart_count = $2
      RETURNING id, platform, native_meeting_id, restart_count
      """;

  static final String MEETING_STOPPED_FAILED = """
      UPDATE td_meetings SET bot_status = 'failed', failure_reason = $2, meeting_ended_at = coalesce(meeting_ended_at, now()), updated_at = now()
      WHERE id = $1 AND bot_status NOT IN ('completed', 'failed', 'cancelled')
      RETURNING platform, native_meeting_id, restart_count, segment_count
      """;

  // ---- what Vexa reports ----

  static final String ADVANCE_SESSION = """
      UPDATE td_bot_sessions SET
          status = $2,
          joined_at = CASE WHEN $2 IN ('joining', 'awaiting_admission', 'active') THEN coalesce(joined_at, $3) ELSE joined_at END,
          active_at = CASE WHEN $2 = 'active' THEN coalesce(active_at, $3) ELSE active_at END,
          ended_at = CASE WHEN $2 IN ('completed', 'failed') THEN coalesce(ended_at, $3) ELSE ended_at END,
          completion_reason = coalesce($4, completion_reason),
          failure_stage = coalesce($5, failure_stage),
          transcription_outcome = coalesce($6, transcription_outcome),
          end_reason = CASE WHEN $2 IN ('completed', 'failed') THEN coalesce(end_reason, $4, $2) ELSE end_reason END
      WHERE id = $1 AND td_status_rank(status) < td_status_rank($2)
      RETURNING status
      """;

  /** A restarting meeting follows only its next bot, which DispatchVerticle moves to 'joining'. */
  static final String ADVANCE_MEETING = """
      UPDATE td_meetings SET
          bot_status = $2,
          bot_active_at = CASE WHEN $2 = 'active' THEN $3 ELSE bot_active_at END,
          meeting_ended_at = CASE WHEN $2 IN ('completed', 'failed') THEN coalesce(meeting_ended_at, $3) ELSE meeting_ended_at END,
          failure_reason = CASE WHEN $2 = 'failed' THEN coalesce($4, $5, 'bot_failed') ELSE failure_reason END,
          updated_at = now()
      WHERE id = $1 AND bot_status <> 'restarting' AND td_status_rank(bot_status) < td_status_rank($2)
      RETURNING id, platform, native_meeting_id, bot_status, restart_count, segment_count, failure_reason
      """;

  /** A fuller message about the status a session has: fills the reasons it lacks; one row when it did. */
  static final String EXPLAIN_SESSION = """
      UPDATE td_bot_sessions SET completion_reason = coalesce(completion_reason, $3::text), failure_stage = coalesce(failure_stage, $4::text),
          transcription_outcome = coalesce(transcription_outcome, $5::text),
          end_reason = CASE WHEN end_reason IN ('completed', 'failed') THEN coalesce($3::text, end_reason) ELSE end_reason END
      WHERE id = $1 AND status = $2
        AND ((completion_reason IS NULL AND $3::text IS NOT NULL) OR (failure_stage IS NULL AND $4::text IS NOT NULL)
             OR (transcription_outcome IS NULL AND $5::text IS NOT NULL))
      RETURNING id
      """;

  /** The meeting of an explained session: a failure with no stated reason gets Vexa's; judged again by the ledger. */
  static final String EXPLAIN_MEETING = """
      UPDATE td_meetings SET
          failure_reason = CASE WHEN bot_status = 'failed' AND failure_reason = 'bot_failed' THEN coalesce($2::text, $3::text, failure_reason)
                                ELSE failure_reason END,
          updated_at = now()
      WHERE id = $1
      RETURNING bot_status, restart_count, segment_count, failure_reason
      """;

  /** A re-knock's claim after attempt $2 turned away: requested again, once however many nodes (or stale reads) try. */
  static final String CLAIM_RE_KNOCK = """
      UPDATE td_meetings SET bot_status = 'requested', failure_reason = NULL, meeting_ended_at = NULL, updated_at = now()
      WHERE id = $1 AND bot_status = 'failed' AND (SELECT max(attempt) FROM td_bot_sessions WHERE meeting_id = $1) = $2
      RETURNING id
      """;
}
