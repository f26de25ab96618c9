package com.targetdialer.calendar;

import com.targetdialer.events.Outbox;

/** The SQL of the calendar package, kept together. */
final class CalendarSql {

  private CalendarSql() {
  }

  // ---- calendars ----

  private static final String CLAIMED_COLUMNS =
      "id, calendar_id, credentials_type, credentials_enc, failure_count, owner, now() AS claimed_at";

  /**
   * The poll: claims up to $3 calendars whose sync is due and that no node holds, for $2 seconds.
   * SKIP LOCKED lets nodes claim side by side; the expiry hands a dead node's calendars to the others.
   */
  static final String CLAIM_DUE = """
      UPDATE td_calendars SET sync_claimed_by = $1, sync_claim_expires = now() + make_interval(secs => $2)
      WHERE id IN (
          SELECT id FROM td_calendars
          WHERE next_sync_at <= now() AND status <> 'needs_reauth'
            AND (sync_claim_expires IS NULL OR sync_claim_expires < now())
          ORDER BY next_sync_at
          LIMIT $3
          FOR UPDATE SKIP LOCKED)
      RETURNING\s""" + CLAIMED_COLUMNS;

  /** A push ping or a new calendar: claims that one calendar now, unless another node holds it. */
  static final String CLAIM_ONE = """
      UPDATE td_calendars SET sync_claimed_by = $1, sync_claim_expires = now() + make_interval(secs => $2)
      WHERE id = $3 AND status <> 'needs_reauth'
        AND (sync_claim_expires IS NULL OR sync_claim_expires < now())
      RETURNING\s""" + CLAIMED_COLUMNS;

  /**
   * Makes a calendar due now: the poll takes it when a slot is free, and a node holding its claim syncs
   * it once more when done (see SYNC_SUCCEEDED).
   */
  static final String REQUEST_SYNC = """
      UPDATE td_calendars SET sync_requested_at = now(), next_sync_at = least(next_sync_at, now())
      WHERE id = $1 AND status <> 'needs_reauth'
      """;

  /** $3 = when the claim was taken: a ping that came in since makes the next sync due at once. */
  static final String SYNC_SUCCEEDED = """
      UPDATE td_calendars SET status = 'ok', last_sync_at = now(), last_error = NULL, failure_count = 0, backoff_until = NULL, failing_since = NULL,
          next_sync_at = CASE WHEN sync_requested_at > $3 THEN now() ELSE now() + make_interval(secs => $4) END,
          sync_claimed_by = NULL, sync_claim_expires = NULL, updated_at = now()
      WHERE id = $1 AND sync_claimed_by = $2
      """;

  static final String SYNC_FAILED = """
      UPDATE td_calendars SET status = 'error', last_error = $3, failure_count = failure_count + 1, failing_since = coalesce(failing_since, now()),
          backoff_until = now() + make_interval(secs => $4), next_sync_at = now() + make_interval(secs => $4),
          sync_claimed_by = NULL, sync_claim_expires = NULL, updated_at = now()
      WHERE id = $1 AND sync_claimed_by = $2
      """;

  /** Returns the row only on the change to needs_reauth, so the alert is raised once. */
  static final String NEEDS_REAUTH = """
      UPDATE td_calendars SET status = 'needs_reauth', needs_reauth_since = now(), last_error = $3, sync_claimed_by = NULL,
          sync_claim_expires = NULL, updated_at = now()
      WHERE id = $1 AND sync_claimed_by = $2 AND status <> 'needs_reauth'
      RETURNING id
      """;

  static final String RELEASE_CLAIMS = """
      UPDATE td_calendars SET sync_claimed_by = NULL, sync_claim_expires = NULL WHERE sync_claimed_by = $1
      """;

  /**
   * A calendar upsert that keeps whose meetings it holds in step: when its owner changes, its events are
   * marked unread, so the next sync rewrites each, and its meeting's owners with it.
   */
  private static final String OWNER_KEPT_IN_STEP = """
      WITH before AS (SELECT owner FROM td_calendars WHERE id = $1),
           upserted AS (%s),
           reread AS (UPDATE td_calendar_events SET event_updated = NULL
                      WHERE calendar_ref = $1 AND EXISTS (SELECT 1 FROM before b, upserted u WHERE b.owner IS DISTINCT FROM u.owner))
      SELECT * FROM upserted
      """;

  /** POST /calendars: new, or new credentials for a calendar connected over the API (never one of the config file). */
  static final String UPSERT_API = OWNER_KEPT_IN_STEP.formatted("""
      INSERT INTO td_calendars (id, calendar_id, credentials_type, credentials_enc, source, status, next_sync_at, owner)
      VALUES ($1, $2, $3, $4, 'api', 'ok', now(), $5)
      ON CONFLICT (id) DO UPDATE SET calendar_id = EXCLUDED.calendar_id, credentials_type = EXCLUDED.credentials_type,
          owner = coalesce(EXCLUDED.owner, td_calendars.owner),
          credentials_enc = EXCLUDED.credentials_enc, status = 'ok', needs_reauth_since = NULL, last_error = NULL, failure_count = 0,
          credentials_since = CASE WHEN td_calendars.credentials_enc = EXCLUDED.credentials_enc THEN td_calendars.credentials_since ELSE now() END,
          failing_since = NULL, warned_at = NULL,
          backoff_until = NULL, next_sync_at = now(), sync_requested_at = now(), updated_at = now()
      WHERE td_calendars.source = 'api'
      RETURNING id, calendar_id, status, last_sync_at, last_error, source, owner, needs_reauth_since, 0 AS at_risk_meetings,
                (xmax = 0) AS created""");

  /** A calendar of the config file; it takes over an API calendar of the same id. */
  static final String UPSERT_CONFIG = OWNER_KEPT_IN_STEP.formatted("""
      INSERT INTO td_calendars (id, calendar_id, credentials_type, credentials_enc, source, status, next_sync_at, owner)
      VALUES ($1, $2, $3, $4, 'config', 'ok', now(), $5)
      ON CONFLICT (id) DO UPDATE SET calendar_id = EXCLUDED.calendar_id, credentials_type = EXCLUDED.credentials_type,
          owner = coalesce(EXCLUDED.owner, td_calendars.owner),
          credentials_enc = EXCLUDED.credentials_enc, source = 'config', status = 'ok', needs_reauth_since = NULL, last_error = NULL,
          credentials_since = CASE WHEN td_calendars.credentials_enc = EXCLUDED.credentials_enc THEN td_calendars.credentials_since ELSE now() END,
          failure_count = 0,
          backoff_until = NULL, next_sync_at = now(), updated_at = now()
      RETURNING id, owner""");

  static final String LOAD_CALENDAR = """
      SELECT id, calendar_id, credentials_type, credentials_enc, source, status, owner FROM td_calendars WHERE id = $1
      """;

  static final String CONFIG_CALENDARS = "SELECT id FROM td_calendars WHERE source = 'config'";

  static final String COUNT_CALENDARS = "SELECT count(*) FROM td_calendars";

  /** Each calendar; one that needs re-authorisation with how many of its meetings to come it can no longer check. */
  static final String LIST_CALENDARS = """
      SELECT c.id, c.calendar_id, c.status, c.last_sync_at, c.last_error, c.source, c.owner, c.needs_reauth_since,
             CASE WHEN c.status <> 'needs_reauth' THEN 0 ELSE
               (SELECT count(DISTINCT m.id) FROM td_calendar_events e JOIN td_meetings m ON m.id = e.meeting_id
                WHERE e.calendar_ref = c.id AND e.decision = 'scheduled' AND m.bot_status NOT IN ('completed', 'failed', 'cancelled')
                  AND coalesce(m.scheduled_end, m.scheduled_start) > now()) END AS at_risk_meetings
      FROM td_calendars c ORDER BY c.id
      """;

  static final String DELETE_CALENDAR = "DELETE FROM td_calendars WHERE id = $1";

  /** A calendar gone gives its meetings to no one any more. */
  static final String FORGET_CALENDAR_OWNERS = "DELETE FROM td_meeting_owners WHERE via = 'calendar:' || $1";

  /** The meetings a calendar's events lead to, before the calendar (and its events, by cascade) go. */
  static final String CALENDAR_MEETINGS = """
      SELECT DISTINCT meeting_id FROM td_calendar_events WHERE calendar_ref = $1 AND meeting_id IS NOT NULL
      """;

  /** What needs_reauth puts at risk: this calendar's meetings that still wait for their bot. */
  static final String UPCOMING_MEETINGS = """
      SELECT m.id, m.title, m.native_meeting_id, m.scheduled_start
      FROM td_calendar_events e JOIN td_meetings m ON m.id = e.meeting_id
      WHERE e.calendar_ref = $1 AND e.decision = 'scheduled' AND m.bot_status = 'scheduled'
        AND coalesce(m.scheduled_end, m.scheduled_start) > now()
      ORDER BY m.scheduled_start
      """;

  static final String CALENDAR_EVENTS = """
      SELECT e.event_id, e.summary, e.starts_at, e.ends_at, e.decision, e.reason, e.platform, e.native_meeting_id, e.meeting_id,
             m.bot_status, e.seen_at
      FROM td_calendar_events e LEFT JOIN td_meetings m ON m.id = e.meeting_id
      WHERE e.calendar_ref = $1
      ORDER BY e.starts_at NULLS LAST, e.event_id
      """;

  // ---- reconciliation ----

  static final String LOAD_KNOWN = """
      SELECT e.event_id, e.meeting_id, e.decision, e.reason, e.platform || '/' || e.native_meeting_id AS link, e.summary,
             e.starts_at, e.ends_at, e.event_updated, m.platform || '/' || m.native_meeting_id AS m_link, m.scheduled_start AS m_start, m.scheduled_end AS m_end,
             m.bot_status AS m_status, m.dispatch_at AS m_dispatch_at
      FROM td_calendar_events e LEFT JOIN td_meetings m ON m.id = e.meeting_id
      WHERE e.calendar_ref = $1
      """;

  /** Same key as DispatchSql.LOCK_LINK (platform/native id): calendar writes and ad-hoc dispatches of one call take turns. */
  static final String LOCK_LINKS = """
      SELECT count(pg_advisory_xact_lock(hashtextextended(link, 0)))
      FROM (SELECT link FROM unnest($1::text[]) AS link ORDER BY link) AS sorted
      """;

  static final String UPSERT_EVENTS = """
      INSERT INTO td_calendar_events (calendar_ref, event_id, meeting_id, decision, reason, platform, native_meeting_id, summary,
                                      starts_at, ends_at, event_updated, seen_at)
      SELECT $1, t.event_id, t.meeting_id, t.decision, t.reason, t.platform, t.native_id, t.summary, t.starts_at, t.ends_at,
             t.event_updated, now()
      FROM unnest($2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::timestamptz[],
                  $10::timestamptz[], $11::timestamptz[])
           AS t(event_id, meeting_id, decision, reason, platform, native_id, summary, starts_at, ends_at, event_updated)
      ON CONFLICT (calendar_ref, event_id) DO UPDATE SET meeting_id = EXCLUDED.meeting_id, decision = EXCLUDED.decision,
          reason = EXCLUDED.reason, platform = EXCLUDED.platform, native_meeting_id = EXCLUDED.native_meeting_id,
          summary = EXCLUDED.summary, starts_at = EXCLUDED.starts_at,
          ends_at = EXCLUDED.ends_at, event_updated = EXCLUDED.event_updated, seen_at = now()
      """;

  /** Whose meetings they are, by this calendar ($1 = 'calendar:<id>'): what it said before about meetings $2 goes... */
  static final String FORGET_OWNERS = "DELETE FROM td_meeting_owners WHERE via = $1 AND meeting_id = ANY($2::bigint[])";

  /** ... and what it says now: ($3[i], $4[i]) = (meeting, person). */
  static final String ADD_OWNERS = """
      INSERT INTO td_meeting_owners (owner, meeting_id, via)
      SELECT DISTINCT t.owner, t.meeting_id, $1 FROM unnest($2::bigint[], $3::text[]) AS t(meeting_id, owner)
      ON CONFLICT DO NOTHING
      """;

  /**
   * Appends one entry per meeting to td_meeting_events (ids must be distinct), seq bumped in the same
   * statement; alert-level entries are outbound {@code alert} events too.
   */
  static final String APPEND_MEETING_EVENTS = """
      WITH bumped AS (
          UPDATE td_meetings m SET event_seq = m.event_seq + 1
          FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) AS t(id, type, level, detail)
          WHERE m.id = t.id
          RETURNING m.id, m.event_seq, t.type, t.level, t.detail
      ), logged AS (
          INSERT INTO td_meeting_events (meeting_id, seq, type, level, detail)
          SELECT id, event_seq, type, level, detail::jsonb FROM bumped
          RETURNING meeting_id, type, level, detail
      )
      """ + Outbox.alertsOf("logged");

  static final String PURGE_OLD_EVENTS = """
      DELETE FROM td_calendar_events
      WHERE ends_at < now() - interval '7 days' OR (ends_at IS NULL AND seen_at < now() - interval '7 days')
      """;

  // ---- push channels ----

  static final String CHANNELS_OF = """
      SELECT id, resource_id, expires_at, created_at FROM td_calendar_channels WHERE calendar_ref = $1 ORDER BY created_at
      """;

  /** Stored before events.watch is called, so the sync ping that may beat the watch answer finds it. */
  static final String INSERT_CHANNEL = """
      INSERT INTO td_calendar_channels (id, calendar_ref, token, expires_at) VALUES ($1, $2, $3, now() + make_interval(secs => $4))
      """;

  static final String CHANNEL_WATCHED = """
      UPDATE td_calendar_channels SET resource_id = $2, expires_at = $3 WHERE id = $1
      """;

  static final String DELETE_CHANNEL = "DELETE FROM td_calendar_channels WHERE id = $1";

  static final String FIND_CHANNEL = """
      SELECT calendar_ref, token, resource_id FROM td_calendar_channels WHERE id = $1
      """;

  /**
   * The calendar's early warning, claimed at most once a day: its user credentials older than $2 days,
   * or its syncs failing for $3 seconds (not counting needs_reauth, which has its own alert).
   */
  static final String WARN = """
      UPDATE td_calendars SET warned_at = now()
      WHERE id = $1 AND (warned_at IS NULL OR warned_at < now() - interval '1 day')
        AND ((credentials_type = 'authorized_user' AND credentials_since < now() - make_interval(days => $2))
             OR (status = 'error' AND failing_since < now() - make_interval(secs => $3)))
      RETURNING id, calendar_id, credentials_since, failing_since, last_error,
                status = 'error' AND failing_since < now() - make_interval(secs => $3) AS failing
      """;
}
