package com.targetdialer.events;

/** The outbox's and the subscriptions' statements, kept together. */
final class EventsSql {

  private EventsSql() {
  }

  static final String NEW_ID = "'evt_' || replace(gen_random_uuid()::text, '-', '')";

  static final String APPEND = "INSERT INTO td_outbound_events (id, type, meeting_id, data) VALUES (" + NEW_ID + ", $1, $2, $3)";

  /** ORDER BY keeps the given order in the pk, which the sequencer follows. */
  static final String APPEND_ALL = "INSERT INTO td_outbound_events (id, type, meeting_id, data) SELECT " + NEW_ID
      + ", $1, t.meeting_id, t.data FROM unnest($2::bigint[], $3::jsonb[]) WITH ORDINALITY AS t(meeting_id, data, n) ORDER BY t.n";

  /** Only for a meeting a bot was sent to; speakers in order of first word, duration from first word to last. */
  static final String APPEND_TRANSCRIPT_FINAL = "INSERT INTO td_outbound_events (id, type, meeting_id, data) SELECT " + NEW_ID + """
      , 'transcript.final', $1, jsonb_build_object(
          'segment_count', count(t.*),
          'speakers', coalesce((SELECT jsonb_agg(sp.speaker ORDER BY sp.first) FROM (
              SELECT speaker, min(coalesce(absolute_start_time, 'infinity')) AS first FROM td_transcript_segments
              WHERE meeting_id = $1 AND NOT retracted AND speaker IS NOT NULL GROUP BY speaker) sp), '[]'::jsonb),
          'duration_seconds', coalesce(extract(epoch FROM max(coalesce(t.absolute_end_time, t.absolute_start_time)) - min(t.absolute_start_time)), 0),
          'transcript_url', $2::text)
      FROM td_transcript_segments t
      WHERE t.meeting_id = $1 AND NOT t.retracted
      HAVING EXISTS (SELECT 1 FROM td_bot_sessions s WHERE s.meeting_id = $1)
      """;

  /**
   * Numbers up to $1 committed rows in insertion order, after the last seq given out. The counter row
   * and the rows' locks make a second sequencer wait and then skip what this one numbered, and readers
   * see a batch all at once: never a seq before the ones below it.
   */
  static final String SEQUENCE = """
      WITH todo AS (
          SELECT pk FROM td_outbound_events WHERE seq IS NULL ORDER BY pk LIMIT $1 FOR UPDATE
      ), numbered AS (
          SELECT pk, row_number() OVER (ORDER BY pk) AS n, count(*) OVER () AS total FROM todo
      ), counter AS (
          UPDATE td_event_seq SET last_seq = last_seq + (SELECT count(*) FROM todo)
          WHERE id = 1 AND EXISTS (SELECT 1 FROM todo)
          RETURNING last_seq
      )
      UPDATE td_outbound_events e SET seq = counter.last_seq - numbered.total + numbered.n
      FROM numbered, counter WHERE e.pk = numbered.pk
      RETURNING e.seq
      """;

  static final String PRUNE = """
      DELETE FROM td_outbound_events WHERE seq IS NOT NULL AND occurred_at < now() - make_interval(days => $1::int)
      """;

  static final String COLUMNS = "seq, id, type, meeting_id, occurred_at, data";

  /** Events after $1 of the types $2 (all when null), in order, at most $3. */
  static final String READ = "SELECT " + COLUMNS + """
       FROM td_outbound_events
      WHERE seq > $1::bigint AND ($2::text[] IS NULL OR type = ANY($2::text[]))
      ORDER BY seq LIMIT $3::int
      """;

  // ---- subscriptions ----

  static final String SUBSCRIPTION_COLUMNS =
      "id, url, types, created_at, delivered_seq, delivered_at, failures, failing, last_error, next_attempt_at";

  /** A new subscriber starts after the last event numbered so far. */
  static final String CREATE_SUBSCRIPTION = """
      INSERT INTO td_subscriptions (id, url, types, secret, delivered_seq)
      SELECT $1, $2, $3::text[], $4, last_seq FROM td_event_seq WHERE id = 1
      RETURNING """ + " " + SUBSCRIPTION_COLUMNS;

  static final String LIST_SUBSCRIPTIONS = "SELECT " + SUBSCRIPTION_COLUMNS + " FROM td_subscriptions ORDER BY created_at, id";

  static final String DELETE_SUBSCRIPTION = "DELETE FROM td_subscriptions WHERE id = $1 RETURNING id";

  /** Sends again from $2 (inclusive): the lease is dropped so a delivery under way cannot move the position back up. */
  static final String REPLAY = """
      UPDATE td_subscriptions SET delivered_seq = $2::bigint - 1, failures = 0, failing = false, last_error = NULL,
          next_attempt_at = now(), lease_owner = NULL, lease_until = NULL
      WHERE id = $1
      RETURNING""" + " " + SUBSCRIPTION_COLUMNS;

  // ---- delivery ----

  /**
   * Subscriptions not being delivered with no event of their types after their position move it to the
   * last seq given out: a subscriber of rare types (only alerts, say) then costs the claim and the lag
   * measurement a read of the events since the last poll, not of every other event since its last one.
   * One snapshot reads both the counter and the events, so no event of its types is skipped; SKIP LOCKED
   * leaves a row another node is moving or claiming (nodes never wait on each other's locks here).
   */
  static final String SKIP_AHEAD = """
      WITH counter AS (SELECT last_seq FROM td_event_seq WHERE id = 1)
      UPDATE td_subscriptions s SET delivered_seq = counter.last_seq
      FROM counter
      WHERE s.id IN (
          SELECT c.id FROM td_subscriptions c, counter
          WHERE c.delivered_seq < counter.last_seq AND (c.lease_until IS NULL OR c.lease_until < now())
            AND NOT EXISTS (SELECT 1 FROM td_outbound_events e WHERE e.seq > c.delivered_seq AND e.type = ANY(c.types))
          FOR UPDATE OF c SKIP LOCKED)
      """;

  /**
   * Leases ($1 node, $2 ms) the subscriptions with an event due; SKIP LOCKED and the lease make each
   * subscription delivered by one node at a time. Not those this node is still running ($3): leasing one
   * again would let its old run's answer, checked by owner, pass after a replay took the lease back.
   */
  static final String CLAIM = """
      UPDATE td_subscriptions s SET lease_owner = $1, lease_until = now() + $2::bigint * interval '1 millisecond'
      WHERE s.id IN (
          SELECT c.id FROM td_subscriptions c
          WHERE c.next_attempt_at <= now() AND (c.lease_until IS NULL OR c.lease_until < now()) AND c.id <> ALL($3::text[])
            AND EXISTS (SELECT 1 FROM td_outbound_events e WHERE e.seq > c.delivered_seq AND e.type = ANY(c.types))
          FOR UPDATE SKIP LOCKED)
      RETURNING s.id, s.url, s.types, s.secret, s.delivered_seq, s.failures
      """;

  static final String NEXT = "SELECT " + COLUMNS + """
       FROM td_outbound_events
      WHERE seq > $1::bigint AND type = ANY($2::text[])
      ORDER BY seq LIMIT $3::int
      """;

  /** Accepted: the position moves on and the lease is renewed; no row when this node lost the lease. */
  static final String DELIVERED = """
      UPDATE td_subscriptions SET delivered_seq = $3, delivered_at = now(), failures = 0, failing = false, last_error = NULL,
          next_attempt_at = now(), lease_until = now() + $4::bigint * interval '1 millisecond'
      WHERE id = $1 AND lease_owner = $2
      RETURNING id
      """;

  /** Refused or timed out: the next attempt after $4 ms; $5 marks it failing. Returns whether it was failing before. */
  static final String FAILED = """
      UPDATE td_subscriptions s SET failures = s.failures + 1, last_error = $3, next_attempt_at = now() + $4::bigint * interval '1 millisecond',
          failing = s.failing OR $5, lease_owner = NULL, lease_until = NULL
      FROM td_subscriptions old WHERE s.id = $1 AND s.lease_owner = $2 AND old.id = s.id
      RETURNING s.failures, old.failing AS was_failing
      """;

  static final String RELEASE_ALL = "UPDATE td_subscriptions SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = $1";

  static final String RELEASE = "UPDATE td_subscriptions SET lease_owner = NULL, lease_until = NULL WHERE id = $1 AND lease_owner = $2";

  /** Per subscription, the age of its oldest undelivered event (seconds; 0 when none). */
  static final String LAG = """
      SELECT s.id, coalesce(extract(epoch FROM now() - (SELECT min(e.occurred_at) FROM td_outbound_events e
                                                        WHERE e.seq > s.delivered_seq AND e.type = ANY(s.types))), 0)::float8 AS lag
      FROM td_subscriptions s
      """;
}
