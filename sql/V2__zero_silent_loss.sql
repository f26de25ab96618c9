-- Zero silent loss (issue 12).

-- A dead letter says why in two ways: a short reason code (bounded: it labels the
-- td_dead_letters_total metric) and the error text a person reads.
ALTER TABLE td_dead_letters ADD COLUMN reason text NOT NULL DEFAULT 'unknown';
CREATE INDEX td_dead_letters_created_idx ON td_dead_letters (created_at);

-- An adopted bot (POST /bots answered 409) is known by Vexa's meeting id and its workload id
-- mtg-{id}-{connection_id[:8]} until the first meeting.status_change names its connection id.
CREATE INDEX td_bot_sessions_uid_unknown_idx ON td_bot_sessions (right(bot_container_id, 8))
    WHERE session_uid IS NULL AND bot_container_id IS NOT NULL;
