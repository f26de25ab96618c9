-- TargetDialer capture service: the whole data model (DESIGN.md §2).
-- Table names td_meetings and td_transcript_segments are read by the TargetDialer web app: keep them.

-- One row per meeting occurrence. Two users' copies of one event share a row; a weekly standing
-- Meet room gets one row per week. The row is claimed here before Vexa is called.
CREATE TABLE td_meetings (
    id                 bigserial PRIMARY KEY,
    platform           text        NOT NULL DEFAULT 'google_meet',
    native_meeting_id  text        NOT NULL,
    meeting_url        text,
    title              text,
    scheduled_start    timestamptz NOT NULL,
    scheduled_end      timestamptz,
    source             text        NOT NULL DEFAULT 'api' CHECK (source IN ('api', 'calendar')),
    dispatch_at        timestamptz,
    bot_status         text        NOT NULL DEFAULT 'scheduled' CHECK (bot_status IN (
                           'scheduled', 'requested', 'joining', 'awaiting_admission', 'active',
                           'restarting', 'stopping', 'completed', 'failed', 'cancelled')),
    bot_joined_at      timestamptz,
    bot_active_at      timestamptz,
    first_segment_at   timestamptz,
    last_segment_at    timestamptz,
    segment_count      integer     NOT NULL DEFAULT 0,
    meeting_ended_at   timestamptz,
    restart_count      integer     NOT NULL DEFAULT 0,
    failure_reason     text,
    event_seq          integer     NOT NULL DEFAULT 0,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT td_meetings_occurrence_key UNIQUE (platform, native_meeting_id, scheduled_start)
);

-- The health sweep and the reconciler walk only meetings whose bot may still be in a call.
CREATE INDEX td_meetings_in_flight_idx ON td_meetings (bot_status, updated_at)
    WHERE bot_status IN ('requested', 'joining', 'awaiting_admission', 'active', 'restarting', 'stopping');
-- The scheduler rebuilds its timers from the meetings still waiting for their dispatch time.
CREATE INDEX td_meetings_dispatch_due_idx ON td_meetings (dispatch_at) WHERE bot_status = 'scheduled';
-- The read API lists meetings by day.
CREATE INDEX td_meetings_scheduled_start_idx ON td_meetings (scheduled_start);

-- One row per bot attempt; a restart adds one. The gaps between attempts are what the transcript lacks.
CREATE TABLE td_bot_sessions (
    id                 bigserial PRIMARY KEY,
    meeting_id         bigint      NOT NULL REFERENCES td_meetings (id) ON DELETE CASCADE,
    attempt            integer     NOT NULL,
    vexa_meeting_id    bigint,
    session_uid        text,
    bot_container_id   text,
    status             text        NOT NULL DEFAULT 'requested',
    requested_at       timestamptz NOT NULL DEFAULT now(),
    joined_at          timestamptz,
    active_at          timestamptz,
    ended_at           timestamptz,
    end_reason         text,
    completion_reason  text,
    failure_stage      text,
    backfilled_at      timestamptz,
    backfill_changed   integer,
    CONSTRAINT td_bot_sessions_attempt_key UNIQUE (meeting_id, attempt)
);

-- meeting.status_change names the bot only by its connection id (Vexa's session uid).
CREATE INDEX td_bot_sessions_session_uid_idx ON td_bot_sessions (session_uid);
CREATE INDEX td_bot_sessions_vexa_meeting_idx ON td_bot_sessions (vexa_meeting_id);

-- One row per spoken segment of a meeting, across all its bot sessions. segment_key is Vexa's
-- segment_id, or session_uid + absolute_start_time for payloads without one. A retracted segment
-- stays as a tombstone so that a late replay of its draft cannot bring it back.
CREATE TABLE td_transcript_segments (
    id                   bigserial PRIMARY KEY,
    meeting_id           bigint           NOT NULL REFERENCES td_meetings (id) ON DELETE CASCADE,
    segment_key          text             NOT NULL,
    session_uid          text,
    text                 text             NOT NULL DEFAULT '',
    speaker              text,
    language             text,
    start_time           double precision,
    end_time             double precision,
    absolute_start_time  timestamptz,
    absolute_end_time    timestamptz,
    completed            boolean          NOT NULL DEFAULT false,
    retracted            boolean          NOT NULL DEFAULT false,
    source_updated_at    timestamptz,
    received_at          timestamptz      NOT NULL DEFAULT now(),
    created_at           timestamptz      NOT NULL DEFAULT now(),
    updated_at           timestamptz      NOT NULL DEFAULT now(),
    CONSTRAINT td_transcript_segments_merge_key UNIQUE (meeting_id, segment_key)
);

CREATE INDEX td_transcript_segments_timeline_idx ON td_transcript_segments (meeting_id, absolute_start_time)
    WHERE NOT retracted;

-- Append-only log per meeting: status changes, restarts, alerts, scheduling decisions.
-- seq comes from td_meetings.event_seq, bumped in the same statement, so it has no gaps or races.
CREATE TABLE td_meeting_events (
    id          bigserial PRIMARY KEY,
    meeting_id  bigint      NOT NULL REFERENCES td_meetings (id) ON DELETE CASCADE,
    seq         integer     NOT NULL,
    type        text        NOT NULL,
    level       text        NOT NULL DEFAULT 'info' CHECK (level IN ('info', 'alert', 'critical')),
    detail      jsonb       NOT NULL DEFAULT '{}'::jsonb,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT td_meeting_events_seq_key UNIQUE (meeting_id, seq)
);

-- Connected Google Calendars. Credentials are AES-GCM encrypted; the key never enters the database.
CREATE TABLE td_calendars (
    id                  text PRIMARY KEY,
    calendar_id         text        NOT NULL DEFAULT 'primary',
    credentials_type    text        NOT NULL,
    credentials_enc     bytea       NOT NULL,
    source              text        NOT NULL DEFAULT 'api' CHECK (source IN ('api', 'config')),
    status              text        NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'needs_reauth', 'error')),
    last_sync_at        timestamptz,
    last_error          text,
    next_sync_at        timestamptz NOT NULL DEFAULT now(),
    backoff_until       timestamptz,
    failure_count       integer     NOT NULL DEFAULT 0,
    sync_claimed_by     text,
    sync_claim_expires  timestamptz,
    -- set when a push ping arrives while another node holds the sync claim: that node syncs again
    sync_requested_at   timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX td_calendars_next_sync_idx ON td_calendars (next_sync_at);

-- events.watch push channels; a ping is accepted only with the channel's token.
CREATE TABLE td_calendar_channels (
    id           text PRIMARY KEY,
    calendar_ref text        NOT NULL REFERENCES td_calendars (id) ON DELETE CASCADE,
    token        text        NOT NULL,
    resource_id  text,
    expires_at   timestamptz NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX td_calendar_channels_expiry_idx ON td_calendar_channels (expires_at);
CREATE INDEX td_calendar_channels_calendar_idx ON td_calendar_channels (calendar_ref);

-- The scheduling decision for every calendar event seen, with its reason, so the API can say why a
-- meeting was or was not recorded.
CREATE TABLE td_calendar_events (
    calendar_ref  text        NOT NULL REFERENCES td_calendars (id) ON DELETE CASCADE,
    event_id      text        NOT NULL,
    meeting_id    bigint      REFERENCES td_meetings (id) ON DELETE SET NULL,
    decision      text        NOT NULL CHECK (decision IN ('scheduled', 'skipped')),
    reason        text        NOT NULL,
    meet_code     text,
    summary       text,
    starts_at     timestamptz,
    ends_at       timestamptz,
    event_updated timestamptz,
    seen_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (calendar_ref, event_id)
);

CREATE INDEX td_calendar_events_meeting_idx ON td_calendar_events (meeting_id);

-- Who holds each live meeting's Vexa /ws subscription (one node per meeting, taken over on expiry).
CREATE TABLE td_live_leases (
    meeting_id  bigint PRIMARY KEY REFERENCES td_meetings (id) ON DELETE CASCADE,
    holder      text        NOT NULL,
    expires_at  timestamptz NOT NULL
);

-- Vexa event_ids already applied; kept at least 48 h for deduplication.
CREATE TABLE td_webhook_events_seen (
    event_id     text PRIMARY KEY,
    event_type   text,
    received_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX td_webhook_events_seen_received_idx ON td_webhook_events_seen (received_at);

-- Raw bodies that could not be applied, kept with the error so nothing is silently lost.
CREATE TABLE td_dead_letters (
    id          bigserial PRIMARY KEY,
    source      text        NOT NULL,
    stream_id   text,
    raw_body    text        NOT NULL,
    error       text        NOT NULL,
    attempts    integer     NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Values generated once and shared by every node (for example the Vexa webhook secret).
CREATE TABLE td_settings (
    key         text PRIMARY KEY,
    value       text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Bot statuses only move forward: a late or replayed webhook never takes a bot back to an earlier
-- stage. 'restarting' ranks with 'requested' so the next bot's own stages can follow it.
CREATE FUNCTION td_status_rank(status text) RETURNS integer LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE status
        WHEN 'scheduled' THEN 0
        WHEN 'requested' THEN 1
        WHEN 'restarting' THEN 1
        WHEN 'joining' THEN 2
        WHEN 'awaiting_admission' THEN 3
        WHEN 'active' THEN 4
        WHEN 'stopping' THEN 5
        WHEN 'completed' THEN 6
        WHEN 'failed' THEN 6
        WHEN 'cancelled' THEN 6
        ELSE -1
    END
$$;
