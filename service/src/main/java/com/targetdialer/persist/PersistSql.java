package com.targetdialer.persist;

/** The SQL of PersistVerticle, kept together. */
final class PersistSql {

  private PersistSql() {
  }

  /**
   * Merges a batch of segments in one statement (merge rules of DESIGN §2):
   * a tombstone (retract, or empty text) is final; a completed version beats a draft; within the
   * same state the newer {@code updated_at} wins, else the later arrival; unchanged content is not
   * rewritten, so replays change nothing. The meeting's segment counters move in the same statement:
   * a tombstone row is never updated again, so an updated row was live before, and {@code xmax = 0}
   * (no lock left by the conflict check) tells a fresh insert from an update without reading the prior row.
   * Each (meeting, segment key) comes once: {@link SegmentRows} reduces several versions of a segment
   * to the one these rules let win as it builds the arrays (Postgres refuses to update one row twice in
   * a statement, and sorting the batch here to reduce them cost a tenth of the statement).
   * The meetings are locked once each (FOR KEY SHARE: a delete of one waits for this statement, and its
   * trigger then deletes what was written; V9), and a meeting already gone takes none of its segments.
   * Returns the rows that changed, each with its meeting's new segment count, then a row for each meeting
   * that is gone ({@link MergedRows}).
   */
  static final String MERGE_SEGMENTS = """
      WITH input AS (
          SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                               $7::float8[], $8::float8[], $9::timestamptz[], $10::timestamptz[],
                               $11::bool[], $12::bool[], $13::timestamptz[])
              AS t(meeting_id, segment_key, session_uid, text, speaker, language, start_time, end_time,
                   absolute_start_time, absolute_end_time, completed, retracted, source_updated_at)
      ), meetings AS (
          SELECT id FROM td_meetings WHERE id IN (SELECT meeting_id FROM input) FOR KEY SHARE
      ), merged AS (
          INSERT INTO td_transcript_segments AS s (meeting_id, segment_key, session_uid, text, speaker, language,
              start_time, end_time, absolute_start_time, absolute_end_time, completed, retracted, source_updated_at)
          SELECT meeting_id, segment_key, session_uid, text, speaker, language, start_time, end_time,
                 absolute_start_time, absolute_end_time, completed, retracted, source_updated_at
          FROM input WHERE meeting_id IN (SELECT id FROM meetings)
          ON CONFLICT (meeting_id, segment_key) DO UPDATE SET
              session_uid = coalesce(EXCLUDED.session_uid, s.session_uid),
              text = CASE WHEN EXCLUDED.retracted THEN s.text ELSE EXCLUDED.text END,
              speaker = CASE WHEN EXCLUDED.retracted THEN s.speaker ELSE EXCLUDED.speaker END,
              language = coalesce(EXCLUDED.language, s.language),
              start_time = coalesce(EXCLUDED.start_time, s.start_time),
              end_time = coalesce(EXCLUDED.end_time, s.end_time),
              absolute_start_time = coalesce(EXCLUDED.absolute_start_time, s.absolute_start_time),
              absolute_end_time = coalesce(EXCLUDED.absolute_end_time, s.absolute_end_time),
              completed = EXCLUDED.completed OR (EXCLUDED.retracted AND s.completed),
              retracted = EXCLUDED.retracted,
              source_updated_at = coalesce(EXCLUDED.source_updated_at, s.source_updated_at),
              received_at = now(),
              updated_at = now()
          WHERE NOT s.retracted
            AND ((CASE WHEN EXCLUDED.retracted THEN 2 WHEN EXCLUDED.completed THEN 1 ELSE 0 END)
                     > (CASE WHEN s.completed THEN 1 ELSE 0 END)
                 OR ((CASE WHEN EXCLUDED.retracted THEN 2 WHEN EXCLUDED.completed THEN 1 ELSE 0 END)
                         = (CASE WHEN s.completed THEN 1 ELSE 0 END)
                     AND coalesce(EXCLUDED.source_updated_at, '-infinity') >= coalesce(s.source_updated_at, '-infinity')))
            AND (EXCLUDED.retracted, EXCLUDED.completed, EXCLUDED.text, EXCLUDED.speaker,
                 coalesce(EXCLUDED.absolute_start_time, s.absolute_start_time),
                 coalesce(EXCLUDED.absolute_end_time, s.absolute_end_time))
                IS DISTINCT FROM
                (s.retracted, s.completed, s.text, s.speaker, s.absolute_start_time, s.absolute_end_time)
          -- SegmentRows reads these by position: keep its constants in step.
          RETURNING s.id, s.meeting_id, s.segment_key, s.session_uid, s.text, s.speaker, s.language, s.start_time,
                    s.end_time, s.absolute_start_time, s.absolute_end_time, s.completed, s.retracted, (s.xmax = 0) AS inserted
      ), counts AS (
          SELECT m.meeting_id,
                 sum(CASE WHEN m.inserted AND NOT m.retracted THEN 1
                          WHEN NOT m.inserted AND m.retracted THEN -1
                          ELSE 0 END)::int AS delta,
                 bool_or(NOT m.retracted) AS heard
          FROM merged m
          GROUP BY m.meeting_id
      ), counted AS (
          UPDATE td_meetings t SET
              segment_count = t.segment_count + c.delta,
              first_segment_at = CASE WHEN c.heard AND $14 THEN coalesce(t.first_segment_at, now()) ELSE t.first_segment_at END,
              last_segment_at = CASE WHEN c.heard AND $14 THEN now() ELSE t.last_segment_at END,
              -- A live meeting's progress moves updated_at at most every 5 s: its indexes are then left
              -- alone (a HOT update) for the segments in between, which at thousands of live meetings is
              -- most of the writes.
              updated_at = CASE WHEN $14 AND t.updated_at > now() - interval '5 seconds' THEN t.updated_at ELSE now() END
          FROM counts c WHERE t.id = c.meeting_id
            -- A live segment that changes no count (a draft confirmed, reworded) moves last_segment_at
            -- at most every 2 s: deaf-bot checks count in minutes, and this halves the meeting writes.
            AND (c.delta <> 0 OR NOT $14 OR t.first_segment_at IS NULL
                 OR (c.heard AND (t.last_segment_at IS NULL OR t.last_segment_at < now() - interval '2 seconds')))
          RETURNING t.id, t.segment_count
      )
      SELECT merged.*, counted.segment_count AS meeting_segment_count
      FROM merged LEFT JOIN counted ON counted.id = merged.meeting_id
      UNION ALL
      SELECT NULL, gone.meeting_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
      FROM (SELECT DISTINCT meeting_id FROM input WHERE meeting_id NOT IN (SELECT id FROM meetings)) gone
      """;

  /**
   * Drafts of a finished bot session that Vexa's final transcript does not hold: the live lane
   * rotates draft ids, and such drafts would otherwise linger as text nobody said that way.
   */
  static final String RETRACT_STALE_DRAFTS = """
      SELECT segment_key FROM td_transcript_segments
      WHERE meeting_id = $1 AND session_uid = $2 AND NOT completed AND NOT retracted
        AND segment_key <> ALL($3::text[])
      """;

  /**
   * The session's final transcript is in: it also holds what the live stream missed while it was down
   * during the session, so those outages are filled (and the meeting judged again by the ledger).
   */
  static final String MARK_BACKFILLED = """
      WITH session AS (
          UPDATE td_bot_sessions SET backfilled_at = now(), backfill_changed = $2 WHERE id = $1 RETURNING meeting_id, attempt, ended_at
      ), filled AS (
          -- What the session said during an outage; for the meeting's last bot, everything up to now.
          UPDATE td_stream_outages o SET filled = true, ended_at = coalesce(o.ended_at, now())
          FROM session s WHERE o.meeting_id = s.meeting_id AND NOT o.filled
            AND (o.started_at <= coalesce(s.ended_at, now())
                 OR NOT EXISTS (SELECT 1 FROM td_bot_sessions later WHERE later.meeting_id = s.meeting_id AND later.attempt > s.attempt))
          RETURNING o.meeting_id
      )
      UPDATE td_meetings m SET updated_at = now() FROM session s WHERE m.id = s.meeting_id AND EXISTS (SELECT 1 FROM filled)
      """;

  /** Returns the event ids not seen before. */
  static final String REMEMBER_EVENTS = """
      INSERT INTO td_webhook_events_seen (event_id, event_type)
      SELECT * FROM unnest($1::text[], $2::text[])
      ON CONFLICT DO NOTHING
      RETURNING event_id
      """;

  /** One chunk of the event ids past their retention ($1 hours); run until it deletes less than $2. */
  static final String FORGET_OLD_EVENTS = """
      DELETE FROM td_webhook_events_seen WHERE event_id IN (
          SELECT event_id FROM td_webhook_events_seen WHERE received_at < now() - make_interval(hours => $1) LIMIT $2)
      """;

  static final String FORGET_EVENTS = """
      DELETE FROM td_webhook_events_seen WHERE event_id = ANY($1::text[])
      """;

  /** The bot session an event is about: by Vexa's session uid, else by Vexa's meeting id. */
  static final String FIND_SESSION = """
      SELECT s.id, s.meeting_id, s.attempt, s.status, s.vexa_meeting_id, s.session_uid,
             s.attempt = (SELECT max(attempt) FROM td_bot_sessions WHERE meeting_id = s.meeting_id) AS current
      FROM td_bot_sessions s
      WHERE ($1::text IS NOT NULL AND s.session_uid = $1) OR ($2::bigint IS NOT NULL AND s.vexa_meeting_id = $2)
      ORDER BY s.id DESC LIMIT 1
      FOR UPDATE
      """;

  /**
   * An adopted bot's session (Vexa answered 409; its status rows carry no connection id): its
   * workload id is {@code mtg-{vexa meeting id}-{connection_id[:8]}}.
   */
  static final String FIND_ADOPTED_SESSION = """
      SELECT s.id, s.meeting_id, s.attempt, s.status, s.vexa_meeting_id, s.session_uid,
             s.attempt = (SELECT max(attempt) FROM td_bot_sessions WHERE meeting_id = s.meeting_id) AS current
      FROM td_bot_sessions s
      WHERE s.session_uid IS NULL AND s.bot_container_id IS NOT NULL
        AND right(s.bot_container_id, 8) = left($1, 8) AND s.bot_container_id = 'mtg-' || s.vexa_meeting_id || '-' || left($1, 8)
      ORDER BY s.id DESC LIMIT 1
      FOR UPDATE
      """;

  /** The connection id of a bot we knew only by its Vexa ids, learned from its first event that names it. */
  static final String LEARN_SESSION_UID = """
      UPDATE td_bot_sessions SET session_uid = $2 WHERE id = $1 AND session_uid IS NULL
      """;

  static final String DEAD_LETTER = """
      INSERT INTO td_dead_letters (source, reason, stream_id, raw_body, error, attempts) VALUES ($1, $2, $3, $4, $5, $6)
      """;
}
